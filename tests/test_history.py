"""The 287(g) history: dating sheets by evidence, the store built from trimmed real sheets, queries, ingest."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from agencyref.roster.history.build import build_history, read_folder, read_sheet
from agencyref.roster.history.changes import changes
from agencyref.roster.history.dating import Sheet, date_sheets, name_date
from agencyref.roster.history.model import agency_key, decode_history, encode_history
from agencyref.roster.history.store import OpenHistory, compile_history, listing, participation_series

FIXTURES = Path(__file__).parent / "data" / "ice287g"


def test_names() -> None:
    assert name_date("participatingAgencies07182025pm.xlsx") == (dt.date(2025, 7, 18), "07182025pm")
    assert name_date("pendingAgencies10242025mid.xlsx")[0] == dt.date(2025, 10, 24)
    assert name_date("participatingAgencies04232026.xlsx")[0] == dt.date(2026, 4, 23)
    assert name_date("participatingAgencies-20250222170629.xlsx")[0] == dt.date(2025, 2, 22)
    assert name_date("roster.xlsx") == (None, "")


def test_agency_key_folds_spelling_drift() -> None:
    assert agency_key("Ft. Myers Police Dept ") == agency_key("fort myers police department")
    assert agency_key("St. Johns County Sheriff\u2019s Office") == agency_key("Saint Johns County Sheriffs Office")
    assert agency_key("Harris County") != agency_key("Harris City")


def _sheet(name: str, n: int, signed: str | None = None, start: int = 0) -> Sheet:
    day, stamp = name_date(name)
    keys = frozenset(("TX", f"agency {i}", "tfm") for i in range(start, n))
    return Sheet(name, "participating", keys, day, stamp, dt.date.fromisoformat(signed) if signed else None)


def test_misnamed_year_is_dated_by_evidence() -> None:
    sheets = [
        _sheet("participatingAgencies12312025am.xlsx", 100, "2025-12-18"),
        _sheet("participatingAgencies01052025pm.xlsx", 101, "2025-12-18"),  # a January 2026 list
        _sheet("participatingAgencies01082026am.xlsx", 110, "2026-01-08"),
    ]
    date_sheets(sheets)
    assert sheets[1].date == dt.date(2026, 1, 5) and sheets[1].dated_by == "evidence"
    assert sheets[0].date == dt.date(2025, 12, 31) and sheets[0].dated_by == "name"


def test_out_of_order_sheet_moves_beside_its_match() -> None:
    sheets = [
        _sheet("participatingAgencies03022025am.xlsx", 50, "2025-02-26"),
        _sheet("participatingAgencies03092025am.xlsx", 100, "2025-03-05"),
        _sheet("participatingAgencies03202025am.xlsx", 200, "2025-03-17"),
        _sheet("participatingAgencies04212025am.xlsx", 98, "2025-03-05"),  # an old list, named late
        _sheet("participatingAgencies05022025am.xlsx", 400, "2025-04-29"),
    ]
    date_sheets(sheets)
    assert sheets[3].dated_by == "evidence"
    assert dt.date(2025, 3, 5) <= sheets[3].date <= dt.date(2025, 3, 20)  # type: ignore[operator]
    assert all(s.dated_by == "name" for i, s in enumerate(sheets) if i != 3)


def test_as_of_wins() -> None:
    s = _sheet("participatingAgencies01052025pm.xlsx", 10, "2025-12-18")
    date_sheets([s], as_of=dt.date(2026, 1, 5))
    assert (s.date, s.dated_by) == (dt.date(2026, 1, 5), "as-of")


@pytest.fixture(scope="module")
def built() -> tuple[OpenHistory, list[str]]:
    history, notes = build_history(read_folder(FIXTURES))
    return OpenHistory(compile_history(history), FIXTURES, "test"), notes


def test_build_from_fixture_sheets(built: tuple[OpenHistory, list[str]]) -> None:
    h, notes = built
    dates = [(s.date, s.list) for s in h.snapshots]
    assert ("2025-08-29", "pending") in dates
    assert [s.date for s in h.participating][:2] == ["2025-07-18", "2025-08-29"]
    assert any("08022025pm" in n and "2025-09-02" in n for n in notes)  # the misnamed sheet, by evidence
    assert "2025-08-02" not in [s.date for s in h.snapshots]
    # counts equal each sheet's rows
    rows = {s.date: s.rows for s in h.participating}
    assert {p.date: p.counts["total"] for p in h.series()} == {
        d: n for d, n in rows.items() if d in {p.date for p in h.series()}
    }
    assert participation_series(h, monthly=False)[-1][1] == h.participating[-1].rows


def test_store_round_trip_is_deterministic(built: tuple[OpenHistory, list[str]]) -> None:
    a, _ = build_history(read_folder(FIXTURES))
    b, _ = build_history(read_folder(FIXTURES))
    data = encode_history(a)
    assert data == encode_history(b)
    assert decode_history(data, "x") == a


def test_listing_and_changes(built: tuple[OpenHistory, list[str]]) -> None:
    h, _ = built
    x = h.agreements[0]
    v = x.versions[-1]
    first, last, ended = listing(h, x.state, v.agency.upper() + "  ", x.model) or ("", "", None)
    assert first <= last
    assert ended is None or ended > last
    assert listing(h, "ZZ", "nobody", "tfm") is None
    c = changes(h, since="2025-07-18", until="2025-08-29")
    added = {(ch.state, ch.agency) for ch in c.changes if ch.kind == "added"}
    assert added  # the trimmed sheets grow between July and August
    assert all(ch.fields for ch in c.changes)


def test_ingest_adds_once_and_updates_roster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agencyref.roster.history.ingest import ingest

    monkeypatch.setenv("AGENCYREF_CACHE_DIR", str(tmp_path / "cache"))
    sheet = tmp_path / "participatingAgencies11272026am.xlsx"
    shutil.copy(FIXTURES / "participatingAgencies09052025pm.xlsx", sheet)
    first = ingest([sheet], data_dir=tmp_path)
    assert first.snapshots_added and first.roster_written == str(tmp_path / "roster-287g.json")
    assert first.kept_pending is not None
    again = ingest([sheet], data_dir=tmp_path)
    assert not again.snapshots_added and again.duplicates and again.roster_written is None
    old = tmp_path / "participatingAgencies02012025am.xlsx"  # an older list: history only
    shutil.copy(FIXTURES / "participatingAgencies07182025pm.xlsx", old)
    before = (tmp_path / "roster-287g.json").read_bytes()
    older = ingest([old], data_dir=tmp_path, as_of="2025-02-01")
    assert older.roster_written is None
    assert (tmp_path / "roster-287g.json").read_bytes() == before


def test_read_sheet_matches_rows() -> None:
    r = read_sheet(FIXTURES / "pendingAgencies08292025pm.xlsx")
    assert r.kind == "pending" and len(r.agreements) == 5


@pytest.mark.parametrize(("since", "until"), [("2025-07-18", "2025-08-29"), ("2025-08-29", "2025-09-05")])
def test_changes_count_like_set_arithmetic_on_the_sheets(
    built: tuple[OpenHistory, list[str]], since: str, until: str
) -> None:
    # Counted independently: import each sheet, compare (state, folded agency, model) sets.
    from agencyref.roster.ice287g import import_sheets

    def agreements(day: str) -> set[tuple[str, str, str]]:
        name = f"participatingAgencies{day[5:7]}{day[8:10]}{day[:4]}pm.xlsx"
        roster = import_sheets([FIXTURES / name]).roster
        return {(a.state, agency_key(a.agency), a.model) for a in roster.agreements}

    h, _ = built
    old, new = agreements(since), agreements(until)
    result = changes(h, since=since, until=until)
    plain = result.participating
    assert (plain["before"], plain["after"]) == (len(old), len(new))
    assert plain["joined"] + plain["renamed"] == len(new - old)
    assert plain["left"] + plain["renamed"] == len(old - new)
    for state in {s for s, _, _ in old | new}:
        by_state = changes(h, since=since, until=until, state=state).participating
        assert by_state["after"] == sum(1 for a in new if a[0] == state)
