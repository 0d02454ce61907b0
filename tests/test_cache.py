"""The compiled cache: damaged, foreign, stale or unwritable caches never change an answer.

Every test compares against the answer computed with the cache switched off, and checks what
is left on disk: one valid cache file per data file, no temporary files.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agencyref import cache
from agencyref.knowledge import store as load
from agencyref.knowledge.store import CompiledKnowledge
from agencyref.roster.store import CompiledRoster

from .conftest import MINI, Runner

QUERY = ("-q", "agency", "ice", "--json")


def cache_dir() -> Path:
    return Path(os.environ["AGENCYREF_CACHE_DIR"])


def cache_files(kind: str = "") -> list[Path]:
    where = cache_dir()
    return sorted(where.glob(f"{kind}*.msgpack")) if where.is_dir() else []


def read_cache(path: Path, typ: type[Any]) -> tuple[cache.Header, Any]:
    """Read a cache file the way the cache does: it must be this version's, undamaged, and decode."""
    key = cache._user_key(path.parent)
    assert key is not None
    header, blob = cache.read_entry(path, key)
    assert header is not None, f"{path.name} is not a valid cache file"
    return header, msgspec.msgpack.decode(blob, type=typ)


def assert_valid_cache(path: Path, data_file: Path, typ: type[Any] = CompiledKnowledge) -> None:
    header, _ = read_cache(path, typ)
    assert header.signature == cache.signature(data_file)
    assert header.digest == cache.digest(data_file.read_bytes())
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the test knowledge file (tests edit it)."""
    path = tmp_path / "kb.yaml"
    shutil.copyfile(MINI, path)
    return path


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How many times the knowledge file was parsed (a cache miss)."""
    calls: list[str] = []
    real = load.parse_knowledge

    def counting(data: bytes, file: str, strict: bool = False) -> Any:
        calls.append(file)
        return real(data, file, strict)

    monkeypatch.setattr(load, "parse_knowledge", counting)
    return calls


def answer(run: Runner, data: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    r = run("--data", str(data), *(args or QUERY), env=env)
    assert r.code == 0 and r.err == "", r.err
    return r.json()


@pytest.fixture
def expected(run: Runner, data: Path) -> Any:
    """The answer without any cache."""
    value = answer(run, data, env={"AGENCYREF_NO_CACHE": "1"})
    assert cache_files() == []  # AGENCYREF_NO_CACHE writes nothing
    return value


def test_cold_then_warm(run: Runner, data: Path, expected: Any, builds: list[str]) -> None:
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    assert_valid_cache(kb, data)
    assert answer(run, data) == expected
    assert len(builds) == 1  # the second call was served from the cache


def _truncate(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def _random_bytes(blob: bytes) -> bytes:
    return random.Random(7).randbytes(len(blob))


def _foreign(blob: bytes) -> bytes:
    return msgspec.msgpack.encode({"stamp": cache.STAMP, "value": [1, 2, 3], "hello": "world"})


def _foreign_same_shape(blob: bytes) -> bytes:
    # A well-formed header in front of a value of another type, authenticated with a key that is not ours.
    other = msgspec.msgpack.encode({"not": "a knowledge base"})
    head = msgspec.msgpack.encode(
        cache.Header(cache.STAMP, [0], "0" * 32, cache._mac(b"k" * 32, cache.STAMP, [0], "0" * 32, other))
    )
    return len(head).to_bytes(4, "big") + head + other


def _old_stamp(blob: bytes) -> bytes:
    size = int.from_bytes(blob[:4], "big")
    header = msgspec.msgpack.decode(blob[4 : 4 + size], type=cache.Header)
    old = msgspec.structs.replace(header, stamp="agencyref 0.0.1 schema 0")
    head = msgspec.msgpack.encode(old)
    return len(head).to_bytes(4, "big") + head + blob[4 + size :]


def _flip_in_value(blob: bytes) -> bytes:
    # One bit flipped inside a record's text: it still decodes, and would have been served as fact.
    at = blob.index(b"Interior immigration enforcement")
    damaged = bytearray(blob)
    damaged[at] ^= 0x01  # "I" -> "H"
    return bytes(damaged)


def _flip_in_header(blob: bytes) -> bytes:
    damaged = bytearray(blob)
    damaged[6] ^= 0xFF
    return bytes(damaged)


def _empty(blob: bytes) -> bytes:
    return b""


def _zero_length_header(blob: bytes) -> bytes:
    return b"\x00\x00\x00\x00" + blob


def _huge_length_header(blob: bytes) -> bytes:
    return b"\xff\xff\xff\xff" + blob[4:]


def _old_envelope_format(blob: bytes) -> bytes:
    # What releases before the header + CRC layout wrote: one msgpack map.
    return msgspec.msgpack.encode({"stamp": cache.STAMP, "signature": [1], "digest": "x", "value": {"meta": {}}})


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": _truncate,
    "random-bytes": _random_bytes,
    "foreign-msgpack": _foreign,
    "foreign-same-shape": _foreign_same_shape,
    "older-stamp": _old_stamp,
    "bit-flip-in-value": _flip_in_value,
    "bit-flip-in-header": _flip_in_header,
    "empty": _empty,
    "zero-length-header": _zero_length_header,
    "huge-length-header": _huge_length_header,
    "old-format": _old_envelope_format,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_cache_is_ignored_and_rebuilt(
    run: Runner, data: Path, expected: Any, builds: list[str], damage: str
) -> None:
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    kb.write_bytes(DAMAGE[damage](kb.read_bytes()))
    builds.clear()
    assert answer(run, data) == expected
    assert len(builds) == 1  # rebuilt from the data file
    assert cache_files("kb-") == [kb]
    assert_valid_cache(kb, data)  # and rewritten valid
    builds.clear()
    assert answer(run, data) == expected
    assert builds == []  # which the next call uses


def test_every_single_bit_flip_in_a_cache_is_caught(run: Runner, data: Path, expected: Any) -> None:
    # Without the CRC, about one flip in ten was served as (wrong) fact and one in ten was exit 4.
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    good = kb.read_bytes()
    rng = random.Random(2026)
    for _ in range(40):
        damaged = bytearray(good)
        damaged[rng.randrange(len(good))] ^= 1 << rng.randrange(8)
        kb.write_bytes(bytes(damaged))
        assert answer(run, data) == expected


def test_damaged_roster_cache_is_rebuilt(run: Runner, data: Path) -> None:
    args = ("-q", "jurisdiction", "TX", "--json")
    reference = answer(run, data, *args, env={"AGENCYREF_NO_CACHE": "1"})
    assert answer(run, data, *args) == reference
    (roster,) = cache_files("roster-")
    for damage in ("truncated", "random-bytes", "foreign-msgpack", "bit-flip-in-header", "older-stamp"):
        roster.write_bytes(DAMAGE[damage](roster.read_bytes()))
        assert answer(run, data, *args) == reference, damage
        read_cache(roster, CompiledRoster)


def test_cache_from_another_version_is_rebuilt(
    run: Runner, data: Path, expected: Any, builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    this_version = cache.STAMP
    monkeypatch.setattr(cache, "STAMP", "agencyref 0.0.1 schema 0 ? ? ? ? ?")
    assert answer(run, data) == expected
    monkeypatch.setattr(cache, "STAMP", this_version)
    builds.clear()
    assert answer(run, data) == expected
    assert len(builds) == 1
    assert_valid_cache(cache_files("kb-")[0], data)


def test_cache_file_that_is_a_directory(run: Runner, data: Path, expected: Any) -> None:
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    kb.unlink()
    kb.mkdir()
    assert answer(run, data) == expected
    assert answer(run, data) == expected
    assert kb.is_dir() and [p.name for p in cache_dir().iterdir() if p.name != cache.KEY_FILE] == [kb.name]


# ---- editing the data file --------------------------------------------------------------------------


def _edit_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    assert len(old) == len(new)
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_same_size_same_mtime_edit_gives_the_new_answer(run: Runner, data: Path, expected: Any) -> None:
    assert answer(run, data) == expected
    _edit_keeping_size_and_mtime(data, b"Interior immigration enforcement", b"Interior immigration ENFORCEMENT")
    new = answer(run, data)
    assert new != expected
    assert "Interior immigration ENFORCEMENT" in str(new)
    assert_valid_cache(cache_files("kb-")[0], data)
    _edit_keeping_size_and_mtime(data, b"Interior immigration ENFORCEMENT", b"Interior immigration enforcement")
    assert answer(run, data) == expected


def test_edit_that_breaks_the_file_is_never_answered_from_the_cache(run: Runner, data: Path, expected: Any) -> None:
    assert answer(run, data) == expected
    _edit_keeping_size_and_mtime(data, b"level: federal", b"level: fedxral")
    r = run("--data", str(data), *QUERY)
    assert r.code == 3 and r.out == "" and "fedxral" in r.err
    _edit_keeping_size_and_mtime(data, b"level: fedxral", b"level: federal")
    assert answer(run, data) == expected


def test_touch_and_copy_reuse_the_compiled_value(run: Runner, data: Path, expected: Any, builds: list[str]) -> None:
    assert answer(run, data) == expected
    builds.clear()
    os.utime(data)  # new mtime, same bytes
    assert answer(run, data) == expected
    copy = data.with_suffix(".tmp")
    shutil.copyfile(data, copy)
    os.replace(copy, data)  # new inode, same bytes
    assert answer(run, data) == expected
    assert builds == []  # same digest: the stat signature is refreshed, nothing re-parsed
    assert_valid_cache(cache_files("kb-")[0], data)


def test_replacing_the_file_by_rename_gives_the_new_answer(run: Runner, data: Path, expected: Any) -> None:
    assert answer(run, data) == expected
    other = data.with_name("other.yaml")
    other.write_bytes(data.read_bytes().replace(b"Interior immigration enforcement", b"Changed mission text", 1))
    os.replace(other, data)
    assert "Changed mission text" in str(answer(run, data))


def test_two_data_files_get_two_cache_files(run: Runner, data: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.yaml"
    second.write_bytes(data.read_bytes().replace(b"Interior immigration enforcement", b"Second file", 1))
    first_answer, second_answer = answer(run, data), answer(run, second)
    assert "Second file" in str(second_answer) and "Second file" not in str(first_answer)
    assert len(cache_files("kb-")) == 2
    assert answer(run, data) == first_answer and answer(run, second) == second_answer


# ---- a cache that cannot be written -----------------------------------------------------------------


def _blocked(tmp_path: Path) -> Path:
    """A cache directory path that cannot be created, even by root: it lies under a regular file."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    return blocker / "cache"


def test_cache_dir_under_a_regular_file(run: Runner, data: Path, expected: Any, tmp_path: Path) -> None:
    env = {"AGENCYREF_CACHE_DIR": str(_blocked(tmp_path))}
    for _ in range(2):
        assert answer(run, data, env=env) == expected
        r = run("--data", str(data), "agency", "ice", env=env)  # without -q: the notice and nothing else
        assert r.code == 0
        (line,) = r.err.splitlines()
        assert "not legal advice" in line
    assert (tmp_path / "not-a-dir").read_text() == "x"


def test_cache_dir_is_a_regular_file(run: Runner, data: Path, expected: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("x")
    assert answer(run, data, env={"AGENCYREF_CACHE_DIR": str(blocker)}) == expected
    assert blocker.read_text() == "x"


def test_read_only_cache_dir(run: Runner, data: Path, expected: Any, tmp_path: Path) -> None:
    ro = tmp_path / "ro-cache"
    ro.mkdir()
    ro.chmod(0o500)
    # Root writes through directory permissions: then the directory lies under a regular file instead.
    where = _blocked(tmp_path) if os.geteuid() == 0 else ro
    try:
        for _ in range(2):
            assert answer(run, data, env={"AGENCYREF_CACHE_DIR": str(where)}) == expected
            assert answer(run, data, "-q", "program", "287g", "--json", env={"AGENCYREF_CACHE_DIR": str(where)})
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_read_only_home_without_cache_settings(
    run: Runner, data: Path, expected: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENCYREF_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    if os.geteuid() == 0:  # root writes through permissions: ~/.cache lies under a regular file instead
        home = _blocked(tmp_path)
    else:
        home = tmp_path / "ro-home"
        home.mkdir(mode=0o500)
    monkeypatch.setenv("HOME", str(home))
    assert answer(run, data) == expected
    r = run("-q", "--data", str(data), "program", "287g")  # the roster cache too
    assert r.code == 0 and "287(g)" in r.out and r.err == ""
    r = run("--data", str(data), "agency", "ice")
    assert r.code == 0
    (line,) = r.err.splitlines()  # the notice, nothing about the cache
    assert "not legal advice" in line
    if home.is_dir():
        assert list(home.iterdir()) == []
        home.chmod(0o700)


def test_relative_xdg_cache_home_is_ignored(
    run: Runner, data: Path, expected: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The XDG spec says relative paths are invalid; they must not create folders in the working directory.
    monkeypatch.delenv("AGENCYREF_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert answer(run, data) == expected
    assert not (tmp_path / "relative").exists()
    assert (tmp_path / "home" / ".cache" / "agencyref").is_dir()


def test_no_home_directory_at_all_still_answers(
    run: Runner, data: Path, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A container user with no HOME and no passwd entry: Path.home() raises RuntimeError.
    import pwd

    def no_entry(uid: int) -> Any:
        raise KeyError(uid)

    for var in ("HOME", "AGENCYREF_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert answer(run, data) == expected  # was exit 4: naming the cache file raised


def test_no_home_directory_roster_commands(run: Runner, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    def no_entry(uid: int) -> Any:
        raise KeyError(uid)

    for var in ("HOME", "AGENCYREF_CACHE_DIR", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    r = run("-q", "--data", str(data), "program", "287g")
    assert r.code == 0, r.err


def test_failed_write_leaves_no_temporary_file(
    run: Runner, data: Path, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", disk_full)
    assert answer(run, data) == expected
    assert answer(run, data) == expected
    assert [p for p in cache_dir().iterdir() if p.name != cache.KEY_FILE] == []


# ---- several processes at once ------------------------------------------------------------------


def test_parallel_cold_start_all_answer_and_leave_a_valid_cache(run: Runner, data: Path, tmp_path: Path) -> None:
    reference = {
        "agency": answer(run, data, env={"AGENCYREF_NO_CACHE": "1"}),
        "program": answer(run, data, "-q", "program", "287g", "--json", env={"AGENCYREF_NO_CACHE": "1"}),
    }
    shared = tmp_path / "shared-cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENCYREF_")}
    env["AGENCYREF_CACHE_DIR"] = str(shared)
    commands = {
        "agency": [sys.executable, "-m", "agencyref", "--data", str(data), *QUERY],
        "program": [sys.executable, "-m", "agencyref", "-q", "--data", str(data), "program", "287g", "--json"],
    }
    for _ in range(2):  # cold, then warm
        procs = [
            (name, subprocess.Popen(commands[name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
            for name in ["agency", "program"] * 4
        ]
        for name, proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0 and err == b"", err
            assert msgspec.json.decode(out) == reference[name]
        names = sorted(p.name for p in shared.iterdir() if p.name != cache.KEY_FILE)
        # one entry per data file (program 287g also reads the history), and no temporary files
        assert [n.split("-")[0] for n in names] == ["history", "kb", "roster"], names
        assert_valid_cache(shared / names[1], data)
        read_cache(shared / names[2], CompiledRoster)


# ---- forgery: a cache no one else can write into ------------------------------------------


def test_forged_entry_with_valid_layout_is_rebuilt(run: Runner, data: Path, expected: Any, builds: list[str]) -> None:
    # Someone who can write the file but cannot read our key plants a well-formed entry that says
    # ICE was established in 1999: the MAC fails, the entry is rebuilt, the answer stays true.
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    raw = kb.read_bytes()
    size = int.from_bytes(raw[:4], "big")
    header = msgspec.msgpack.decode(raw[4 : 4 + size], type=cache.Header)
    value = raw[4 + size :].replace(b"2003-03-01", b"1999-01-01")
    forged_mac = cache._mac(b"x" * 32, header.stamp, header.signature, header.digest, value)
    head = msgspec.msgpack.encode(msgspec.structs.replace(header, mac=forged_mac))
    kb.write_bytes(len(head).to_bytes(4, "big") + head + value)
    builds.clear()
    assert answer(run, data) == expected
    assert len(builds) == 1


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_shared_cache_directory_is_not_used(run: Runner, data: Path, expected: Any, mode: int) -> None:
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(mode)
    planted = folder / "kb-planted.msgpack"
    planted.write_bytes(b"not ours")
    assert answer(run, data) == expected
    assert sorted(p.name for p in folder.iterdir()) == ["kb-planted.msgpack"]  # nothing read, nothing written


@pytest.mark.skipif(os.getuid() != 0, reason="chown to another user needs root")
def test_entry_owned_by_someone_else_is_ignored(run: Runner, data: Path, expected: Any, builds: list[str]) -> None:
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    os.chown(kb, 12345, 12345)
    builds.clear()
    assert answer(run, data) == expected
    assert len(builds) == 1  # not trusted: rebuilt (and replaced by our own)
    assert kb.stat().st_uid == os.getuid()


def test_cache_directory_is_private(run: Runner, data: Path, expected: Any) -> None:
    assert answer(run, data) == expected
    assert cache_dir().stat().st_mode & 0o777 == 0o700
    assert (cache_dir() / cache.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert all(p.stat().st_mode & 0o077 == 0 for p in cache_files())


def test_truncated_during_read_never_crashes(run: Runner, data: Path, expected: Any) -> None:
    # The cache is read, not memory-mapped: a file cut short under us is just a miss, never SIGBUS.
    assert answer(run, data) == expected
    (kb,) = cache_files("kb-")
    with open(kb, "r+b") as fh:
        fh.truncate(100)
    assert answer(run, data) == expected


def test_code_stamp_follows_every_module(tmp_path: Path) -> None:
    # The stamp is computed over the whole package: a module nobody listed still changes it.
    import agencyref.roster.query as q

    before = cache._code_stamp()
    path = Path(q.__file__)
    st = path.stat()
    try:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert cache._code_stamp() != before
    finally:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache._code_stamp() == before
