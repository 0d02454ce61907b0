"""A compiled cache of parsed data files, that cannot go stale and that no one else can forge.

Parsing and validating YAML costs far more than decoding msgpack, and every shell-loop call
or tab completion pays it. One cache file per data file (named after its path) holds the
compiled value and a header saying what it was built from.

- **Keyed on the code as a whole.** The stamp is the version plus a digest of the name, size
  and modification time of every module in the installed package: editing any module, or
  installing another release, makes every older entry unusable. No hand-kept list of modules.
- **Keyed on the data.** Warm path: the data file's stat signature (size, mtime, ctime, inode,
  device) matches, so the data file is not read. A changed signature makes us hash the content:
  the same bytes reuse the value (a touched or copied file), anything else rebuilds.
- **Authenticated.** Each entry carries a keyed BLAKE2b MAC over its header and value, made with
  a per-user secret kept in the cache directory (mode 0600). A file planted or edited by anyone
  who cannot read that secret fails the check and is rebuilt; so does a damaged or truncated one.
- **Trusted directory only.** The cache directory is created 0700 and used only when it is owned
  by the current user and not writable by group or others; otherwise calls run uncached.
- **Bounded, never fatal.** The file is read (not memory-mapped: a file truncated under a map
  kills the process with SIGBUS) up to a size limit. Any failure to read or write is silent: the
  cache is only a speed-up. Writes are atomic, so concurrent calls never see half a file.

Measured (benchmarks/README.md): decoding records on demand still pays at the shipped size, so
values keep their records as msgpack blobs decoded when read; mmap did not, so it is gone.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import msgspec

from agencyref import __version__
from agencyref.paths import cache_dir

try:  # the builtin module: importing hashlib would also load OpenSSL, which costs start-up time
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

T = TypeVar("T")
MAX_CACHE_BYTES = 512 * 1024 * 1024  # a cache file larger than this is not ours to read
KEY_FILE = ".key"


def _code_stamp() -> str:
    """The version plus a digest of every module's name, size and mtime in this installed package."""
    root = os.path.dirname(os.path.abspath(__file__))
    skip = len(root) + 1
    entries: list[str] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    name = entry.name
                    if name.endswith(".py"):
                        st = entry.stat()
                        entries.append(f"{entry.path[skip:]}:{st.st_size}:{st.st_mtime_ns}")
                    elif name != "__pycache__" and "." not in name and entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            entries.append(f"{folder}:?")
    entries.sort()
    digest_ = blake2b("\n".join(entries).encode(), digest_size=16).hexdigest()
    return f"agencyref {__version__} {digest_}"


STAMP = _code_stamp()


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def signature(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def trusted_dir() -> Path | None:
    """The cache directory, created 0700 if missing; None unless it is ours and closed to others."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        return None
    return folder


def _user_key(folder: Path) -> bytes | None:
    """The per-user secret that authenticates entries, created on first use."""
    path = folder / KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        key = os.urandom(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:  # another call made it first: use theirs
            return _user_key(folder)
        except OSError:
            return None
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if st.st_uid != os.getuid() or st.st_mode & 0o077 or not stat.S_ISREG(st.st_mode):
            return None
        key = fh.read(33)
    return key if len(key) == 32 else None


def cache_file(kind: str, path: Path, folder: Path) -> Path:
    where = blake2b(str(path.resolve()).encode(), digest_size=8).hexdigest()
    return folder / f"{kind}-{where}.msgpack"


class Header(msgspec.Struct, frozen=True, array_like=True):
    """What a cache file holds besides the value: whose it is and what it was built from.

    A cache file is the header's length (4 bytes, big-endian), the header, then the value's
    msgpack. ``mac`` authenticates the stamp, signature, digest and value together.
    """

    stamp: str
    signature: list[int]
    digest: str
    mac: str


def _mac(key: bytes, stamp: str, sig: list[int], data_digest: str, blob: bytes | memoryview) -> str:
    h = blake2b(key=key, digest_size=32)
    h.update(msgspec.msgpack.encode([stamp, sig, data_digest]))
    h.update(blob)
    return h.hexdigest()


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def cached(kind: str, path: Path, typ: type[T], read: Callable[[], bytes], build: Callable[[bytes], T]) -> T:
    """The compiled value of the data file at ``path``, from the cache or built and stored."""
    if os.environ.get("AGENCYREF_NO_CACHE") or not _is_regular(path):  # /dev/stdin, FIFOs: nothing to key on
        return build(read())
    folder = trusted_dir()
    key = _user_key(folder) if folder is not None else None
    if folder is None or key is None:
        return build(read())
    try:
        target = cache_file(kind, path, folder)
        sig = signature(path)
    except (OSError, RuntimeError):  # a symlink loop, a file that vanished: read() reports the rest
        return build(read())
    found, blob = read_entry(target, key)
    if found is not None and found.signature == sig:
        value = _decode(blob, typ)
        if value is not None:
            return value
        found = None
    data = read()
    data_digest = digest(data)
    # Same bytes under a new stat (touched, copied): reuse the value and refresh the signature.
    reused = _decode(blob, typ) if found is not None and found.digest == data_digest else None
    found, blob = None, b""  # drop a stale value before building a new one: large files need the memory
    value = reused if reused is not None else build(data)
    del data
    encoded = msgspec.msgpack.encode(value)
    head = msgspec.msgpack.encode(Header(STAMP, sig, data_digest, _mac(key, STAMP, sig, data_digest, encoded)))
    from agencyref.atomic import write_bytes_atomic  # only on a miss: a warm call writes nothing

    with contextlib.suppress(OSError):
        write_bytes_atomic(target, len(head).to_bytes(4, "big") + head + encoded, mode=0o600)
    return value


def read_entry(target: Path, key: bytes) -> tuple[Header | None, memoryview | bytes]:
    """The header and value bytes of an authentic cache file of this code, else ``(None, b"")``.

    Missing, unreadable, not ours, truncated, damaged, forged or from other code: all ``None``.
    """
    with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        raw = memoryview(_read_own_file(target))
        size = int.from_bytes(raw[:4], "big")
        found = msgspec.msgpack.decode(raw[4 : 4 + size], type=Header)
        blob = raw[4 + size :]
        if found.stamp == STAMP and found.mac == _mac(key, found.stamp, found.signature, found.digest, blob):
            return found, blob
    return None, b""


def _read_own_file(path: Path) -> bytes:
    """A regular file owned by us and writable by no one else, read whole up to the limit."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            return b""
        data = fh.read(MAX_CACHE_BYTES + 1)
    return b"" if len(data) > MAX_CACHE_BYTES else data


def _decode(blob: memoryview | bytes, typ: type[T]) -> T | None:
    try:
        return msgspec.msgpack.decode(blob, type=typ)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        return None
