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
