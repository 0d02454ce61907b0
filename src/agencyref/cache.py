"""A compiled cache of parsed data files, keyed on their content.

Parsing and validating YAML costs far more than decoding msgpack, and every
shell-loop call or tab completion pays it. The cache file name carries a digest
of the source bytes, our version and the schema version, and the payload
repeats the digest, so a cache built from other data or by another version is
never used. Any failure to read or write is silent: the cache is only a speed-up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import msgspec

from . import __version__
from .model import SCHEMA_VERSION
from .paths import cache_dir

T = TypeVar("T")


try:  # the builtin module: importing hashlib would also load OpenSSL, which costs start-up time
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b


def digest(data: bytes) -> str:
    h = blake2b(data, digest_size=16)
    h.update(f"{__version__}/{SCHEMA_VERSION}".encode())
    return h.hexdigest()


def cached(kind: str, data: bytes, typ: type[T], build: Callable[[], T]) -> T:
    """Return ``typ`` decoded from the cache for ``data``, or ``build()`` it and store it."""
    if os.environ.get("AGENCYREF_NO_CACHE"):
        return build()
    key = digest(data)
    path = cache_dir() / f"{kind}-{key}.msgpack"
    envelope = msgspec.defstruct("Envelope", [("key", str), ("value", typ)])
    try:
        blob = path.read_bytes()
        found = msgspec.msgpack.decode(blob, type=envelope)
        if found.key == key:  # type: ignore[attr-defined]
            return found.value  # type: ignore[attr-defined, no-any-return]
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError):
        pass  # missing, unreadable, truncated or foreign: rebuild
    value = build()
    store(path, msgspec.msgpack.encode(envelope(key, value)), prefix=f"{kind}-")
    return value


def store(path: Path, blob: bytes, prefix: str) -> None:
    """Write atomically; drop older caches of the same kind; never raise."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path.parent / f".tmp-{os.getpid()}-{os.urandom(4).hex()}-{path.name}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{prefix}*.msgpack"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
