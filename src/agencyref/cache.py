"""A compiled cache of parsed data files.

Parsing and validating YAML costs far more than decoding msgpack, and every shell-loop call
or tab completion pays it. One cache file per data file (named after its path) holds the
compiled value, a digest of the source bytes, and the file's stat signature.

- Warm path: the data file's stat signature (size, mtime, ctime, inode) matches, so the data
  file is not even read; the cost stays flat however large the file grows.
- Stat changed: the content is hashed; an identical digest reuses the value, anything else
  rebuilds. A cache written by another version or schema, truncated, corrupt or foreign never
  passes the header check below (stamp, and a CRC-32 of the value), and is rebuilt.
- Any failure to read or write the cache is silent: it is only a speed-up. Writes are atomic
  (temporary file + rename), so two processes starting at once never see a half-written file.
"""

import contextlib
import os
from binascii import crc32
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from agencyref import __version__
from agencyref.knowledge.model import SCHEMA_VERSION
from agencyref.paths import cache_dir

try:  # the builtin module: importing hashlib would also load OpenSSL, which costs start-up time
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

T = TypeVar("T")
# Modules whose code decides what a cache file holds. Their stat signature is part of the stamp,
# so a cache written by other code (another release, or a working copy mid-edit) is rebuilt
# rather than misread, without anyone having to remember to bump a number.
_LAYOUT_MODULES = ("knowledge/model.py", "knowledge/store.py", "roster/store.py", "knowledge/names.py", "cache.py")


def _stamp() -> str:
    here = Path(__file__).parent
    parts = [f"agencyref {__version__} schema {SCHEMA_VERSION}"]
    for name in _LAYOUT_MODULES:
        try:
            st = (here / name).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return " ".join(parts)


STAMP = _stamp()


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def signature(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def cache_file(kind: str, path: Path) -> Path:
    folder = cache_dir()
    if folder is None:
        raise RuntimeError("no cache directory")
    where = blake2b(str(path.resolve()).encode(), digest_size=8).hexdigest()
    return folder / f"{kind}-{where}.msgpack"


class Header(msgspec.Struct, frozen=True, array_like=True):
    """What a cache file holds besides the value: whose it is and what it was built from.

    A cache file is the header's length (4 bytes, big-endian), the header, then the value's
    msgpack. ``check`` is the value's CRC-32, so a file damaged after it was written is
    rebuilt rather than misread; the value is decoded only once the header has matched.
    """

    stamp: str
    signature: list[int]
    digest: str
    check: int


def cached(kind: str, path: Path, typ: type[T], read: Callable[[], bytes], build: Callable[[bytes], T]) -> T:
    """The compiled value of the data file at ``path``, from the cache or built and stored."""
    if os.environ.get("AGENCYREF_NO_CACHE"):
        return build(read())
    try:
        target = cache_file(kind, path)
    except (OSError, RuntimeError):  # a symlink loop, no home directory: no cache; read() reports the rest
        return build(read())
    try:
        sig = signature(path)
    except OSError:
        sig = None  # let read() report the problem
    found, blob = read_entry(target)
    if found is not None and sig is not None and found.signature == sig:
        value = _decode(blob, typ)
        if value is not None:
            return value
        found = None
    data = read()
    key = digest(data)
    # Same bytes under a new stat (touched, copied): reuse the value and refresh the signature.
    reused = _decode(blob, typ) if found is not None and found.digest == key else None
    found, blob = None, b""  # drop a stale value before building a new one: large files need the memory
    value = reused if reused is not None else build(data)
    del data
    if sig is not None:
        blob = msgspec.msgpack.encode(value)
        head = msgspec.msgpack.encode(Header(STAMP, sig, key, crc32(blob)))
        store(target, len(head).to_bytes(4, "big"), head, blob)
    return value


def read_entry(target: Path) -> tuple[Header | None, memoryview | bytes]:
    """The header and value bytes of a cache file written by this version, else ``(None, b"")``.

    Missing, unreadable, truncated, damaged, foreign or from another version: all ``None``.
    """
    with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        raw = memoryview(_map(target))
        size = int.from_bytes(raw[:4], "big")
        found = msgspec.msgpack.decode(raw[4 : 4 + size], type=Header)
        blob = raw[4 + size :]
        if found.stamp == STAMP and found.check == crc32(blob):
            return found, blob
    return None, b""


def _map(path: Path) -> Any:
    """The file's bytes, memory-mapped rather than copied into memory.

    The map is never closed explicitly: zero-copy views into it live as long as the values
    decoded from it. An atomic rename of a newer cache leaves this (old) file intact.
    """
    import mmap

    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def _decode(blob: memoryview | bytes, typ: type[T]) -> T | None:
    try:
        return msgspec.msgpack.decode(blob, type=typ)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        return None


def store(path: Path, *parts: bytes) -> None:
    """Write ``parts`` one after another, atomically; never raise."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path.parent / f".tmp-{os.getpid()}-{os.urandom(4).hex()}-{path.name}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(parts)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
