"""`agencyref update` end to end, against a mirror of ICE's page and sheets served on 127.0.0.1.

Expected figures come from the fixture sheets (imported here), never typed in. Every failure
must leave the user's roster and the update state byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from agencyref.roster.file import decode_roster, encode_roster, write_roster_atomic
from agencyref.roster.ice287g import diff_rosters, import_sheets
from agencyref.roster.model import Roster
from agencyref.roster.update import Client, Limits, run_update
from agencyref.roster.update.errors import DownloadError, NetworkError
from tests.conftest import Runner
from tests.test_update_server import Route, Server, guard_network, serving

FIX = Path(__file__).parent / "data" / "update"
OLD = [FIX / "participatingAgencies07032025pm.xlsx", FIX / "pendingAgencies07032025pm.xlsx"]
NEW = [FIX / "participatingAgencies07182025pm.xlsx", FIX / "pendingAgencies07182025pm.xlsx"]
PAGE_PATH = "/identify-and-arrest/287g"
DOCLIB = "/doclib/about/offices/ero/287g/"
PAGE_HTML = (FIX / "287g.html").read_text(encoding="utf-8")


def _serve(server: Server, sheets: Sequence[Path], page: str | None = None) -> str:
    """Serve a mirror of ICE's page linking ``sheets`` (root-relative links), and the sheets; the page URL."""
    html = page if page is not None else PAGE_HTML.replace("https://www.ice.gov", "")
    for new, old in zip(sheets, NEW, strict=True):
        html = html.replace(old.name, new.name)
        server.routes[DOCLIB + new.name] = Route(new.read_bytes(), etag=f'"{new.name}"')
    server.routes[PAGE_PATH] = Route(html.encode(), etag=f'"page-{sheets[0].name}"')
    return server.url(PAGE_PATH)


def _user_roster() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "agencyref" / "roster-287g.json"


def _state_file() -> Path:
    return Path(os.environ["AGENCYREF_CACHE_DIR"]) / "update-state.json"


def _imported(paths: Sequence[Path]) -> Roster:
    return import_sheets(list(paths)).roster


def _fingerprint() -> dict[str, str]:
    """Every file of the user's data folder and the update state, by content."""
    files = [p for p in Path(os.environ["XDG_DATA_HOME"]).rglob("*") if p.is_file()]
    files += [_state_file()] if _state_file().exists() else []
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(autouse=True)
def no_remote_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No lookup or connection beyond this machine (recorded, so tests can assert there was none)."""
    return guard_network(monkeypatch)


@pytest.fixture(autouse=True)
def fresh_history() -> Path:
    """The user's history starts empty, so the trimmed 2025 fixture sheets are its newest lists
    (seeded from the bundled history, anything older than 2026 would never become current)."""
    from agencyref.roster.history.model import HISTORY_FILE, History, encode_history

    path = _user_roster().with_name(HISTORY_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    empty = History(source_url="https://www.ice.gov/identify-and-arrest/287g", snapshots=[], agreements=[], skipped=[])
    path.write_bytes(encode_history(empty))
    return path


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


@pytest.fixture
def old_roster() -> Path:
    """The user's roster holds ICE's list of 2025-07-03 (trimmed)."""
    path = _user_roster()
    write_roster_atomic(_imported(OLD), path)
    return path


# ---- success ---------------------------------------------------------------------------------


def test_update_from_a_mirror_replaces_the_roster_and_reports_the_changes(
    run: Runner, server: Server, old_roster: Path, no_remote_network: list[str]
) -> None:
    url = _serve(server, NEW)
    r = run("-q", "update", "--from", url, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["kind"] == "update_report" and doc["status"] == "updated"
    assert doc["in_use_as_of"] == "2025-07-03" and doc["list_as_of"] == "2025-07-18"
    expected = diff_rosters(_imported(OLD), _imported(NEW))
    changes = doc["snapshots"][-1]["changes"]
    assert len(changes["added"]) == len(expected.added) > 0
    assert len(changes["removed"]) == len(expected.removed) > 0
    assert old_roster.read_bytes() == encode_roster(_imported(NEW))  # the user's roster is ICE's new list
    assert [s["location"] for s in doc["sheets"]] == [server.url(DOCLIB + p.name) for p in NEW]
    assert no_remote_network == []
    info = run("-q", "info", "--json").json()["roster"]
    assert (info["origin"], info["as_of"], info["path"]) == ("user", "2025-07-18", str(old_roster))


def test_table_output_says_what_changed(run: Runner, server: Server, old_roster: Path) -> None:
    r = run("update", "--from", _serve(server, NEW))
    assert r.code == 0, r.err
    assert "Updated" in r.out and "Changes since the previous roster" in r.out
    added = diff_rosters(_imported(OLD), _imported(NEW)).added
    assert added[0].agency in r.out
    assert "Downloading" in r.err  # progress goes to stderr


def test_csv_output_is_the_change_table(run: Runner, server: Server, old_roster: Path) -> None:
    r = run("-q", "update", "--from", _serve(server, NEW), "--format", "csv")
    assert r.code == 0, r.err
    lines = r.out.strip().splitlines()
    assert lines[0].startswith("snapshot,change,state,agency")
    d = diff_rosters(_imported(OLD), _imported(NEW))
    assert len(lines) - 1 == len(d.added) + len(d.removed) + len(d.changed)


def test_an_unchanged_list_is_not_downloaded_again(run: Runner, server: Server, old_roster: Path) -> None:
    url = _serve(server, NEW)
    assert run("-q", "update", "--from", url).code == 0
    before = old_roster.read_bytes()
    r = run("-q", "update", "--from", url, "--json")
    assert r.code == 0, r.err
    assert r.json()["status"] == "current"
    assert all(s["not_modified"] for s in r.json()["sheets"])
    for p in NEW:
        hits = server.requests_for(DOCLIB + p.name)
        assert len(hits) == 2 and hits[1].headers.get("If-None-Match") == f'"{p.name}"'
        assert server.bodies_sent(DOCLIB + p.name) == 1  # sent once, never twice
    assert server.bodies_sent(PAGE_PATH) == 1  # the page too answered 304
    assert old_roster.read_bytes() == before


def test_validators_are_not_trusted_once_the_roster_was_replaced_by_hand(
    run: Runner, server: Server, old_roster: Path
) -> None:
    url = _serve(server, NEW)
    assert run("-q", "update", "--from", url).code == 0
    write_roster_atomic(_imported(OLD), old_roster)  # e.g. `import-287g` of an older list since
    r = run("-q", "update", "--from", url, "--json")
    assert r.code == 0 and r.json()["status"] == "updated"
    assert "If-None-Match" not in server.requests_for(DOCLIB + NEW[0].name)[-1].headers
    assert old_roster.read_bytes() == encode_roster(_imported(NEW))


def test_one_sheet_changed_fetches_the_other_again(run: Runner, server: Server, old_roster: Path) -> None:
    url = _serve(server, NEW)
    assert run("-q", "update", "--from", url).code == 0
    route = server.routes[DOCLIB + NEW[1].name]
    route.etag = '"pending-v2"'
    r = run("-q", "update", "--from", url, "--json")
    assert r.code == 0 and r.json()["status"] == "updated", r.err
    assert server.bodies_sent(DOCLIB + NEW[0].name) == 2  # 304 first, then fetched again to import both


def test_check_says_newer_available_without_downloading_the_sheets(
    run: Runner, server: Server, old_roster: Path
) -> None:
    url = _serve(server, NEW)
    before = _fingerprint()
    r = run("-q", "update", "--check", "--from", url, "--json")
    assert r.code == 10, r.err
    assert r.json()["status"] == "newer-available" and r.json()["list_as_of"] == "2025-07-18"
    assert not server.requests_for(DOCLIB + NEW[0].name)
    assert _fingerprint() == before
    assert run("-q", "update", "--from", url).code == 0
    r = run("-q", "update", "--check", "--from", url, "--json")
    assert r.code == 0 and r.json()["status"] == "current"


def test_an_older_list_does_not_replace_a_newer_roster(run: Runner, server: Server) -> None:
    write_roster_atomic(_imported(NEW), _user_roster())
    before = _fingerprint()
    r = run("-q", "update", "--from", _serve(server, OLD), "--json")
    assert r.code == 0, r.err
    assert r.json()["status"] == "not-newer"
    # the roster in use stays; the older list joins the history (an earlier point of the series)
    after = _fingerprint()
    assert {k: v for k, v in after.items() if "roster-287g" in k} == {
        k: v for k, v in before.items() if "roster-287g" in k
    }
    history = _user_roster().with_name("history-287g.json").read_text()
    assert OLD[0].name in history


def test_an_override_in_use_is_named_in_the_report(
    run: Runner, server: Server, old_roster: Path, tmp_path: Path
) -> None:
    pinned = tmp_path / "pinned.json"
    write_roster_atomic(_imported(OLD), pinned)
    r = run("-q", "--roster", str(pinned), "update", "--from", _serve(server, NEW), "--json")
    assert r.code == 0, r.err
    assert any(str(pinned) in n and "stays in use" in n for n in r.json()["notes"])
    assert old_roster.read_bytes() == encode_roster(_imported(NEW))
    assert pinned.read_bytes() == encode_roster(_imported(OLD))


def test_injected_ingest_step_gets_the_downloaded_sheets(server: Server, old_roster: Path, tmp_path: Path) -> None:
    seen: list[tuple[list[str], str | None, bool]] = []

    def ingest(paths: Sequence[Path], as_of: str | None) -> dict[str, Any]:
        seen.append(([p.name for p in paths], as_of, all(p.is_file() for p in paths)))
        return {"as_of": "2025-07-18", "source_files": [p.name for p in paths], "became_current": True}

    result = run_update(_serve(server, NEW), ingest=ingest, client=Client(Limits()), state_path=tmp_path / "s.json")
    assert seen == [([p.name for p in NEW], None, True)]
    assert result.status == "updated" and result.snapshots[0]["as_of"] == "2025-07-18"
    assert old_roster.read_bytes() == encode_roster(_imported(OLD))  # the injected step decides what is written


# ---- local sources: a saved page, a folder of archived sheets ------------------------------------


def test_saved_page_with_the_sheets_beside_it_needs_no_network(
    run: Runner, old_roster: Path, tmp_path: Path, no_remote_network: list[str]
) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "287g.html").write_text(PAGE_HTML, encoding="utf-8")  # absolute https://www.ice.gov links
    for p in NEW:
        shutil.copy(p, folder / p.name)
    r = run("-q", "update", "--from", str(folder / "287g.html"), "--json")
    assert r.code == 0, r.err
    assert no_remote_network == []
    assert old_roster.read_bytes() == encode_roster(_imported(NEW))


def test_saved_page_without_copies_downloads_from_ice(
    run: Runner, tmp_path: Path, no_remote_network: list[str]
) -> None:
    page = tmp_path / "287g.html"
    page.write_text(PAGE_HTML, encoding="utf-8")
    r = run("-q", "update", "--from", str(page))
    assert r.code == 11  # the guard answers the lookup for www.ice.gov as a DNS failure
    assert no_remote_network == ["lookup www.ice.gov"]


def test_default_source_is_ices_page(run: Runner, no_remote_network: list[str]) -> None:
    r = run("-q", "update", "--check")
    assert r.code == 11 and "https://www.ice.gov/identify-and-arrest/287g" in r.err
    assert "cannot resolve" in r.err and r.err.count("\n") == 1  # one clear line
    assert no_remote_network == ["lookup www.ice.gov"]


def test_a_folder_of_archived_sheets_is_imported_in_date_order(run: Runner, old_roster: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    for p in [*NEW, *OLD]:
        shutil.copy(p, folder / p.name)
    (folder / "PROVENANCE.md").write_text("notes\n")
    shutil.copy(NEW[0], folder / "participatingAgencies.xlsx")  # no date: left out, with a note
    write_roster_atomic(_imported(NEW), old_roster)  # newest already in use: the archive must not go backwards
    r = run("-q", "update", "--from", str(folder), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert [s["as_of"] for s in doc["snapshots"]] == ["2025-07-03", "2025-07-18"]
    assert [s["source_files"] for s in doc["snapshots"]] == [[p.name for p in OLD], [p.name for p in NEW]]
    assert any("participatingAgencies.xlsx" in n for n in doc["notes"])
    assert old_roster.read_bytes() == encode_roster(_imported(NEW))


def test_folder_order_follows_the_importers_dates_not_mistyped_names(
    run: Runner, old_roster: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(NEW[0], folder / "participatingAgencies07182024pm.xlsx")  # ICE's year typo: really 2025
    shutil.copy(OLD[0], folder / OLD[0].name)
    r = run("-q", "update", "--from", str(folder), "--json")
    assert r.code == 0, r.err
    expected = sorted(_imported([p]).as_of for p in folder.iterdir())
    assert [s["as_of"] for s in r.json()["snapshots"]] == expected
    assert decode_roster(old_roster.read_bytes(), "x").as_of == expected[-1]


def test_an_empty_pending_sheet_is_an_empty_pending_list(
    run: Runner, server: Server, old_roster: Path, tmp_path: Path
) -> None:
    import openpyxl

    empty = tmp_path / "pendingAgencies07182025pm.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"])
    wb.save(empty)
    url = _serve(server, [NEW[0], empty])
    r = run("-q", "update", "--from", url, "--json")
    assert r.code == 0, r.err
    # ICE publishes a pending sheet with a header and no rows when nothing is pending: nothing is pending
    roster = decode_roster(old_roster.read_bytes(), "x")
    assert roster.as_of == _imported(NEW[:1]).as_of
    assert [a for a in roster.agreements if a.status == "pending"] == []
    assert [a for a in roster.agreements if a.status == "participating"] == _imported(NEW[:1]).agreements


def test_a_bad_sheet_anywhere_in_a_folder_replaces_nothing(run: Runner, old_roster: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    for p in NEW:
        shutil.copy(p, folder / p.name)
    (folder / "participatingAgencies07252025pm.xlsx").write_bytes(b"<html>blocked</html>")
    before = _fingerprint()
    r = run("-q", "update", "--from", str(folder))
    assert r.code == 14 and "web page" in r.err
    assert _fingerprint() == before


def test_one_sheet_by_url_or_path(run: Runner, server: Server, old_roster: Path, tmp_path: Path) -> None:
    _serve(server, NEW)
    r = run("-q", "update", "--from", server.url(DOCLIB + NEW[0].name), "--json")
    assert r.code == 0, r.err
    assert r.json()["snapshots"][0]["source_files"] == [NEW[0].name]
    # a participating sheet alone: ICE's new participating list, and the pending list in use kept
    roster = decode_roster(old_roster.read_bytes(), "x")
    kept = [a for a in _imported(OLD).agreements if a.status == "pending"]
    assert [a for a in roster.agreements if a.status == "participating"] == _imported(NEW[:1]).agreements
    assert [a for a in roster.agreements if a.status == "pending"] == kept
    write_roster_atomic(_imported(OLD), old_roster)
    r = run("-q", "update", "--from", str(NEW[0]), "--json")
    assert r.code == 0 and r.json()["status"] == "updated", r.err
    roster = decode_roster(old_roster.read_bytes(), "x")
    assert [a for a in roster.agreements if a.status == "participating"] == _imported(NEW[:1]).agreements
    undated = tmp_path / "participating.xlsx"
    shutil.copy(NEW[0], undated)
    r = run("-q", "update", "--from", str(undated))
    assert r.code == 2 and "--as-of" in r.err


def test_from_names_nothing(run: Runner, tmp_path: Path) -> None:
    r = run("-q", "update", "--from", str(tmp_path / "missing"))
    assert r.code == 2 and "no such file" in r.err


# ---- failures: one clear message, a documented code, nothing replaced ----------------------------


def _wrong_columns(path: Path) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["NAME", "PLACE", "KIND"])
    wb.active.append(["x", "y", "z"])
    wb.save(path)
    return path.read_bytes()


FAILURES = {
    # name: (how to break the mirror, exit code, words the message must contain)
    "page 500": (lambda s, tmp: s.routes[PAGE_PATH].__setattr__("status", 500), 12, "HTTP 500"),
    "sheet 404": (lambda s, tmp: s.routes.pop(DOCLIB + NEW[0].name), 12, "HTTP 404"),
    "layout changed": (
        lambda s, tmp: s.routes[PAGE_PATH].__setattr__("body", b"<html><p>Moved.</p></html>"),
        13,
        "import-287g",
    ),
    "truncated sheet": (
        lambda s, tmp: s.routes[DOCLIB + NEW[0].name].__setattr__("content_length", 99_999),
        14,
        "cut short",
    ),
    "html instead of xlsx": (
        lambda s, tmp: s.routes[DOCLIB + NEW[0].name].__setattr__(
            "body", b"<!DOCTYPE html><title>Access Denied</title>"
        ),
        14,
        "web page",
    ),
    "damaged zip": (
        lambda s, tmp: s.routes[DOCLIB + NEW[0].name].__setattr__("body", b"PK\x03\x04garbage"),
        15,
        "could not be imported",
    ),
    "wrong columns": (
        lambda s, tmp: s.routes[DOCLIB + NEW[0].name].__setattr__("body", _wrong_columns(tmp / "w.xlsx")),
        15,
        "missing column",
    ),
    "redirect to plain http": (
        lambda s, tmp: s.routes.__setitem__(
            DOCLIB + NEW[0].name, Route(status=302, headers={"Location": "http://192.0.2.7/participating.xlsx"})
        ),
        16,
        "refusing",
    ),
    "server gone": (lambda s, tmp: s.stop(), 11, "refused"),
}


@pytest.mark.parametrize("name", FAILURES)
def test_failure_leaves_roster_and_state_byte_identical(
    run: Runner, server: Server, old_roster: Path, tmp_path: Path, no_remote_network: list[str], name: str
) -> None:
    url = _serve(server, OLD)
    assert run("-q", "update", "--from", url).code == 0  # a first update: the state file exists
    _serve(server, NEW)  # ICE publishes a new list…
    server.routes[PAGE_PATH].etag = '"page-changed"'
    before = _fingerprint()
    assert _state_file().is_file() and str(old_roster) in before
    breaking, code, words = FAILURES[name]
    breaking(server, tmp_path)
    r = run("-q", "update", "--from", url)
    assert r.code == code, r.err
    assert words in r.err and r.err.startswith("agencyref: ") and r.err.count("\n") == 1
    assert r.out == ""
    assert _fingerprint() == before
    assert no_remote_network == []


def test_oversize_and_slow_sheets(server: Server, old_roster: Path, tmp_path: Path) -> None:
    url = _serve(server, NEW)
    before = _fingerprint()
    small = Client(Limits(sheet_bytes=4000))
    with pytest.raises(DownloadError, match="over the limit"):
        run_update(url, client=small, state_path=_state_file())
    server.routes[DOCLIB + NEW[1].name].delay = 1.0
    slow = Client(Limits(connect_timeout=0.3, read_timeout=0.3))
    with pytest.raises(NetworkError, match="timed out"):
        run_update(url, client=slow, state_path=_state_file())
    assert _fingerprint() == before


def test_timeout_option(run: Runner, server: Server, old_roster: Path) -> None:
    url = _serve(server, NEW)
    server.routes[PAGE_PATH].delay = 1.0
    r = run("-q", "update", "--from", url, "--timeout", "0.3")
    assert r.code == 11 and "timed out" in r.err
    assert run("-q", "update", "--from", url, "--timeout", "0").code == 2


def test_a_roster_that_cannot_be_written_is_a_data_error(
    run: Runner, server: Server, old_roster: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from agencyref import atomic

    def full_disk(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    url = _serve(server, NEW)
    before = _fingerprint()
    monkeypatch.setattr(atomic.os, "replace", full_disk)
    r = run("-q", "update", "--from", url)
    assert r.code == 3 and "cannot write" in r.err
    assert _fingerprint() == before  # the roster, no temp file left beside it, no state written


# ---- boundaries: documented codes; offline commands never load the network package ---------------


def test_exit_codes_in_help_and_docs_match_the_errors(run: Runner) -> None:
    from agencyref.cli.update import EXIT_CODES
    from agencyref.roster.update.errors import ERROR_CLASSES, NEWER_AVAILABLE

    assert len({c.exit_code for c in ERROR_CLASSES}) == len(ERROR_CLASSES)
    for cls in ERROR_CLASSES:
        assert EXIT_CODES[cls.exit_code] == cls.summary and cls.exit_code not in (1, 2, 3, 4)
    assert NEWER_AVAILABLE in EXIT_CODES
    help_text = run("update", "--help").out
    docs = (Path(__file__).parent.parent / "docs" / "update.md").read_text(encoding="utf-8")
    for code in EXIT_CODES:
        assert f"  {code:>2}  " in help_text
        assert f"| {code} |" in docs


PROBE = """
import json, sys
from agencyref.cli import run
sys.stdout = open(__import__("os").devnull, "w")
code = run(sys.argv[1:])
sys.__stdout__.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize(
    "args", [["jurisdiction", "TX", "--format", "json"], ["info", "--json"], ["--help"], ["update", "--help"]]
)
def test_other_commands_never_import_the_network_package(args: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, AGENCYREF_CACHE_DIR=str(tmp_path), AGENCYREF_QUIET="1")
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120)
    result = json.loads(r.stdout)
    assert result["code"] == 0, r.stderr
    loaded = set(result["modules"])
    assert not {m for m in loaded if m.startswith("agencyref.roster.update")}
    assert not {"urllib.request", "http.client", "ssl"} & loaded


def test_network_modules_are_imported_only_by_the_update_package() -> None:
    src = Path(__file__).parent.parent / "src" / "agencyref"
    for path in src.rglob("*.py"):
        if "roster/update" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        for module in ("urllib.request", "http.client", "import socket", "import ssl", "from agencyref.roster.update"):
            if module in text:
                assert path.name == "update.py" and path.parent.name == "cli", f"{path} uses {module}"


def test_no_cache_means_no_state_and_full_downloads(run: Runner, server: Server, old_roster: Path) -> None:
    url = _serve(server, NEW)
    for _ in range(2):
        assert run("-q", "update", "--from", url, env={"AGENCYREF_NO_CACHE": "1"}).code == 0
    assert not _state_file().exists()
    assert server.bodies_sent(DOCLIB + NEW[0].name) == 2


def test_state_file_is_only_a_cache(run: Runner, server: Server, old_roster: Path) -> None:
    url = _serve(server, NEW)
    assert run("-q", "update", "--from", url).code == 0
    _state_file().write_text("{not json")  # damaged: the next update simply downloads again
    r = run("-q", "update", "--from", url, "--json")
    assert r.code == 0 and r.json()["status"] == "updated"
    assert json.loads(_state_file().read_text())["imported"]["as_of"] == "2025-07-18"
    assert decode_roster(old_roster.read_bytes(), "x").as_of == "2025-07-18"
