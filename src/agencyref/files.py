"""Reading data files, bounded: one place that turns OS errors into DataError.

Every read stops one byte past its limit, whatever the path names: a regular file, a sparse
file that claims a terabyte, ``/dev/zero``, a FIFO or ``/dev/stdin``. Nothing is read whole
before its size is known. The limits, by kind of file:

- knowledge file (``data/agencies.yaml``): 32 MiB, about 30 times the shipped file;
- roster file (``roster-287g.json``): 256 MiB, room for about 800,000 agreements;
- ICE sheet (.xlsx or .csv): 50 MiB, about 100 times ICE's largest sheet.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from agencyref.errors import DataError, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator

MiB = 1024 * 1024
KNOWLEDGE_LIMIT = 32 * MiB
ROSTER_LIMIT = 256 * MiB
SHEET_LIMIT = 50 * MiB
DEFAULT_LIMIT = ROSTER_LIMIT  # for callers that do not say what they read
CHUNK = 1 * MiB


def _fail(path: Path | str, message: str) -> DataError:
    return DataError([Problem(str(path), None, "", message)])


def too_large(path: Path | str, limit: int, what: str) -> DataError:
    return _fail(path, f"larger than the {limit // MiB} MiB limit for {what}")


def _os_problem(path: Path | str, exc: OSError) -> DataError:
    if isinstance(exc, FileNotFoundError):
        return _fail(path, "no such file")
    if isinstance(exc, IsADirectoryError):
        return _fail(path, "is a directory, not a file")
    return _fail(path, f"cannot read: {exc.strerror or exc}")


def is_regular(path: Path | str) -> bool:
    """True for a regular file (after symlinks); False for FIFOs, devices, directories, missing paths.

    Only a regular file's stat describes its content, so only such files may be cached by stat.
    """
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: Path, limit: int = DEFAULT_LIMIT, what: str = "a data file") -> bytes:
    """The file's bytes, or DataError when it is missing, unreadable or larger than ``limit``."""
    parts: list[bytes] = []
    for chunk in iter_chunks(path, limit, what, whole=True):
        parts.append(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def iter_chunks(path: Path, limit: int, what: str, chunk: int = CHUNK, whole: bool = False) -> Iterator[bytes]:
    """The file's bytes a chunk at a time; DataError as soon as more than ``limit`` bytes arrive.

    ``whole``: read a regular file in one go (its size is known) rather than chunk by chunk.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_problem(path, exc) from None
    try:
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise _fail(path, "is a directory, not a file")
            regular = stat.S_ISREG(info.st_mode)
            if regular and info.st_size > limit:  # a sparse file is refused here, unread
                raise too_large(path, limit, what)
            # A whole regular file comes in one read of its size (+1 to see it end); anything else in chunks.
            want = min(info.st_size + 1 if regular and whole else chunk, limit + 1)
            total = 0
            while True:
                data = os.read(fd, want)
                if not data:
                    return
                total += len(data)
                if total > limit:
                    raise too_large(path, limit, what)
                yield data
                want = min(chunk, limit + 1 - total)
        except OSError as exc:
            raise _os_problem(path, exc) from None
    finally:
        os.close(fd)
