"""Hostile inputs and streams: mixed encodings, endless files, closed and narrow stdout/stderr, future dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from agencyref import files
from agencyref.errors import DataError, UsageError
from agencyref.roster.ice287g import import_sheets
from agencyref.roster.ice287g import sheets as sheets_module

from .conftest import MINI, Runner

HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED\n"
NAME = "participatingAgencies07182025pm.csv"


def write_csv(path: Path, body: bytes) -> Path:
    path.write_bytes(body)
    return path


# ---- encodings of a CSV sheet ----------------------------------------------------------------------------


def test_utf8_with_and_without_bom_read_the_same(tmp_path: Path) -> None:
    text = HEADER + "TEXAS,Peñitas Police Department,Municipality,Hidalgo County,TFM,1/2/2025\n"
    plain = import_sheets([write_csv(tmp_path / NAME, text.encode())]).roster.agreements
    (tmp_path / "bom").mkdir()
    bom = import_sheets([write_csv(tmp_path / "bom" / NAME, b"\xef\xbb\xbf" + text.encode())]).roster.agreements
    assert plain == bom and plain[0].agency == "Peñitas Police Department"


def test_latin1_bytes_without_encoding_are_an_error_naming_the_line(tmp_path: Path) -> None:
    body = (HEADER + "TEXAS,A PD,Municipality,,TFM,1/2/2025\n").encode() + "TEXAS,Peñitas PD,,,TFM,\n".encode("cp1252")
    with pytest.raises(DataError) as info:
        import_sheets([write_csv(tmp_path / NAME, body)])
    (problem,) = info.value.problems
    assert problem.line == 3 and "not valid UTF-8: byte 0xf1" in problem.message and "--encoding" in problem.message


def test_declared_encoding_reads_the_whole_file(tmp_path: Path) -> None:
    body = (HEADER + "TEXAS,Peñitas Police Department,Municipality,,TFM,1/2/2025\n").encode("cp1252")
    [a] = import_sheets([write_csv(tmp_path / NAME, body)], encoding="cp1252").roster.agreements
    assert a.agency == "Peñitas Police Department"


def test_mixed_encodings_are_refused_naming_the_line(tmp_path: Path) -> None:
    body = (HEADER + "TEXAS,Peñitas PD,,,TFM,\n").encode("cp1252") + "TEXAS,Peñitas PD,,,JEM,\n".encode()
    with pytest.raises(DataError) as info:
        import_sheets([write_csv(tmp_path / NAME, body)], encoding="cp1252")
    (problem,) = info.value.problems
    assert problem.line == 3 and "mixed encodings" in problem.message
    # Undefined cp1252 bytes are refused too, never replaced.
    (tmp_path / "b").mkdir()
    with pytest.raises(DataError, match="not valid cp1252"):
        import_sheets([write_csv(tmp_path / "b" / NAME, HEADER.encode() + b"TEXAS,A\x81B,,,TFM,\n")], encoding="cp1252")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "no-such-codec"])
def test_unsupported_or_unknown_encodings_are_usage_errors(tmp_path: Path, encoding: str) -> None:
    with pytest.raises(UsageError, match="--encoding"):
        import_sheets([write_csv(tmp_path / NAME, HEADER.encode() + b"TEXAS,A,,,TFM,\n")], encoding=encoding)


def test_utf16_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="UTF-16 text is not supported"):
        import_sheets([write_csv(tmp_path / NAME, (HEADER + "TEXAS,A,,,TFM,\n").encode("utf-16"))])


def test_encoding_option_through_the_cli(run: Runner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / NAME, (HEADER + "TEXAS,Peñitas PD,Municipality,,TFM,1/2/2025\n").encode("cp1252"))
    out = tmp_path / "roster.json"
    r = run("-q", "import-287g", str(path), "-o", str(out))
    assert r.code == 3 and f"{NAME}:2:" in r.err
    r = run("-q", "import-287g", str(path), "-o", str(out), "--encoding", "cp1252")
    assert r.code == 0, r.err
    assert "Peñitas PD" in out.read_text(encoding="utf-8")


# ---- bounded reads -----------------------------------------------------------------------------------------


def test_read_bytes_stops_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert files.read_bytes(path, 100) == b"x" * 100
    with pytest.raises(DataError, match="larger than the 0 MiB limit for a test file"):
        files.read_bytes(path, 99, "a test file")


def test_sparse_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "sparse"
    with open(path, "wb") as fh:
        fh.truncate(1 << 40)  # a terabyte of nothing
    with pytest.raises(DataError, match="larger than"):
        files.read_bytes(path, files.KNOWLEDGE_LIMIT, "a knowledge file")


def test_endless_device_and_fifo_stop_at_the_limit(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="larger than"):
        files.read_bytes(Path("/dev/zero"), 3 * files.CHUNK + 5)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as fh:
            fh.write(b"abc")

    writer = threading.Thread(target=feed)
    writer.start()
    assert files.read_bytes(fifo, 10) == b"abc"
    writer.join()


def test_is_regular() -> None:
    assert files.is_regular(MINI)
    assert not files.is_regular(Path("/dev/null")) and not files.is_regular(MINI.parent)
    assert not files.is_regular(Path("/no/such/file"))


def test_csv_from_a_fifo_is_streamed(tmp_path: Path) -> None:
    fifo = tmp_path / NAME
    os.mkfifo(fifo)
    body = (HEADER + "TEXAS,A PD,Municipality,,TFM,1/2/2025\n").encode()

    def feed() -> None:
        with open(fifo, "wb") as fh:
            fh.write(body)

    writer = threading.Thread(target=feed)
    writer.start()
    [a] = import_sheets([fifo]).roster.agreements
    writer.join()
    assert a.agency == "A PD"


def test_csv_pointing_at_dev_zero_stops_quickly(tmp_path: Path) -> None:
    link = tmp_path / NAME
    link.symlink_to("/dev/zero")
    with pytest.raises(DataError, match=r"NUL bytes|longer than"):
        import_sheets([link])


def test_blank_rows_are_not_kept_in_memory(tmp_path: Path) -> None:
    import tracemalloc

    path = write_csv(tmp_path / NAME, (HEADER + "TEXAS,A PD,,,TFM,1/2/2025\n" + ",,,,,\n" * 100_000).encode())
    tracemalloc.start()
    try:
        result = import_sheets([path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.report.blank_rows == 100_000 and result.report.rows_read == 1
    assert peak < 16 * 2**20  # holding the rows would take ~60 MB


def test_long_line_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / NAME, HEADER.encode() + b"," * (sheets_module.MAX_LINE + 10) + b"\n")
    with pytest.raises(DataError, match="longer than"):
        import_sheets([path])


def agencyref(
    *args: str, env: dict[str, str] | None = None, limit: int | None = None, shell: str = ""
) -> subprocess.CompletedProcess[str]:
    import resource

    def limited() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    base = {k: v for k, v in os.environ.items() if not k.startswith(("AGENCYREF_", "PYTHONIOENCODING", "LC_", "LANG"))}
    base.update(env or {})
    command = [sys.executable, "-m", "agencyref", *args]
    if shell:
        command = ["sh", "-c", f'exec "$@" {shell}', "sh", *command]
    return subprocess.run(command, capture_output=True, env=base, preexec_fn=limited, timeout=120, text=True,
                          encoding="utf-8", errors="surrogateescape")  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["--data", "/dev/zero", "agency", "ice"],
        ["--data", "/dev/zero", "validate"],
        ["validate", "/dev/zero"],
        ["--roster", "/dev/zero", "--data", str(MINI), "program", "287g", "--json"],
        ["import-287g", "/dev/zero", "--as-of", "2025-01-01", "--dry-run"],
    ],
)
def test_dev_zero_as_any_input_under_a_memory_limit(tmp_path: Path, args: list[str]) -> None:
    env = {"AGENCYREF_CACHE_DIR": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    r = agencyref("-q", *args, env=env, limit=400 * 2**20)
    assert "Traceback" not in r.stderr and "MemoryError" not in r.stderr, r.stderr
    if "--roster" in args:  # a roster the user named must be readable: exit 3, and said why
        assert r.returncode == 3 and "larger than" in r.stderr
    else:
        assert r.returncode == 3, r.stderr
        assert "larger than" in r.stderr or "not a regular file" in r.stderr


# ---- streams ------------------------------------------------------------------------------------------------


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"AGENCYREF_CACHE_DIR": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data"), **extra}


@pytest.mark.parametrize("fmt", ["json", "table", "yaml", "markdown"])
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_any_stdout_encoding_works(tmp_path: Path, fmt: str, encoding: str) -> None:
    r = agencyref("-q", "compare", "ice", "police", "--format", fmt, env=env_for(tmp_path, PYTHONIOENCODING=encoding))
    assert r.returncode == 0, r.stderr
    raw = r.stdout.encode("utf-8", errors="surrogateescape")
    raw.decode(encoding)  # every byte is the stream's own
    if fmt == "json":
        utf8 = agencyref("-q", "compare", "ice", "police", "--format", "json", env=env_for(tmp_path))
        assert json.loads(raw.decode(encoding)) == json.loads(utf8.stdout)  # lossless: \u escapes
    if fmt == "table" and encoding == "ascii":
        assert " - " in r.stdout or "-" in r.stdout  # dashes transliterated, not '?'


def test_c_locale_without_utf8_mode(tmp_path: Path) -> None:
    env = env_for(tmp_path, PYTHONUTF8="0", LC_ALL="C", LANG="C", PYTHONCOERCECLOCALE="0")
    for fmt in ("json", "table", "csv"):
        args = ["jurisdiction", "TX"] if fmt == "csv" else ["compare", "ice", "police"]
        r = agencyref(*args, "--format", fmt, env=env)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert r.stdout.isascii()


def test_closed_stdout_is_a_quiet_141(tmp_path: Path) -> None:
    r = agencyref("-q", "compare", "ice", "police", env=env_for(tmp_path), shell=">&-")
    assert r.returncode == 141 and r.stderr == ""


def test_closed_stderr_still_answers_with_0(tmp_path: Path) -> None:
    r = agencyref("compare", "ice", "police", env=env_for(tmp_path), shell="2>&-")
    assert r.returncode == 0 and r.stdout.rstrip().endswith(")") is not None and "Sources" in r.stdout
    # An error with nowhere to say it still picks its exit code.
    r = agencyref("agency", "no-such-agency", env=env_for(tmp_path), shell="2>&-")
    assert r.returncode == 1


def test_both_closed_and_an_import_with_stdout_closed(tmp_path: Path) -> None:
    r = agencyref("compare", "ice", "police", env=env_for(tmp_path), shell=">&- 2>&-")
    assert r.returncode == 141
    sheet = write_csv(tmp_path / NAME, (HEADER + "TEXAS,A PD,,,TFM,1/2/2025\n").encode())
    out = tmp_path / "roster.json"
    r = agencyref("-q", "import-287g", str(sheet), "-o", str(out), env=env_for(tmp_path), shell=">&-")
    assert r.returncode == 0 and out.is_file()  # its answer went to the file and stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_on_stdout_says_so(tmp_path: Path) -> None:
    r = agencyref("-q", "compare", "ice", "police", env=env_for(tmp_path), shell=">/dev/full")
    assert r.returncode == 141 and "cannot write the answer to stdout" in r.stderr and "Traceback" not in r.stderr


# ---- dates --------------------------------------------------------------------------------------------------


def test_as_of_in_the_future_is_refused(run: Runner, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / NAME, (HEADER + "TEXAS,A PD,,,TFM,1/2/2025\n").encode())
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = run("-q", "import-287g", str(sheet), "--as-of", tomorrow, "-o", str(tmp_path / "r.json"))
    assert r.code == 2 and "in the future" in r.err and not (tmp_path / "r.json").exists()
    r = run("-q", "import-287g", str(sheet), "--as-of", dt.date.today().isoformat(), "-o", str(tmp_path / "r.json"))
    assert r.code == 0, r.err
