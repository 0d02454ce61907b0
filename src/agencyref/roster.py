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
from pathlib import Path

import msgspec

from agencyref.errors import DataError, Problem
from agencyref.model import Roster

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


def decode_roster(data: bytes, file: str) -> Roster:
    """Parse and validate a roster file; problems come back as :class:`DataError`."""
    try:
        return msgspec.json.decode(data, type=Roster)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = ""
        if m := _JSON_PATH.search(message):
            path = m[1]
            message = message[: m.start()]
        raise DataError([Problem(file, None, path, message)]) from exc
    except msgspec.DecodeError as exc:
        message = str(exc)
        line: int | None = None
        if m := _BYTE_POS.search(message):
            pos = min(int(m[1]), len(data))
            line = data.count(b"\n", 0, pos) + 1
        raise DataError([Problem(file, line, "", message)]) from exc


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
