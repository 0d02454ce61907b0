"""Write a file so that readers see the old content or the new, never half of either."""

import contextlib
import os
from pathlib import Path

from agencyref.errors import DataError, Problem


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise DataError([Problem(str(path), None, "", f"cannot write: {exc.strerror or exc}")]) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to our own file ``path`` (a cache entry): temp file beside it, then rename.

    Raises OSError; the temp file never outlives a failure. For files a user names, see the safe
    writer, which refuses targets it must not replace.
    """
    tmp = path.with_name(f".agencyref-{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
