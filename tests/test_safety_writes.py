"""Writes that never destroy: every --output target a hostile or careless caller could name."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from agencyref import atomic
from agencyref.errors import DataError, UsageError

from .conftest import MINI, Result, Runner

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
ROW = ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "Task Force Model", "3/1/2025", ""]
SHEET = "participatingAgencies07182025pm.xlsx"


def sheet(folder: Path) -> Path:
    wb = openpyxl.Workbook()
    for row in (HEADER, ROW):
        wb.active.append(row)
    wb.save(folder / SHEET)
    return folder / SHEET


def refused(r: Result, *words: str) -> None:
    assert r.code == 2, (r.code, r.err)
    assert "refusing to write" in r.err and "Traceback" not in r.err
    for word in words:
        assert word in r.err


def import_to(run: Runner, src: Path, out: Path | str, *extra: str) -> Result:
    return run("-q", "import-287g", str(src), "--output", str(out), *extra)


def test_output_over_the_input_sheet_is_refused_even_with_force(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    before = src.read_bytes()
    for extra in ([], ["--force"]):
        refused(import_to(run, src, src, *extra), "which this command reads")
    assert src.read_bytes() == before
    # The same file under another name (a symlink to it) is the same file.
    (tmp_path / "alias.xlsx").symlink_to(src)
    refused(import_to(run, src, tmp_path / "alias.xlsx", "--force"))
    assert src.read_bytes() == before


def test_output_over_the_knowledge_file_is_refused(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    data = tmp_path / "agencies.yaml"
    data.write_bytes(MINI.read_bytes())
    r = run("-q", "--data", str(data), "import-287g", str(src), "-o", str(data), "--force")
    refused(r, "which this command reads")
    assert data.read_bytes() == MINI.read_bytes()
    # Without --data, a YAML file is not a roster: refused unless forced.
    r = import_to(run, src, data)
    refused(r, "does not look like agencyref's roster", "--force")
    assert data.read_bytes() == MINI.read_bytes()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_dev_null_is_never_replaced(run: Runner, tmp_path: Path) -> None:
    # As root, os.replace over /dev/null would swap the device for a regular file.
    src = sheet(tmp_path)
    for extra in ([], ["--force"]):
        refused(import_to(run, src, "/dev/null", *extra), "character device")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    r = run("-q", "--data", str(MINI), "export", "--format", "json", "-o", "/dev/null", "--force")
    refused(r, "character device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_fifo_socket_and_directory_are_refused(run: Runner, tmp_path: Path) -> None:
    import socket

    src = sheet(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    refused(import_to(run, src, fifo, "--force"), "FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        refused(import_to(run, src, sock_path, "--force"), "socket")
    folder = tmp_path / "folder"
    folder.mkdir()
    refused(import_to(run, src, folder, "--force"), "directory")
    assert folder.is_dir() and not any(folder.iterdir())


def test_symlink_is_followed_and_stays_a_link(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    real = tmp_path / "real" / "roster.json"
    real.parent.mkdir()
    assert import_to(run, src, real).code == 0
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    r = import_to(run, src, link, "--as-of", "2025-07-19")
    assert r.code == 0, r.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert '"as_of": "2025-07-19"' in real.read_text()
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640  # mode kept
    assert sorted(p.name for p in real.parent.iterdir()) == ["roster.json"]  # no temp file left


def test_dangling_symlink_writes_its_target(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")
    assert import_to(run, src, link).code == 0
    assert link.is_symlink() and (tmp_path / "new.json").is_file()


def test_read_only_target_needs_force_and_keeps_its_mode(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    out = tmp_path / "roster.json"
    assert import_to(run, src, out).code == 0
    os.chmod(out, 0o444)
    before = out.read_bytes()
    refused(import_to(run, src, out, "--as-of", "2025-07-19"), "read-only", "--force")
    assert out.read_bytes() == before
    r = import_to(run, src, out, "--as-of", "2025-07-19", "--force")
    assert r.code == 0, r.err
    assert out.read_bytes() != before and stat.S_IMODE(os.stat(out).st_mode) == 0o444


def test_foreign_file_needs_force_and_empty_file_does_not(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    refused(import_to(run, src, notes), "does not look like agencyref's roster")
    assert notes.read_text() == "my notes\n"
    assert import_to(run, src, notes, "--force").code == 0
    empty = tmp_path / "empty.json"
    empty.touch()
    assert import_to(run, src, empty).code == 0 and empty.stat().st_size > 0


def test_roster_over_roster_and_export_over_export(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    out = tmp_path / "roster.json"
    assert import_to(run, src, out).code == 0
    assert import_to(run, src, out, "--as-of", "2025-07-19").code == 0
    for fmt in ("json", "markdown"):
        exported = tmp_path / f"export.{fmt}"
        for _ in range(2):  # the second run replaces its own export
            r = run("-q", "--data", str(MINI), "--roster", str(out), "export", "--format", fmt, "-o", str(exported))
            assert r.code == 0, r.err
    # An export is not a roster and a roster is not an export.
    refused(import_to(run, src, tmp_path / "export.json"), "roster")
    r = run("-q", "--data", str(MINI), "export", "--format", "json", "-o", str(out))
    refused(r, "does not look like agencyref's export")
    # The export refuses to overwrite the knowledge file and the roster it reads, even with --force.
    r = run("-q", "--data", str(MINI), "--roster", str(out), "export", "--format", "json", "-o", str(out), "--force")
    refused(r, "which this command reads")


def test_dry_run_writes_nothing_and_checks_nothing(run: Runner, tmp_path: Path) -> None:
    src = sheet(tmp_path)
    r = run("-q", "import-287g", str(src), "-o", "/dev/null", "--dry-run", "--json")
    assert r.code == 0 and r.json()["written_to"] is None


def test_bad_target_fails_before_reading_the_sheets(run: Runner, tmp_path: Path) -> None:
    broken = tmp_path / SHEET
    broken.write_text("not a workbook")
    refused(import_to(run, broken, "/dev/null"))  # exit 2 for the target, not 3 for the sheet


# ---- atomic.write_atomic itself --------------------------------------------------------------------


def test_write_atomic_new_file_gets_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        real = atomic.write_atomic(tmp_path / "a" / "b.txt", b"x", what="note")
    finally:
        os.umask(old)
    assert real.read_bytes() == b"x" and stat.S_IMODE(real.stat().st_mode) == 0o640


def test_stale_temp_files_are_cleaned_and_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".agencyref-dead.tmp"
    fresh = tmp_path / ".agencyref-busy.tmp"
    other = tmp_path / ".other.tmp"
    for p in (stale, fresh, other):
        p.write_bytes(b"partial")
    old = time.time() - atomic.STALE_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    link = tmp_path / ".agencyref-link.tmp"
    link.symlink_to(other)
    os.utime(link, (old, old), follow_symlinks=False)
    atomic.write_atomic(tmp_path / "out.json", b"{}", what="file")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".agencyref-busy.tmp", ".agencyref-link.tmp", ".other.tmp", "out.json"]


def test_failed_write_leaves_target_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.json"
    out.write_bytes(b"old")

    def boom(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(DataError, match="cannot write file: No space left on device"):
        atomic.write_atomic(out, b"new", what="file")
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_check_target_refusals_are_usage_errors(tmp_path: Path) -> None:
    out = tmp_path / "x.bin"
    out.write_bytes(b"\x00\x01")
    with pytest.raises(UsageError, match="does not look like agencyref's roster"):
        atomic.check_target(out, what="roster", recognise=lambda head: head.startswith(b"{"))
    assert atomic.check_target(out, what="roster", recognise=lambda head: True) == out.resolve()
    assert atomic.check_target(out, what="roster", force=True) == out.resolve()
    with pytest.raises(UsageError, match="which this command reads"):
        atomic.check_target(out, what="roster", force=True, protect=[out])
