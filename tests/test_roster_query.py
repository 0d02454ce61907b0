"""Roster queries over a fixed roster (tests/data/roster-20250718.json: ICE's 07/18/2025 sheets, imported) and
synthetic rosters, through the path the commands use: the compiled roster (`roster.store`) and its name index.

Facts about that roster used below, checked by grepping the JSON file:
Harris County, Texas has no 287(g) agreement on the 07/18/2025 list (its
sheriff's office left the program in 2017); Harris County, Georgia does (WSO).
Pinellas County, Florida has the sheriff's office (TFM and WSO) in the COUNTY
column, and Largo Police Department (pending TFM) names Pinellas County too;
Pinellas Park Police Department is listed with county '#N/A'.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agencyref.roster.file import decode_roster, encode_roster
from agencyref.roster.model import Agreement, Roster
from agencyref.roster.query import county_key, find_agencies, find_county, suggest_counties, summarize, tokens
from agencyref.roster.store import OpenRoster, compile_roster
from agencyref.usps import state_code

SHIPPED = Path(__file__).resolve().parent / "data" / "roster-20250718.json"  # a fixture: it never changes


def _open(roster: Roster) -> OpenRoster:
    return OpenRoster(compile_roster(encode_roster(roster), "test"), Path("test"), "override")


@pytest.fixture(scope="module")
def roster() -> Roster:
    return decode_roster(SHIPPED.read_bytes(), str(SHIPPED))


@pytest.fixture(scope="module")
def opened(roster: Roster) -> OpenRoster:
    return OpenRoster(compile_roster(SHIPPED.read_bytes(), str(SHIPPED)), SHIPPED, "bundled")


def _participating(agreements: list[Agreement]) -> list[Agreement]:
    return [a for a in agreements if a.status == "participating"]


def test_normalization() -> None:
    assert tokens("Pinellas Co. Sheriff’s Office") == ("pinellas", "county", "sheriff", "office")
    assert tokens("Pinellas County Sheriffs Office") == tokens("pinellas county sheriff's office")
    assert tokens("Prince George's County") == tokens("Prince Georges County")
    assert county_key("Pinellas County") == county_key("pinellas co") == county_key("PINELLAS") == "pinellas"
    assert county_key("St. Lucie County") == county_key("Saint Lucie") == "saint lucie"
    assert county_key("Baltimore City") != county_key("Baltimore County")


def test_state_queries(opened: OpenRoster, roster: Roster) -> None:
    fl = _participating(opened.in_state("FL"))
    assert len(fl) == 309
    assert opened.in_state(state_code("Florida") or "") == opened.in_state("FL")
    assert len(_participating(opened.in_state("TX"))) == 118
    summary = opened.summary("FL")
    assert summary is not None and summary.agreements == 309
    assert sum(summary.by_model.values()) == 309 and sum(summary.by_agency_type.values()) == 309
    assert summary.by_model["tfm"] == sum(a.model == "tfm" for a in fl)
    assert summary.agencies == len({a.agency.casefold() for a in fl})
    assert opened.in_state("CA") == []
    total = opened.summary()
    assert total is not None and total.by_model == {"jem": 117, "tfm": 415, "wso": 300}
    assert total.agencies == 685 and total.pending_agreements == 26
    assert total == summarize(roster.agreements)  # per-state counts add up to the whole roster
    assert opened.all_agreements() == roster.agreements


def test_by_state(opened: OpenRoster, roster: Roster) -> None:
    ranking = opened.state_counts()
    assert [(c.state, c.agreements) for c in ranking[:2]] == [("FL", 309), ("TX", 118)]
    assert sum(c.agreements for c in ranking) == 832
    assert len(ranking) == 40
    assert all(sum(c.per_model.values()) == c.agreements for c in ranking)
    keys = [(-c.agreements, c.state) for c in ranking]
    assert keys == sorted(keys)
    assert sum(c.agreements for c in opened.state_counts(model="wso")) == 300
    county_tx = next(c for c in opened.state_counts(agency_type="county") if c.state == "TX")
    assert county_tx.agreements == sum(
        1 for a in _participating(roster.agreements) if a.state == "TX" and a.agency_type == "county"
    )


def test_harris_county(opened: OpenRoster) -> None:
    index = opened.index
    for text in ("Harris County, TX", "Harris County, Texas", "Harris County TX", "harris co, tx"):
        assert find_county(index, text) == [], text
    assert find_county(index, "Harris County") == [("GA", "Harris County")]
    assert find_county(index, "Harris County, GA") == [("GA", "Harris County")]
    assert find_county(index, "Harris County, Georgia") == [("GA", "Harris County")]
    assert opened.in_county("TX", "Harris County") == []
    assert [a.agency for a in opened.in_county("GA", "Harris County")] == ["Harris County Sheriff's Office"]


def test_pinellas(opened: OpenRoster) -> None:
    expected = [("FL", "Pinellas County")]
    for text in ("Pinellas County", "pinellas co", "Pinellas Co.", "PINELLAS COUNTY, FL", "Pinellas County, Florida"):
        assert find_county(opened.index, text) == expected, text
    agreements = opened.in_county("FL", "Pinellas County")
    assert {(a.agency, a.model, a.status) for a in agreements} == {
        ("Pinellas County Sheriff's Office", "tfm", "participating"),
        ("Pinellas County Sheriff's Office", "wso", "participating"),
        ("Largo Police Department", "tfm", "pending"),  # from the pending sheet
    }
    assert len(_participating(opened.in_county("FL", "pinellas co"))) == 2
    assert suggest_counties(opened.index, "Pinelas County") == expected


def test_ambiguous_county(opened: OpenRoster) -> None:
    washington = find_county(opened.index, "Washington County")
    assert len(washington) > 1 and ("PA", "Washington County") in washington
    assert find_county(opened.index, "Washington County, PA") == [("PA", "Washington County")]
    assert find_county(opened.index, "") == [] and find_county(opened.index, ", ,") == []


def test_find_agencies(opened: OpenRoster) -> None:
    index = opened.index
    hits = find_agencies(index, "pinellas sheriff")
    assert hits[0][1:] == ("FL", "Pinellas County Sheriff's Office")
    assert hits[1][1:] == ("FL", "Pinellas Park Police Department")
    assert hits[0][0] > hits[1][0] > hits[2][0]
    assert find_agencies(index, "pinelas sherif")[0][1:] == ("FL", "Pinellas County Sheriff's Office")
    assert find_agencies(index, "Kodiak PD")[0][1:] == ("AK", "Kodiak Police Department")
    assert find_agencies(index, "harris county sheriff")[0][1:] == ("GA", "Harris County Sheriff's Office")
    only_tx = find_agencies(index, "county sheriff", state="TX", limit=5)
    assert len(only_tx) == 5 and all(s == "TX" for _, s, _ in only_tx)
    assert find_agencies(index, "") == [] and find_agencies(index, "pinellas", limit=0) == []
    assert all(0 <= score <= 1 for score, _, _ in find_agencies(index, "florida highway patrol"))
    assert {a.model for a in opened.of_agency("FL", "pinellas county sheriff's office")} == {"tfm", "wso"}


# ---- synthetic rosters ----------------------------------------------------------------


def _agreement(i: int, **kw: Any) -> Agreement:
    base: dict[str, Any] = {
        "state": ["TX", "FL", "GA", "OH"][i % 4],
        "agency": f"Agency {i % 20000} County Sheriff's Office",
        "agency_type": "county",
        "county": f"County {i % 3000}",
        "model": ["jem", "tfm", "wso"][i % 3],
        "status": "participating",
        "signed": "2025-01-01",
        "row": i + 2,
    }
    base.update(kw)
    return Agreement(**base)


def _roster(agreements: list[Agreement]) -> Roster:
    return Roster(schema_version=1, as_of="2025-07-18", source_url="https://x", source_files=[], agreements=agreements)


def test_a_roster_of_100k_compiles_and_answers() -> None:
    # Correctness at scale only; how long it takes is measured by benchmarks/bench.py --scale.
    agreements = [_agreement(i) for i in range(100_000)]
    opened = _open(_roster(agreements))
    assert sum(len(opened.in_state(s)) for s in ("TX", "FL", "GA", "OH")) == 100_000
    assert opened.in_state("TX") == [a for a in agreements if a.state == "TX"]
    counts = Counter(a.state for a in agreements)
    assert [(c.state, c.agreements) for c in opened.state_counts()] == sorted(
        counts.items(), key=lambda x: (-x[1], x[0])
    )
    hits = find_agencies(opened.index, "agency 123 sheriff")
    assert hits and hits[0][2] == "Agency 123 County Sheriff's Office"


def test_empty_roster() -> None:
    opened = _open(_roster([]))
    assert find_agencies(opened.index, "anything") == []
    assert find_county(opened.index, "Harris County, TX") == []
    assert opened.state_counts() == []
    assert opened.summary() == summarize([])
    assert summarize([]).by_model == {"jem": 0, "tfm": 0, "wso": 0} and summarize([]).by_agency_type == {}


def test_unknown_model_and_blank_state_counted() -> None:
    agreements = [_agreement(0, model="unknown", state=""), _agreement(1)]
    assert summarize(agreements).by_model == {"jem": 0, "tfm": 1, "wso": 0, "unknown": 1}
    assert {c.state for c in _open(_roster(agreements)).state_counts()} == {"", "FL"}


_SMALL = _open(_roster([_agreement(i) for i in range(200)]))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_queries_never_raise(text: str) -> None:
    find_county(_SMALL.index, text)
    suggest_counties(_SMALL.index, text)
    find_agencies(_SMALL.index, text, limit=3)
    _SMALL.in_county(text, text)
    _SMALL.in_state(text)
    tokens(text)
