"""One way to write a file: atomically, and never over something that is not ours to replace.

Readers see the old content or the new, never half of either. Before writing we decide
whether the target may be replaced at all:

- a new path is fine (missing folders are made);
- an existing regular file is replaced only when it already holds what we write (a roster
  over a roster: the caller's ``recognise`` looks at its first bytes) or is empty; anything
  else needs ``force``, as does a read-only file;
- devices (``/dev/null``), FIFOs, sockets and directories are refused, even with ``force``:
  renaming over ``/dev/null`` as root would replace the device itself;
- the files a command reads (``protect``: its inputs, the knowledge file) are refused too;
- a symlink is followed, and its target replaced; the link stays a link.

The temporary file sits next to the target as ``.agencyref-XXXXXXXX.tmp``; one left by a
killed run is removed by the next write into that folder once it is a few minutes old.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from agencyref.errors import DataError, Problem, UsageError

TEMP_PREFIX = ".agencyref-"
TEMP_SUFFIX = ".tmp"
STALE_SECONDS = 10 * 60  # a temp file this old belongs to a run that died
HEAD_BYTES = 64 * 1024  # how much of an existing file ``recognise`` sees

Recognise = Callable[[bytes], bool]

_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def _refuse(path: Path, message: str) -> UsageError:
    return UsageError(f"refusing to write {path}: {message}")


def resolve_target(path: Path) -> Path:
    """Where a write to ``path`` lands: symlinks followed, relative parts resolved."""
    return Path(os.path.realpath(path))


def check_target(
    path: Path,
    *,
    what: str,
    recognise: Recognise | None = None,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> Path:
    """The real path a write to ``path`` would replace, or UsageError saying why it may not.

    Call it before expensive work so a bad ``--output`` fails fast; ``write_atomic`` checks again.
    """
    real = resolve_target(path)
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise DataError([Problem(str(path), None, "", f"cannot write {what}: {exc.strerror or exc}")]) from None
    for other in protect:
        with contextlib.suppress(OSError):
            if info is not None and os.path.samefile(real, other):
                raise _refuse(path, f"it is {other}, which this command reads")
    if info is None:
        return real
    kind = _KINDS.get(stat.S_IFMT(info.st_mode))
    if kind is not None or not stat.S_ISREG(info.st_mode):
        raise _refuse(path, f"it is {kind or 'not a regular file'}; give the path of a file")
    if force:
        return real
    if info.st_mode & 0o222 == 0 or not os.access(real, os.W_OK):
        raise _refuse(path, "it is read-only (use --force to replace it anyway)")
    if info.st_size and recognise is not None and not recognise(_head(real)):
        raise _refuse(
            path,
            f"it exists and does not look like agencyref's {what} (use --force to replace it, or choose another path)",
        )
    return real


def write_atomic(
    path: Path,
    data: bytes,
    *,
    what: str,
    recognise: Recognise | None = None,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> Path:
    """Write ``data`` to ``path`` (see the module's rules) and return the real path written.

    ``what`` names the content in messages ("roster", "export"); ``recognise`` says whether an
    existing file's first bytes are such content. Raises UsageError (exit 2) for a target that
    may not be replaced and DataError (exit 3) when the write itself fails; either way the
    target is left as it was and no temporary file remains.
    """
    real = check_target(path, what=what, recognise=recognise, force=force, protect=protect)
    folder = real.parent
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(folder)
        try:
            old: os.stat_result | None = os.stat(real)
        except FileNotFoundError:
            old = None
        import tempfile  # only when writing: start-up of read-only calls matters

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            _keep_metadata(fh.fileno(), old)
            os.fsync(fh.fileno())
        os.replace(tmp, real)
        tmp = None
        _fsync_dir(folder)
    except OSError as exc:
        raise DataError([Problem(str(path), None, "", f"cannot write {what}: {exc.strerror or exc}")]) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return real


def _keep_metadata(fd: int, old: os.stat_result | None) -> None:
    """The replacement keeps the old file's mode (and owner, when we may set it); a new file gets 0666 - umask."""
    if old is None:
        umask = os.umask(0o022)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.fchown(fd, old.st_uid, old.st_gid)


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except OSError:
        return b""


def clean_stale_temps(folder: Path, now: float | None = None) -> int:
    """Remove our temporary files left in ``folder`` by runs that died; how many were removed.

    Only regular files we own, named like ours, untouched for ``STALE_SECONDS``: a write in
    progress (ours or another user's) is never touched.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return 0
    for name in names:
        candidate = folder / name
        with contextlib.suppress(OSError):
            info = os.lstat(candidate)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and now - info.st_mtime > STALE_SECONDS:
                os.unlink(candidate)
                removed += 1
    return removed


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


def write_text_atomic(path: Path, text: str, *, force: bool = True) -> None:
    """Text as UTF-8 through ``write_atomic`` (kept for older callers; prefer ``write_atomic``)."""
    write_atomic(path, text.encode("utf-8"), what="file", force=force)


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to a file of our own (a cache entry): a temporary file beside it, then rename.

    No checks on the target (the caller owns the folder and the name); raises OSError; the temporary
    file never outlives a failure. Files a user names go through ``write_atomic``, which refuses
    targets it must not replace.
    """
    tmp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}{TEMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
