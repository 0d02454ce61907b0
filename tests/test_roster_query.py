"""Tests for roster_query over the shipped roster (data/roster-287g.json, ICE's 07/18/2025 sheets)
and over synthetic rosters.

Facts about the shipped roster used below, checked by grepping the JSON file:
Harris County, Texas has no 287(g) agreement on the 07/18/2025 list (its
sheriff's office left the program in 2017); Harris County, Georgia does (WSO).
Pinellas County, Florida has the sheriff's office (TFM and WSO) in the COUNTY
column, and Largo Police Department (pending TFM) names Pinellas County too;
Pinellas Park Police Department is listed with county '#N/A'.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agencyref.model import Agreement, Roster
from agencyref.roster import decode_roster
from agencyref.roster_query import (
    RosterIndex,
    agreements_in_county,
    agreements_in_state,
    by_state,
    counts_by_model,
    counts_by_type,
    county_key,
    distinct_agencies,
    find_agencies,
    find_county,
    suggest_counties,
    tokens,
)

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "roster-287g.json"


@pytest.fixture(scope="module")
def roster() -> Roster:
    return decode_roster(SHIPPED.read_bytes(), str(SHIPPED))


@pytest.fixture(scope="module")
def index(roster: Roster) -> RosterIndex:
    return RosterIndex.build(roster)


def test_normalization() -> None:
    assert tokens("Pinellas Co. Sheriff’s Office") == ("pinellas", "county", "sheriff", "office")
    assert tokens("Pinellas County Sheriffs Office") == tokens("pinellas county sheriff's office")
    assert tokens("Prince George's County") == tokens("Prince Georges County")
    assert county_key("Pinellas County") == county_key("pinellas co") == county_key("PINELLAS") == "pinellas"
    assert county_key("St. Lucie County") == county_key("Saint Lucie") == "saint lucie"
    assert county_key("Baltimore City") != county_key("Baltimore County")


def test_state_queries(index: RosterIndex, roster: Roster) -> None:
    fl = agreements_in_state(index, "FL", status="participating")
    assert len(fl) == 309
    assert len(agreements_in_state(index, "Florida", status="participating")) == 309
    assert len(agreements_in_state(index, "TX", status="participating")) == 118
    assert sum(counts_by_model(fl).values()) == 309
    assert sum(counts_by_type(fl).values()) == 309
    tfm = agreements_in_state(index, "FL", model="tfm")
    assert all(a.model == "tfm" and a.state == "FL" for a in tfm)
    assert len(tfm) == counts_by_model(agreements_in_state(index, "FL"))["tfm"]
    assert all(a.agency_type == "municipal" for a in agreements_in_state(index, "FL", agency_type="municipal"))
    assert agreements_in_state(index, "CA") == []
    assert distinct_agencies(fl) == len({(a.state, a.agency.casefold()) for a in fl})
    part = [a for a in roster.agreements if a.status == "participating"]
    assert counts_by_model(part) == {"jem": 117, "tfm": 415, "wso": 300}
    assert distinct_agencies(part) == 685
    assert index.states == sorted({a.state for a in roster.agreements})


def test_by_state(roster: Roster) -> None:
    ranking = by_state(roster)
    assert [(c.state, c.agreements) for c in ranking[:2]] == [("FL", 309), ("TX", 118)]
    assert sum(c.agreements for c in ranking) == 832
    assert len(ranking) == 40
    assert all(sum(c.per_model.values()) == c.agreements for c in ranking)
    keys = [(-c.agreements, c.state) for c in ranking]
    assert keys == sorted(keys)
    wso = by_state(roster, model="wso")
    assert sum(c.agreements for c in wso) == 300
    assert sum(c.agreements for c in by_state(roster, status=None)) == 858
    assert by_state(roster.agreements[:0]) == []


def test_harris_county(index: RosterIndex) -> None:
    for text in ("Harris County, TX", "Harris County, Texas", "Harris County TX", "harris co, tx"):
        assert find_county(index, text) == [], text
    assert find_county(index, "Harris County") == [("GA", "Harris County")]
    assert find_county(index, "Harris County, GA") == [("GA", "Harris County")]
    assert find_county(index, "Harris County, Georgia") == [("GA", "Harris County")]
    assert agreements_in_county(index, "TX", "Harris County") == []
    ga = agreements_in_county(index, "GA", "Harris County")
    assert [a.agency for a in ga] == ["Harris County Sheriff's Office"]


def test_pinellas(index: RosterIndex) -> None:
    expected = [("FL", "Pinellas County")]
    for text in ("Pinellas County", "pinellas co", "Pinellas Co.", "PINELLAS COUNTY, FL", "Pinellas County, Florida"):
        assert find_county(index, text) == expected, text
    agreements = agreements_in_county(index, "FL", "Pinellas County")
    assert {(a.agency, a.model, a.status) for a in agreements} == {
        ("Pinellas County Sheriff's Office", "tfm", "participating"),
        ("Pinellas County Sheriff's Office", "wso", "participating"),
        ("Largo Police Department", "tfm", "pending"),  # from the pending sheet
    }
    assert len(agreements_in_county(index, "FL", "Pinellas County", status="participating")) == 2
    assert [a.model for a in agreements_in_county(index, "Florida", "pinellas co", model="wso")] == ["wso"]
    assert suggest_counties(index, "Pinelas County") == expected


def test_ambiguous_county(index: RosterIndex) -> None:
    washington = find_county(index, "Washington County")
    assert len(washington) > 1 and ("PA", "Washington County") in washington
    assert find_county(index, "Washington County, PA") == [("PA", "Washington County")]
    assert find_county(index, "") == [] and find_county(index, ", ,") == []


def test_find_agencies(index: RosterIndex) -> None:
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
    agreements = index.agreements_of("FL", "pinellas county sheriff's office")
    assert {a.model for a in agreements} == {"tfm", "wso"}


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


def test_index_scales_to_100k() -> None:
    big = _roster([_agreement(i) for i in range(100_000)])
    best = min(_timed(lambda: RosterIndex.build(big)) for _ in range(3))
    assert best < 1.0, f"index build took {best:.2f}s"
    index = RosterIndex.build(big)
    assert sum(len(v) for v in index.by_state.values()) == 100_000
    assert _timed(lambda: find_agencies(index, "agency 123 sheriff")) < 1.0
    assert _timed(lambda: by_state(big)) < 1.0


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_empty_roster() -> None:
    index = RosterIndex.build(_roster([]))
    assert find_agencies(index, "anything") == []
    assert find_county(index, "Harris County, TX") == []
    assert by_state(_roster([])) == []
    assert counts_by_model([]) == {"jem": 0, "tfm": 0, "wso": 0}
    assert counts_by_type([]) == {}


def test_unknown_model_and_blank_state_counted() -> None:
    agreements = [_agreement(0, model="unknown", state=""), _agreement(1)]
    assert counts_by_model(agreements) == {"jem": 0, "tfm": 1, "wso": 0, "unknown": 1}
    assert {c.state for c in by_state(agreements)} == {"", "FL"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_queries_never_raise(text: str) -> None:
    index = _SMALL_INDEX
    find_county(index, text)
    suggest_counties(index, text)
    find_agencies(index, text, limit=3)
    agreements_in_county(index, text, text)
    agreements_in_state(index, text)
    tokens(text)


_SMALL_INDEX = RosterIndex.build(_roster([_agreement(i) for i in range(200)]))
