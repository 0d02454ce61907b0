"""Read and write the 287(g) roster file (``data/roster-287g.json``).

The file is JSON laid out for ``git diff``: the header fields one per line,
then one agreement object per line, so a re-import shows exactly which
agreements were added, dropped or edited. Writing is atomic: a crash or a
full disk leaves the previous file as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import msgspec

from agencyref.errors import DataError, Problem
from agencyref.knowledge.model import PartialDate, Record
from agencyref.roster.model import Agreement, Roster

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


def _printable(text: str) -> str:
    """Control characters escaped: a key in the file must not break the message's line (or the terminal)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


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


def write_roster_atomic(roster: Roster, path: Path) -> None:
    """Write ``roster`` to ``path`` via a temp file, fsync and ``os.replace``.

    On any failure the old file is untouched, the temp file is removed, and a
    :class:`DataError` says what went wrong.
    """
    path = Path(path)
    data = encode_roster(roster)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise DataError([Problem(str(path), None, "", f"cannot write roster: {exc.strerror or exc}")]) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
