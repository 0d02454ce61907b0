"""Roster queries over a fixed roster (tests/data/roster-20250718.json: ICE's 07/18/2025 sheets, imported) and
synthetic rosters, through the path the commands use: the compiled roster (`roster.store`).

Place and name resolution (states, counties, cities, agencies) is tested in test_places*.py.
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
from agencyref.roster.query import county_key, summarize, tokens
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


def test_empty_roster() -> None:
    opened = _open(_roster([]))
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
    _SMALL.in_county(text, text)
    _SMALL.in_state(text)
    tokens(text)
