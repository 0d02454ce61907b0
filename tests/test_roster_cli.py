"""The 287(g) roster through the command line, checked against counts made straight from the roster file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .conftest import REPO, Runner

ROSTER = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))
SHEETS = REPO / "tests" / "data" / "ice-sheets"  # real ICE sheets, committed (U.S. government works)
OLD_ROSTER = REPO / "tests" / "data" / "roster-20250718.json"  # ICE's list of 2025-07-18, imported


def _participating(state: str | None = None) -> list[dict[str, object]]:
    return [
        a for a in ROSTER["agreements"] if a["status"] == "participating" and (state is None or a["state"] == state)
    ]


def test_state_lookup_matches_the_roster_file(run: Runner) -> None:
    doc = run("-q", "jurisdiction", "TX", "--json").json()
    tx = _participating("TX")
    assert doc["roster"]["agreements"] == len(tx) > 0
    assert doc["roster"]["agencies"] == len({str(a["agency"]).casefold() for a in tx})
    assert doc["roster"]["by_model"] == {m: sum(a["model"] == m for a in tx) for m in ("jem", "tfm", "wso")}
    assert doc["roster"]["as_of"] == ROSTER["as_of"]
    assert doc["state"]["code"] == "TX" and doc["state"]["stance"] == "requires"
    assert any(s["id"] == "ice-287g-roster" and s["url"].startswith("https://www.ice.gov/") for s in doc["sources"])


def test_state_by_name_and_filters(run: Runner) -> None:
    assert run("-q", "jurisdiction", "Texas", "--json").json()["roster"]["agreements"] == len(_participating("TX"))
    doc = run("-q", "jurisdiction", "TX", "--model", "tfm", "--type", "county", "--json").json()
    expected = [a for a in _participating("TX") if a["model"] == "tfm" and a["agency_type"] == "county"]
    assert doc["roster"]["agreements"] == len(expected)
    assert {a["model"] for a in doc["agreements"]} == {"tfm"}


def test_state_table_lists_agencies_with_moa_links(run: Runner) -> None:
    out = run("-q", "jurisdiction", "FL").out
    assert "Pinellas County Sheriff's Office" in out
    assert "https://www.ice.gov/doclib/287gMOA/287gWSO_PinellasCoFl2019-04-24.pdf" in out
    assert "safelinks" not in out


def test_state_csv_has_one_row_per_agreement(run: Runner) -> None:
    lines = run("-q", "jurisdiction", "FL", "--format", "csv").out.splitlines()
    fl = [a for a in ROSTER["agreements"] if a["state"] == "FL"]
    assert lines[0].startswith("state,status,agency") and len(lines) == len(fl) + 1


def test_county_lookup(run: Runner) -> None:
    doc = run("-q", "jurisdiction", "Pinellas County", "--json").json()
    expected = [a for a in ROSTER["agreements"] if a["state"] == "FL" and a["county"] == "Pinellas County"]
    # Every agreement ICE files under the county, and the city police ICE leaves without one (placed by the FBI's data).
    assert len(doc["agreements"]) > len(expected) and doc["county"]["state"] == "FL"
    assert {a["agency"] for a in expected} <= {a["agency"] for a in doc["agreements"]}


def test_county_without_agreements_is_an_answer(run: Runner) -> None:
    assert not [a for a in ROSTER["agreements"] if a["state"] == "IL"]
    r = run("-q", "jurisdiction", "Cook County, IL")
    assert r.code == 0 and "0 agreements" in r.out and "Illinois" in r.out


def test_agency_lookup_by_role_and_place(run: Runner) -> None:
    doc = run("-q", "jurisdiction", "pinellas sheriff", "--json").json()
    assert doc["agency"] == {
        "state": "FL",
        "name": "Pinellas County Sheriff's Office",
        "key": "fl/pinellas-county-sheriffs-office",
    }
    assert sorted(a["model"] for a in doc["agreements"]) == ["tfm", "wso"]


def test_by_state_ranking_and_chart(run: Runner) -> None:
    doc = run("-q", "jurisdiction", "--by-state", "--json").json()
    counts = Counter(a["state"] for a in _participating())
    assert [(s["state"], s["agreements"]) for s in doc["states"]] == sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    assert doc["states"][0]["state"] == max(counts, key=lambda s: (counts[s], s))
    table = run("-q", "jurisdiction", "--by-state").out
    assert "Agreements by state" in table and "#" * 40 in table  # the bar chart, longest bar for the top state


def test_program_287g_shows_roster_beside_sourced_figures(run: Runner) -> None:
    doc = run("-q", "program", "287g", "--json").json()
    assert doc["roster"]["agreements"] == len(_participating())
    assert doc["roster"]["as_of"] == ROSTER["as_of"]
    assert doc["program"]["participation"], "sourced figures"
    out = run("-q", "program", "287g").out
    assert f"ICE list as of {ROSTER['as_of']}" in out and "Participation (sourced figures)" in out


def _newer_sheet(tmp_path: Path) -> tuple[Path, int]:
    """ICE's newest committed sheet as if a week later, with its last agreement gone."""
    import openpyxl

    wb = openpyxl.load_workbook(SHEETS / "participatingAgencies05182026am.xlsx")
    ws = wb.worksheets[0]
    last = max(r for r in range(2, ws.max_row + 1) if any(c.value for c in ws[r]))
    ws.delete_rows(last)
    rows = sum(1 for r in range(2, ws.max_row + 1) if any(c.value for c in ws[r]))
    path = tmp_path / "participatingAgencies05252026am.xlsx"
    wb.save(path)
    return path, rows


def test_user_import_takes_precedence_and_info_says_so(run: Runner, tmp_path: Path) -> None:
    sheet = SHEETS / "participatingAgencies07182025pm.xlsx"
    r = run("--roster", str(OLD_ROSTER), "import-287g", str(sheet), "--output", str(tmp_path / "check.json"))
    assert r.code == 0, r.err
    part = [
        a for a in json.loads(OLD_ROSTER.read_text(encoding="utf-8"))["agreements"] if a["status"] == "participating"
    ]
    assert f"agreements written: {len(part)}" in r.err
    # An older list goes into the history but does not replace the newer roster in use.
    assert run("import-287g", str(sheet)).code == 0
    assert run("-q", "info", "--json").json()["roster"]["origin"] == "bundled"
    newer, rows = _newer_sheet(tmp_path)
    r = run("import-287g", str(newer))
    assert r.code == 0, r.err
    info = run("-q", "info", "--json").json()
    assert info["roster"]["origin"] == "user" and info["roster"]["as_of"] == "2026-05-25"
    doc = run("-q", "jurisdiction", "--by-state", "--json").json()
    assert sum(s["agreements"] for s in doc["states"]) == rows


def test_import_json_report_and_dry_run(run: Runner, tmp_path: Path) -> None:
    sheet = SHEETS / "participatingAgencies07182025pm.xlsx"
    out = tmp_path / "roster.json"
    doc = run("-q", "import-287g", str(sheet), "--output", str(out), "--dry-run", "--json").json()
    assert doc["report"]["agreements_written"] == 832 and doc["written_to"] is None and not out.exists()
    assert {w["row"] for w in doc["report"]["warnings"]} >= {639, 775, 785}


def test_an_older_user_roster_does_not_outrank_a_newer_bundled_one(run: Runner) -> None:
    # After an upgrade, your import of an older list no longer hides the newer list shipped with the tool.
    import os

    user = Path(os.environ["XDG_DATA_HOME"]) / "agencyref" / "roster-287g.json"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_bytes(OLD_ROSTER.read_bytes())
    r = run("jurisdiction", "TX", "--json")
    assert r.code == 0 and "older than the one shipped" in r.err and ROSTER["as_of"] in r.err  # said, not silent
    assert r.json()["roster"]["as_of"] != ROSTER["as_of"]  # your choice stays in use
    assert "older than the one shipped" not in run("-q", "jurisdiction", "TX").err


def test_participating_sheet_alone_keeps_the_pending_list_unless_told(run: Runner, tmp_path: Path) -> None:
    old = json.loads(OLD_ROSTER.read_text(encoding="utf-8"))
    pending = [a for a in old["agreements"] if a["status"] == "pending"]
    assert pending
    sheet = SHEETS / "participatingAgencies07182025pm.xlsx"
    out = tmp_path / "kept.json"
    r = run("--roster", str(OLD_ROSTER), "import-287g", str(sheet), "-o", str(out), "--json")
    assert r.code == 0, r.err
    doc = r.json()  # the report is on stdout with --json
    assert doc["kind"] == "import_report" and doc["kept_pending"] == len(pending)
    kept = [a for a in json.loads(out.read_text())["agreements"] if a["status"] == "pending"]
    assert len(kept) == len(pending)
    r = run("--roster", str(OLD_ROSTER), "import-287g", str(sheet), "-o", str(out), "--replace-pending")
    assert r.code == 0 and not [a for a in json.loads(out.read_text())["agreements"] if a["status"] == "pending"]


def test_a_hand_edited_roster_is_cleaned_when_loaded(run: Runner, tmp_path: Path) -> None:
    # Text in a roster file that did not come through the importer is cleaned the same way.
    data = json.loads(OLD_ROSTER.read_text(encoding="utf-8"))
    first = data["agreements"][0]
    first["agency"] = "Evil\u202e\u200b PD \x1b]52;c;aGk=\x07"
    first["moa_url"] = "https://www.ice.gov/x)[click](javascript:alert(1))"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    doc = run("-q", "--roster", str(path), "jurisdiction", first["state"], "--json").json()
    names = [a["agency"] for a in doc["agreements"]]
    assert "Evil PD ]52;c;aGk=" in names or any(n.startswith("Evil") and "\x1b" not in n for n in names)
    assert all("\u202e" not in n and "\u200b" not in n and "\x1b" not in n for n in names)
    assert all("javascript" not in (a["moa_url"] or "") for a in doc["agreements"])
