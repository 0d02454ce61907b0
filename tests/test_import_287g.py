"""Tests for the ICE 287(g) importer, the roster file format and diffs.

The counts for ICE's real sheets are checked twice: against numbers computed
here by a separate, deliberately plain openpyxl pass (``_plain_pass``), and
against constants verified by hand. How the constants were verified:

* A throw-away openpyxl script listed every non-blank row, the stripped
  SUPPORT TYPE values, the STATE values, every SIGNED cell that was not a
  datetime (or had a year outside 2002..2026), and every MOA/ADDENDUM
  hyperlink target grouped by host (www.ice.gov / safelinks / other).
* Published research gives 05/16/2025: 571 agreements, 467 agencies, 40
  states, TFM 275 / WSO 205 / JEM 91; 07/18/2025: 832, 690, 40, TFM 415 /
  WSO 300 / JEM 117, Florida 309, Texas 118. All confirmed, except that the
  agency counts (467, 623, 690) count five Texas sheriff's offices twice:
  Calhoun, Galveston, Goliad, Lavaca and Wharton appear both with a straight
  and a typographic apostrophe ("Sheriff's" / "Sheriff’s"). The importer
  straightens quotes, so it reports 462, 618 and 685 distinct agencies; the
  plain pass below reproduces both numbers.
* "Task Force Model " (trailing space) occurs 8 times and "Jail Enforcement
  Model " once in the 07/18 sheet; TFM 407+8 = 415 and JEM 116+1 = 117.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agencyref.errors import DataError, UsageError
from agencyref.roster import ice287g
from agencyref.roster.file import decode_roster, encode_roster, write_roster_atomic
from agencyref.roster.ice287g import (
    agency_type_key,
    clean_text,
    date_from_filename,
    diff_rosters,
    import_sheets,
    model_key,
    parse_link,
    parse_signed,
    report_to_dict,
    unwrap_safelinks,
)
from agencyref.roster.model import Agreement, Roster
from agencyref.usps import state_code

from .conftest import Runner

openpyxl = pytest.importorskip("openpyxl")

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "roster-287g.json"
SAFE = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F"
    "{name}&data=05%7C02%7CERO287g%40ice.dhs.gov%7C0%7C&sdata=abc%3D&reserved=0"
)


# ---- the real sheets ----------------------------------------------------------


@pytest.fixture(scope="session")
def ice_dir() -> Path:
    return REPO / "tests" / "data" / "ice-sheets"  # real ICE sheets, committed (U.S. government works)


def _plain_pass(path: Path) -> dict[str, Any]:
    """Count a participating sheet with the simplest possible openpyxl code."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb.worksheets[0]
    header = [str(c.value).strip().upper() if c.value else "" for c in ws[1]]
    col = {name: header.index(name) for name in header if name}
    rows = [r for r in ws.iter_rows(min_row=2) if any(c.value is not None for c in r)]
    agencies_raw = {
        (r[col["STATE"]].value, " ".join(r[col["LAW ENFORCEMENT AGENCY"]].value.split()).casefold()) for r in rows
    }
    agencies = {(s, a.replace("\u2019", "'")) for s, a in agencies_raw}
    bad_dates = {}
    moa_links = moa_safe = 0
    for r in rows:
        v = r[col["SIGNED"]].value
        if not isinstance(v, dt.datetime):
            bad_dates[r[0].row] = str(v)
        elif not 2002 <= v.year <= 2026:
            bad_dates[r[0].row] = v.date().isoformat()
        link = r[col["MOA"]].hyperlink
        if link is not None and link.target:
            moa_links += 1
            moa_safe += "safelinks.protection.outlook.com" in link.target
    return {
        "total": len(rows),
        "models": Counter(str(r[col["SUPPORT TYPE"]].value).strip() for r in rows),
        "agencies": len(agencies),
        "agencies_raw": len(agencies_raw),
        "states": len({r[col["STATE"]].value for r in rows}),
        "per_state": Counter(r[col["STATE"]].value for r in rows),
        "bad_dates": bad_dates,
        "moa_links": moa_links,
        "moa_safe": moa_safe,
    }


# (file, agreements, tfm, wso, jem, distinct agencies, agencies w/o quote folding, states,
#  malformed SIGNED {row: raw}, MOA links, of which safelinks, blank rows)
REAL = [
    ("participatingAgencies05162025am.xlsx", 571, 275, 205, 91, 462, 467, 40, {545: "05/082025"}, 416, 0, 14),
    (
        "participatingAgencies07182025pm.xlsx",
        832, 415, 300, 117, 685, 690, 40,
        {639: "5025-07-07", 775: "7/72025", 785: "05/082025"},
        603, 168, 73,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "total", "tfm", "wso", "jem", "agencies", "agencies_raw", "states", "bad", "links", "safe", "blank"),
    REAL,
)
def test_real_participating_sheet(
    ice_dir: Path,
    name: str,
    total: int,
    tfm: int,
    wso: int,
    jem: int,
    agencies: int,
    agencies_raw: int,
    states: int,
    bad: dict[int, str],
    links: int,
    safe: int,
    blank: int,
) -> None:
    path = ice_dir / name
    plain = _plain_pass(path)
    assert plain["total"] == total
    assert plain["models"] == {"Task Force Model": tfm, "Warrant Service Officer": wso, "Jail Enforcement Model": jem}
    assert (plain["agencies"], plain["agencies_raw"], plain["states"]) == (agencies, agencies_raw, states)
    assert plain["bad_dates"] == bad
    assert (plain["moa_links"], plain["moa_safe"]) == (links, safe)

    result = import_sheets([path])
    rep, roster = result.report, result.roster
    assert roster.as_of == date_from_filename(name).isoformat()  # type: ignore[union-attr]
    assert rep.rows_read == rep.agreements_written == rep.participating == total
    assert rep.blank_rows == blank
    assert rep.pending == 0
    assert rep.per_model == {"jem": jem, "tfm": tfm, "wso": wso}
    assert rep.distinct_agencies == agencies
    assert len({a.state for a in roster.agreements}) == states
    assert all(a.state for a in roster.agreements)
    assert rep.malformed_dates == len(bad)
    malformed = {a.row: a.signed_raw for a in roster.agreements if a.signed is None}
    assert malformed == bad
    warned = {w.row for w in rep.warnings if "SIGNED" in w.message}
    assert warned == set(bad)
    assert (rep.moa_links, rep.moa_safelinks) == (links, safe)
    urls = [a.moa_url for a in roster.agreements if a.moa_url]
    assert len(urls) == links
    assert all(u.startswith(("https://www.ice.gov/", "http://www.ice.gov/")) for u in urls)
    assert not any("safelinks" in u for u in urls)
    assert all(a.moa_status == "link" for a in roster.agreements if a.moa_url)
    assert all(a.sheet == name and a.row >= 2 for a in roster.agreements)
    assert roster.agreements == sorted(roster.agreements, key=ice287g.agreement_sort_key)


def test_real_0718_states_and_pending(ice_dir: Path) -> None:
    part = ice_dir / "participatingAgencies07182025pm.xlsx"
    pend = ice_dir / "pendingAgencies07182025pm.xlsx"
    result = import_sheets([part, pend])
    roster, rep = result.roster, result.report
    assert roster.as_of == "2025-07-18"
    assert roster.source_files == [part.name, pend.name]
    per_state = Counter(a.state for a in roster.agreements if a.status == "participating")
    assert per_state["FL"] == 309 == _plain_pass(part)["per_state"]["FLORIDA"]
    assert per_state["TX"] == 118
    # The pending sheet: 26 rows, counted by hand (13 WSO, 9 TFM, 4 JEM), no SIGNED/MOA columns.
    wb = openpyxl.load_workbook(pend, data_only=True)
    pending_rows = [r for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if any(r)]
    assert rep.pending == len(pending_rows) == 26
    assert rep.per_model_pending == {"jem": 4, "tfm": 9, "wso": 13}
    assert all(a.signed is None and a.moa_status == "none" for a in roster.agreements if a.status == "pending")
    # The 39 addendum links are all safelinks-wrapped; every one unwraps to ice.gov.
    assert (rep.addendum_links, rep.addendum_safelinks) == (39, 39)
    assert all(a.addendum_url.startswith("https://www.ice.gov/") for a in roster.agreements if a.addendum_url)
    # The year-5025 row is kept, not dropped.
    row = next(a for a in roster.agreements if a.row == 639 and a.sheet == part.name)
    assert (row.signed, row.signed_raw) == (None, "5025-07-07")
    assert rep.county_placeholders > 200  # '#N/A' counties of city and state agencies
    json.dumps(report_to_dict(rep))


def test_real_0516_link_addendum_without_hyperlink(ice_dir: Path) -> None:
    rep = import_sheets([ice_dir / "participatingAgencies05162025am.xlsx"]).report
    rows = sorted(w.row for w in rep.warnings if "has no hyperlink" in w.message)
    assert rows == [454, 501, 504]


def _shipped_inputs(ice_dir: Path) -> list[Path]:
    """The sheets the bundled roster is imported from: the ones named in its source_files."""
    roster = decode_roster(SHIPPED.read_bytes(), str(SHIPPED))
    return [ice_dir / name for name in roster.source_files]


def test_shipped_roster_matches_fresh_import(ice_dir: Path) -> None:
    # The proof that the bundled roster is ICE's sheets and nothing else: re-import, compare bytes.
    fresh = import_sheets(_shipped_inputs(ice_dir)).roster
    assert SHIPPED.read_bytes() == encode_roster(fresh)


def test_shipped_roster_decodes(ice_dir: Path) -> None:
    roster = decode_roster(SHIPPED.read_bytes(), str(SHIPPED))
    plain = _plain_pass(next(p for p in _shipped_inputs(ice_dir) if p.name.startswith("participating")))
    part = [a for a in roster.agreements if a.status == "participating"]
    assert len(part) == plain["total"]
    assert roster.as_of == max(date_from_filename(p.name) for p in _shipped_inputs(ice_dir)).isoformat()  # type: ignore[type-var]


# ---- synthetic workbooks ---------------------------------------------------------

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]


def _workbook(path: Path, rows: list[list[Any]], links: dict[str, str] | None = None, title_rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"ICE 287(g) list, part {i}"])
    for row in rows:
        ws.append(row)
    for coord, url in (links or {}).items():
        ws[coord].hyperlink = url
    wb.save(path)
    return path


def test_synthetic_sheet(tmp_path: Path) -> None:
    rows = [
        [*HEADER, None, None],  # extra empty columns
        ["TEXAS", "  Harris  County Sheriff’s Office ", "County", "Harris County ", "Task Force Model ",
         dt.datetime(2025, 3, 1), "link", None, None, None],
        [None, None, None, None, None, None, None, None, None, None],  # blank row
        ["florida", "Pinellas County Sheriff's Office", "county", "Pinellas County", "JEM",
         "7/72025", "link pending ", "link", None, None],
        ["FL", "Pinellas County Sheriff's Office", "County", "Pinellas County", "wso",
         45000, "link", None],
        ["Narnia", "Nowhere PD", "Space Agency", "#N/A", "Secret Model", dt.datetime(5025, 1, 1), "link", None],
        ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "Task Force Model",
         dt.datetime(2025, 3, 1), "", None],
        ["TX", "Dallas Police Department", "", "", "Warrant Service Officer", "05/082025", "link | addendum"],
    ]  # fmt: skip
    links = {
        "G4": SAFE.format(name="HarrisTX.pdf"),  # row 2 of data = sheet row 4 with 2 title rows
        "H6": "https://www.ice.gov/doclib/287gMOA/PinellasAddendum.pdf",
        "G7": SAFE.replace("https://gcc02", "https://nam11").format(name="Wso.pdf"),
        "G8": "mailto:someone@example.com",
    }
    path = _workbook(tmp_path / "participatingAgencies04022025am.xlsx", rows, links, title_rows=2)
    result = import_sheets([path])
    rep, roster = result.report, result.roster
    assert roster.as_of == "2025-04-02"
    assert rep.rows_read == 6 and rep.blank_rows == 1 and rep.agreements_written == 6
    by_row = {a.row: a for a in roster.agreements}
    harris = by_row[4]
    assert harris.state == "TX" and harris.agency == "Harris County Sheriff's Office"
    assert (harris.county, harris.model, harris.agency_type, harris.signed) == (
        "Harris County",
        "tfm",
        "county",
        "2025-03-01",
    )
    assert harris.moa_url == "https://www.ice.gov/doclib/287gMOA/HarrisTX.pdf" and harris.moa_status == "link"
    pin = by_row[6]
    assert (pin.state, pin.model, pin.signed, pin.signed_raw, pin.moa_status) == (
        "FL",
        "jem",
        None,
        "7/72025",
        "pending",
    )
    assert pin.addendum_url == "https://www.ice.gov/doclib/287gMOA/PinellasAddendum.pdf"
    serial = by_row[7]
    assert serial.signed == (dt.date(1899, 12, 30) + dt.timedelta(days=45000)).isoformat()
    assert serial.moa_url == "https://www.ice.gov/doclib/287gMOA/Wso.pdf"
    odd = by_row[8]
    assert (odd.state, odd.model, odd.agency_type, odd.county) == ("", "unknown", "other", "")
    assert (odd.signed, odd.signed_raw, odd.moa_status, odd.moa_url) == (None, "5025-01-01", "none", None)
    dallas = by_row[10]
    assert (dallas.agency_type, dallas.signed_raw, dallas.moa_status) == ("unknown", "05/082025", "none")
    messages = {(w.row, w.message) for w in rep.warnings}
    rows_warned = Counter(w.row for w in rep.warnings)
    assert rows_warned[4] == 0 and rows_warned[7] == 0
    assert any(r == 6 and "7/72025" in m for r, m in messages)
    assert any(r == 8 and "unknown state" in m for r, m in messages)
    assert any(r == 8 and "unknown 287(g) model" in m for r, m in messages)
    assert any(r == 8 and "TYPE" in m for r, m in messages)
    assert any(r == 8 and "impossible year" in m for r, m in messages)
    assert any(r == 8 and "not a web address" in m for r, m in messages)
    assert any(r == 9 and "rows 4 and 9" in m for r, m in messages)  # exact duplicate kept, warned
    assert any(r == 10 and "no hyperlink" in m for r, m in messages)
    assert rep.per_model == {"jem": 1, "tfm": 2, "wso": 2, "unknown": 1}
    assert rep.distinct_agencies == 4  # Harris TX, Pinellas FL, Nowhere PD, Dallas PD


def test_pending_by_columns_and_as_of(tmp_path: Path) -> None:
    rows = [HEADER[:5], ["OHIO", "Butler County Sheriff's Office", "County", "Butler County", "Task Force Model"]]
    path = _workbook(tmp_path / "requests.xlsx", rows)
    with pytest.raises(DataError, match="--as-of"):
        import_sheets([path])
    with pytest.raises(UsageError):
        import_sheets([path], as_of="18 July")
    result = import_sheets([path], as_of="2025-07-18")
    assert result.roster.as_of == "2025-07-18"
    assert [a.status for a in result.roster.agreements] == ["pending"]
    assert result.report.per_model_pending == {"jem": 0, "tfm": 1, "wso": 0}


def test_snapshot_from_newest_file_name(tmp_path: Path) -> None:
    rows = [HEADER, ["OHIO", "A PD", "Municipality", "", "WSO", dt.datetime(2025, 1, 1), ""]]
    a = _workbook(tmp_path / "participatingAgencies05162025am.xlsx", rows)
    b = _workbook(
        tmp_path / "pendingAgencies07182025pm.xlsx", [HEADER[:5], ["OHIO", "B PD", "Municipality", "", "JEM"]]
    )
    result = import_sheets([a, b])
    assert result.roster.as_of == "2025-07-18"
    assert [a.status for a in result.roster.agreements] == ["participating", "pending"]


def test_missing_column(tmp_path: Path) -> None:
    rows = [["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SIGNED"], ["OHIO", "A PD", "Municipality", "1/2/2025"]]
    path = _workbook(tmp_path / "participatingAgencies04022025am.xlsx", rows)
    with pytest.raises(DataError) as info:
        import_sheets([path])
    problem = info.value.problems[0]
    assert problem.file == path.name and problem.line == 1
    assert "SUPPORT TYPE" in problem.message and "LAW ENFORCEMENT AGENCY" in problem.message


def test_no_header_at_all(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x01022025.xlsx", [["hello", "world"], ["1", "2"]])
    with pytest.raises(DataError, match="STATE"):
        import_sheets([path])


def test_no_data_rows(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "participatingAgencies04022025am.xlsx", [HEADER, [None] * 8])
    with pytest.raises(DataError, match="no data rows"):
        import_sheets([path])


@pytest.mark.parametrize(
    "content",
    [b"STATE,LAW ENFORCEMENT AGENCY\nthis is text\n", b"", b"\x00\x01\x02binary junk" * 10],
)
def test_renamed_text_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "participatingAgencies04022025am.xlsx"
    path.write_bytes(content)
    with pytest.raises(DataError, match="not an Excel workbook"):
        import_sheets([path])


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "participatingAgencies04022025am.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(DataError, match="not an Excel workbook"):
        import_sheets([path])


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "participatingAgencies04022025am.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<not xml")
        zf.writestr("xl/workbook.xml", "<also not xml")
    with pytest.raises(DataError, match="not a readable Excel workbook"):
        import_sheets([path])


def test_size_guards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "participatingAgencies04022025am.xlsx", [HEADER, ["OHIO", "A", "", "", "WSO"]])
    monkeypatch.setattr(ice287g.sheets, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(DataError, match="expands to"):
        import_sheets([path])
    monkeypatch.setattr(ice287g.sheets, "MAX_FILE_BYTES", 100)
    with pytest.raises(DataError, match="refusing"):
        import_sheets([path])


def test_zip_bomb_is_refused_before_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "participatingAgencies04022025am.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 2**20))
    monkeypatch.setattr(ice287g.sheets, "MAX_UNCOMPRESSED_BYTES", 2 * 2**20)
    assert path.stat().st_size < 50_000
    with pytest.raises(DataError, match="expands to"):
        import_sheets([path])


def test_csv_export(tmp_path: Path) -> None:
    path = tmp_path / "participatingAgencies07182025pm.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Export of the ICE list"])
        w.writerow(HEADER)
        w.writerow(["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "Task Force Model",
                    "7/2/2025", SAFE.format(name="A.pdf"), ""])  # fmt: skip
        w.writerow(["", "", "", "", "", "", "", ""])
        w.writerow(["FLORIDA", "Pinellas PD", "Municipality", "#N/A", "WSO", "07-02-25", "link pending", ""])
        w.writerow(["FLORIDA", "Pinellas PD", "Municipality", "", "JEM", "45000", "https://www.ice.gov/b.pdf", ""])
        w.writerow(["FLORIDA", "Tampa PD", "Municipality", "", "JEM", "2025-13-40", "link", ""])
    result = import_sheets([path])
    rep = result.report
    assert (rep.rows_read, rep.blank_rows, rep.moa_links, rep.moa_safelinks) == (4, 1, 2, 1)
    by_row = {a.row: a for a in result.roster.agreements}
    assert by_row[3].signed == "2025-07-02" and by_row[3].moa_url == "https://www.ice.gov/doclib/287gMOA/A.pdf"
    assert by_row[5].signed == "2025-07-02" and by_row[5].moa_status == "pending" and by_row[5].county == ""
    assert by_row[6].signed == "2023-03-15" and by_row[6].moa_url == "https://www.ice.gov/b.pdf"
    assert (by_row[7].signed, by_row[7].signed_raw, by_row[7].moa_status) == (None, "2025-13-40", "none")
    assert {w.row for w in rep.warnings} == {7}


def test_csv_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "participatingAgencies07182025pm.csv"
    text = "STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED\r\n"
    text += "TEXAS,Galveston County Sheriff\u2019s Office,TFM,1/2/2025\r\n"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DataError, match="not valid UTF-8"):  # never a silent guess
        import_sheets([path])
    [a] = import_sheets([path], encoding="cp1252").roster.agreements
    assert a.agency == "Galveston County Sheriff's Office"


def test_no_paths() -> None:
    with pytest.raises(UsageError):
        import_sheets([])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        import_sheets([tmp_path / "participatingAgencies04022025am.xlsx"])


# ---- cleaning functions -------------------------------------------------------------


def test_cleaning_functions() -> None:
    assert state_code("NEW HAMPSHIRE") == "NH" and state_code("tx") == "TX" and state_code("Washington, D.C.") == "DC"
    assert state_code("Puerto Rico") == "PR" and state_code("U.S. Virgin Islands") == "VI" and state_code("GU") == "GU"
    assert state_code("Narnia") is None and state_code("") is None
    assert (
        model_key("Task Force Model ") == "tfm"
        and model_key("jem") == "jem"
        and model_key("WARRANT SERVICE OFFICER") == "wso"
    )
    assert model_key("287(g)") == "unknown"
    assert agency_type_key("Municipality") == ("municipal", True)
    assert agency_type_key("State Agency") == ("state", True)
    assert agency_type_key("") == ("unknown", True)
    assert agency_type_key("Space Agency") == ("other", False)
    assert parse_signed("7/18/2025", 2026).iso == "2025-07-18"
    assert parse_signed("7/72025", 2026).raw == "7/72025"
    assert parse_signed(dt.datetime(2001, 12, 31), 2026).iso is None
    assert parse_signed(None, 2026).iso is None and parse_signed(None, 2026).problem is None
    assert clean_text("  a \u00a0 b\n") == "a b"
    assert parse_link("link pending", None).status == "pending"
    assert parse_link("LINK   PENDING", None).status == "pending"
    assert parse_link("", None).status == "none"
    assert parse_link("link", "https://www.ice.gov/x.pdf") == ice287g.LinkResult(
        "link", "https://www.ice.gov/x.pdf", False, None
    )
    double = "https://nam02.safelinks.protection.outlook.com/?url=" + quote(SAFE.format(name="y.pdf"), safe="")
    assert unwrap_safelinks(double) == "https://www.ice.gov/doclib/287gMOA/y.pdf"
    assert unwrap_safelinks("https://www.ice.gov/a.pdf") == "https://www.ice.gov/a.pdf"
    assert date_from_filename("participatingAgencies07182025pm.xlsx") == dt.date(2025, 7, 18)
    assert date_from_filename("pendingAgencies13402025.xlsx") is None


text_or_junk = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(),
    st.none(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(value=text_or_junk, other=st.one_of(st.none(), st.text(max_size=80)), year=st.integers(2002, 9999))
def test_cleaning_never_raises(value: object, other: str | None, year: int) -> None:
    state_code(value)
    model_key(value)
    agency_type_key(value)
    clean_text(value)
    parse_signed(value, year)
    parse_link(value, other)
    if isinstance(value, str):
        unwrap_safelinks(value)
        unwrap_safelinks("https://x.safelinks.protection.outlook.com/?url=" + value)
        date_from_filename(value)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789/-.: T", max_size=20))
def test_date_text_never_raises(text: str) -> None:
    result = parse_signed(text, 2026)
    assert result.iso is None or 2002 <= int(result.iso[:4]) <= 2026
    assert (result.iso is None) == (result.raw is not None) or not text.strip()


# ---- roster file ---------------------------------------------------------------------


def _agreement(**kw: Any) -> Agreement:
    base: dict[str, Any] = {
        "state": "TX",
        "agency": "Harris County Sheriff's Office",
        "agency_type": "county",
        "county": "Harris County",
        "model": "tfm",
        "status": "participating",
        "signed": "2025-03-01",
    }
    base.update(kw)
    return Agreement(**base)


def _roster(*agreements: Agreement) -> Roster:
    return Roster(
        schema_version=1,
        as_of="2025-07-18",
        source_url=ice287g.SOURCE_URL,
        source_files=["a.xlsx"],
        agreements=list(agreements),
    )


def test_encode_decode_round_trip() -> None:
    roster = _roster(_agreement(), _agreement(agency='Ünïcode \u2014 "quoted"', row=7), _agreement(model="wso"))
    data = encode_roster(roster)
    assert data.endswith(b"]}\n")
    lines = data.decode().splitlines()
    assert lines[0] == "{" and '"agreements": [' in lines
    start = lines.index('"agreements": [') + 1
    assert len(lines) - start - 1 == 3  # one agreement per line, then the closing line
    assert json.loads(lines[start].rstrip(","))["state"] == "TX"
    assert list(json.loads(data)) == ["schema_version", "as_of", "source_url", "source_files", "agreements"]
    assert decode_roster(data, "r.json") == roster
    assert encode_roster(decode_roster(data, "r.json")) == data
    empty = encode_roster(_roster())
    assert decode_roster(empty, "e.json") == _roster()


def test_decode_errors() -> None:
    data = encode_roster(_roster(_agreement(), _agreement()))
    broken = data.replace(b'"model":"tfm"', b'"model":tfm', 1)
    with pytest.raises(DataError) as info:
        decode_roster(broken, "r.json")
    assert info.value.problems[0].line == 7 and info.value.problems[0].file == "r.json"
    invalid = data.replace(b'"model":"tfm"', b'"model":"xyz"', 1)
    with pytest.raises(DataError) as info:
        decode_roster(invalid, "r.json")
    assert info.value.problems[0].path == "$.agreements[0].model"
    with pytest.raises(DataError):
        decode_roster(b"", "r.json")


def test_write_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "deep" / "dir" / "roster.json"
    write_roster_atomic(_roster(_agreement()), target)
    old = target.read_bytes()
    assert decode_roster(old, str(target)).agreements[0].state == "TX"

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(DataError, match="No space left"):
        write_roster_atomic(_roster(_agreement(state="FL")), target)
    assert target.read_bytes() == old
    assert sorted(p.name for p in target.parent.iterdir()) == ["roster.json"]


def test_write_atomic_non_oserror_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "roster.json"
    target.write_bytes(b"old")

    def boom(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_roster_atomic(_roster(), target, force=True)  # "old" is no roster
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.json"]


# ---- diff -----------------------------------------------------------------------------


def test_diff_rosters() -> None:
    a = _agreement()
    b = _agreement(agency="Dallas PD", agency_type="municipal", county="")
    c = _agreement(state="FL", agency="Pinellas County Sheriff's Office", model="jem")
    old = _roster(a, b, c)
    a2 = msgspec.structs.replace(
        a, moa_url="https://www.ice.gov/a.pdf", moa_status="link", agency=" HARRIS county sheriff's office"
    )
    d = _agreement(state="OK", agency="Tulsa County Sheriff's Office", model="wso")
    resigned = msgspec.structs.replace(c, signed="2025-07-01")
    new = _roster(a2, resigned, d)
    diff = diff_rosters(old, new)
    assert diff.added == [d]
    assert diff.removed == [b]
    assert [(ch.old, ch.new, ch.fields) for ch in diff.changed] == [
        (c, resigned, ["signed"]),
        (a, a2, ["moa_url", "moa_status"]),
    ]
    assert diff_rosters(old, old).empty
    # Two agreements under one key: the unchanged one pairs, the new one is an addition.
    second = msgspec.structs.replace(a, signed="2025-07-10")
    diff2 = diff_rosters(_roster(a), _roster(a, second))
    assert diff2.added == [second] and not diff2.changed and not diff2.removed
    # Pending -> participating shows as removed + added (status is part of the key).
    diff3 = diff_rosters(_roster(msgspec.structs.replace(a, status="pending", signed=None)), _roster(a))
    assert len(diff3.added) == 1 and len(diff3.removed) == 1
    json.dumps(ice287g.diff_to_dict(diff))


def test_addendum_rows_fold_into_their_agreement(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["TEXAS", "Bee County Sheriff's Office", "County", "Bee County", "WSO", dt.datetime(2025, 2, 24), "link", None],
        ["TEXAS", "Bee County Sheriff's Office Addendum", "County", "Bee County", "WSO", dt.datetime(2025, 5, 1), "link", None],
        ["TEXAS", "Lone Amendment", "County", "Lone County", "TFM", dt.datetime(2025, 5, 1), "link pending", None],
    ]  # fmt: skip
    links = {
        "G2": "https://www.ice.gov/doclib/287gMOA/BeeWSO.pdf",
        "G3": "https://www.ice.gov/doclib/287gMOA/BeeAdd.pdf",
    }
    result = import_sheets([_workbook(tmp_path / "participatingAgencies07182025pm.xlsx", rows, links)])
    agencies = [a.agency for a in result.roster.agreements]
    assert agencies == ["Bee County Sheriff's Office", "Lone Amendment"]  # "Bee ... Addendum" is not an agency
    bee = result.roster.agreements[0]
    assert bee.moa_url.endswith("BeeWSO.pdf") and bee.addendum_url.endswith("BeeAdd.pdf")  # type: ignore[union-attr]
    messages = {w.row: w.message for w in result.report.warnings}
    assert "folded into row 2" in messages[3] and "matches no agreement" in messages[4]
    assert result.report.distinct_agencies == 2


def test_year_typo_in_file_name_is_corrected_with_a_warning(tmp_path: Path) -> None:
    rows = [HEADER, ["OHIO", "A Sheriff's Office", "County", "A County", "WSO", dt.datetime(2026, 1, 5), "link", None]]
    result = import_sheets([_workbook(tmp_path / "participatingAgencies01062025.xlsx", rows)])
    assert result.roster.as_of == "2026-01-06"
    assert any("dated 2026-01-06 instead" in w.message for w in result.report.warnings)
    assert (
        import_sheets(
            [_workbook(tmp_path / "participatingAgencies01062025.xlsx", rows)], as_of="2025-01-06"
        ).roster.as_of
        == "2025-01-06"
    )


def test_ice_link_typos_are_repaired_and_nothing_else() -> None:
    from agencyref.roster.ice287g.cells import repair_ice_link

    one_slash = "https:/www.ice.gov/doclib/287gMOA/CherokeePDAL_TFM_%20MOA_02142026.pdf"
    viewer = "chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https:/www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM.pdf"
    assert repair_ice_link(one_slash) == "https://www.ice.gov/doclib/287gMOA/CherokeePDAL_TFM_%20MOA_02142026.pdf"
    assert repair_ice_link(viewer) == "https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM.pdf"
    for other in ("https:/evil.example/x", "javascript:alert(1)", "https://www.ice.gov/x", "ftp:/www.ice.gov/x"):
        assert repair_ice_link(other) == other
    result = parse_link("MOA", viewer)
    assert (result.status, result.url) == ("link", "https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM.pdf")


def test_declared_encoding_reaches_your_history_and_roster(run: Runner, tmp_path: Path) -> None:
    # Without --output the sheet goes through the history ingest: --encoding must reach it too.
    path = tmp_path / "participatingAgencies11272026am.csv"
    text = "STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED\r\n"
    text += "TEXAS,Galveston County Sheriff\u2019s Office,TFM,1/2/2025\r\n"
    path.write_bytes(text.encode("cp1252"))
    assert run("-q", "import-287g", str(path)).code == 3  # UTF-8 unless told otherwise: no silent guess
    r = run("-q", "import-287g", str(path), "--encoding", "cp1252", "--json")
    assert r.code == 0, r.err
    assert r.json()["history"]["roster_written"]
    doc = run("-q", "jurisdiction", "TX", "--json").json()
    assert [a["agency"] for a in doc["agreements"]] == ["Galveston County Sheriff's Office"]
