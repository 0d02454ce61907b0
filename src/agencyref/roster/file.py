"""Read and write the 287(g) roster file (``data/roster-287g.json``).

The file is JSON laid out for ``git diff``: the header fields one per line,
then one agreement object per line, so a re-import shows exactly which
agreements were added, dropped or edited. Writing is atomic: a crash or a
full disk leaves the previous file as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from agencyref.errors import DataError, Problem
from agencyref.knowledge.model import PartialDate, Record
from agencyref.roster.model import Agreement, Roster
from agencyref.text import printable as _printable

HEADER_LINES = 6  # lines before the first agreement in an encoded roster


class RosterFile(Record, frozen=True, kw_only=True):
    """The roster file with its agreements still undecoded, for reading a large file in chunks."""

    schema_version: int
    as_of: PartialDate
    source_url: str
    source_files: list[str]
    agreements: list[msgspec.Raw]


_encoder = msgspec.json.Encoder()
_BYTE_POS = re.compile(r"\(byte (\d+)\)")
_ROSTER_HEAD = re.compile(rb'\{\s*"schema_version":\s*\d+,\s*"as_of":')  # an export has "kind" second
_JSON_PATH = re.compile(r" - at `(\$[^`]*)`$")


def encode_roster(roster: Roster) -> bytes:
    """Deterministic JSON: same roster, same bytes. Ends with a newline."""
    enc = _encoder.encode
    parts = [
        b'{\n"schema_version": ' + enc(roster.schema_version) + b",\n",
        b'"as_of": ' + enc(roster.as_of) + b",\n",
        b'"source_url": ' + enc(roster.source_url) + b",\n",
        b'"source_files": ' + enc(roster.source_files) + b",\n",
        b'"agreements": [\n',
        b",\n".join(enc(a) for a in roster.agreements),
        b"\n]}\n" if roster.agreements else b"]}\n",
    ]
    return b"".join(parts)


def _problem(file: str, exc: msgspec.ValidationError, offset: int = 0) -> DataError:
    """A validation error located as file:line (one agreement per line) and path."""
    message, path, line = _printable(str(exc)), "", None
    if m := _JSON_PATH.search(message):
        path = m[1]
        message = message[: m.start()]
    if idx := re.match(r"\$(?:\.agreements)?\[(\d+)\]", path):
        n = int(idx[1]) + offset
        path = f"$.agreements[{n}]" + path[idx.end() :]
        line = HEADER_LINES + n + 1
    return DataError([Problem(file, line, path, message)])


def iter_agreements(data: bytes, file: str, chunk: int = 5000) -> tuple[RosterFile, Iterator[list[Agreement]]]:
    """The header, and the validated agreements a chunk at a time (bounded memory for big rosters)."""
    try:
        head = msgspec.json.decode(data, type=RosterFile)
    except msgspec.ValidationError as exc:
        raise _problem(file, exc) from exc
    except msgspec.DecodeError as exc:
        raise _decode_problem(file, data, exc) from exc

    def chunks() -> Iterator[list[Agreement]]:
        raws = head.agreements
        for start in range(0, len(raws), chunk):
            blob = b"[" + b",".join(bytes(r) for r in raws[start : start + chunk]) + b"]"
            try:
                yield msgspec.json.decode(blob, type=list[Agreement])
            except msgspec.ValidationError as exc:
                raise _problem(file, exc, offset=start) from exc

    return head, chunks()


def decode_roster(data: bytes, file: str) -> Roster:
    """Parse and validate a roster file; problems come back as :class:`DataError`."""
    try:
        return msgspec.json.decode(data, type=Roster)
    except msgspec.ValidationError as exc:
        raise _problem(file, exc) from exc
    except msgspec.DecodeError as exc:
        raise _decode_problem(file, data, exc) from exc


def _decode_problem(file: str, data: bytes, exc: msgspec.DecodeError) -> DataError:
    """Malformed JSON, located by the byte offset msgspec reports."""
    message = str(exc)
    line: int | None = None
    if m := _BYTE_POS.search(message):
        pos = min(int(m[1]), len(data))
        line = data.count(b"\n", 0, pos) + 1
    return DataError([Problem(file, line, "", message)])


def looks_like_roster(head: bytes) -> bool:
    """Whether a file's first bytes are a roster as ``encode_roster`` writes it (for safe overwrites)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return _ROSTER_HEAD.match(text) is not None and b'"agreements"' in text


def write_roster_atomic(roster: Roster, path: Path, *, force: bool = False, protect: Iterable[Path] = ()) -> Path:
    """Write ``roster`` to ``path`` with ``atomic.write_atomic``: only over a roster unless ``force``.

    On any failure the old file is untouched and the error says why (UsageError for a target
    that may not be replaced, DataError for a failed write). Returns the real path written.
    """
    from agencyref.atomic import write_atomic

    return write_atomic(
        Path(path), encode_roster(roster), what="roster", recognise=looks_like_roster, force=force, protect=protect
    )
