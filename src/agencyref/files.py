"""Reading data files: one place that turns OS errors into DataError."""

from __future__ import annotations

from pathlib import Path

from agencyref.errors import DataError, Problem


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, "", "no such file")]) from None
    except IsADirectoryError:
        raise DataError([Problem(str(path), None, "", "is a directory, not a file")]) from None
    except OSError as exc:
        raise DataError([Problem(str(path), None, "", f"cannot read: {exc.strerror or exc}")]) from None
