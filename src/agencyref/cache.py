"""A compiled cache of parsed data files.

Parsing and validating YAML costs far more than decoding msgpack, and every shell-loop call
or tab completion pays it. One cache file per data file (named after its path) holds the
compiled value, a digest of the source bytes, and the file's stat signature.

- Warm path: the data file's stat signature (size, mtime, ctime, inode) matches, so the data
  file is not even read; the cost stays flat however large the file grows.
- Stat changed: the content is hashed; an identical digest reuses the value, anything else
  rebuilds. A cache written by another version or schema, truncated, corrupt or foreign never
  decodes into the envelope below, and is rebuilt.
- Any failure to read or write the cache is silent: it is only a speed-up. Writes are atomic
  (temporary file + rename), so two processes starting at once never see a half-written file.
"""

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from . import __version__
from .model import SCHEMA_VERSION
from .paths import cache_dir

try:  # the builtin module: importing hashlib would also load OpenSSL, which costs start-up time
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

T = TypeVar("T")
# Modules whose code decides what a cache file holds. Their stat signature is part of the stamp,
# so a cache written by other code (another release, or a working copy mid-edit) is rebuilt
# rather than misread, without anyone having to remember to bump a number.
_LAYOUT_MODULES = ("model.py", "load.py", "rosterstore.py", "names.py", "cache.py")


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
    where = blake2b(str(path.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"{kind}-{where}.msgpack"


def cached(kind: str, path: Path, typ: type[T], read: Callable[[], bytes], build: Callable[[bytes], T]) -> T:
    """The compiled value of the data file at ``path``, from the cache or built and stored."""
    if os.environ.get("AGENCYREF_NO_CACHE"):
        return build(read())
    envelope: Any = msgspec.defstruct(
        "Envelope", [("stamp", str), ("signature", list[int]), ("digest", str), ("value", typ)], frozen=True
    )
    target = cache_file(kind, path)
    try:
        sig = signature(path)
    except OSError:
        sig = None  # let read() report the problem
    found = None
    # Missing, unreadable, truncated, foreign or from another version: rebuild.
    with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        found = msgspec.msgpack.decode(target.read_bytes(), type=envelope)
    if found is not None and found.stamp == STAMP and sig is not None and found.signature == sig:
        return found.value  # type: ignore[no-any-return]
    data = read()
    key = digest(data)
    # Same bytes under a new stat (touched, copied): reuse the value and refresh the signature.
    same = found is not None and found.stamp == STAMP and found.digest == key
    if found is not None and same:
        value: T = found.value
    else:
        found = None  # drop a stale value before building a new one: large files need the memory
        value = build(data)
    del data
    if sig is not None:
        store(target, msgspec.msgpack.encode(envelope(STAMP, sig, key, value)))
    return value


def store(path: Path, blob: bytes) -> None:
    """Write atomically; never raise."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path.parent / f".tmp-{os.getpid()}-{os.urandom(4).hex()}-{path.name}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
