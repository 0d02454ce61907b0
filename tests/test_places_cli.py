"""Place answers through the command line, checked against the bundled roster and placement files."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agencyref.roster.places.names import agency_key, county_core

from .conftest import REPO, Runner

ROSTER = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))
PLACES = json.loads((REPO / "data" / "places-287g.json").read_text(encoding="utf-8"))
BUILD = "python -m agencyref.roster.places.build data/roster-287g.json fbi_lee_latest.csv -o data/places-287g.json"


def _placed(key: str) -> dict[str, Any]:
    placed: dict[str, Any] = PLACES["agencies"][key.partition("/")[0].upper()][key]
    return placed


def _in_county(state: str, county: str) -> list[dict[str, Any]]:
    out = []
    for a in ROSTER["agreements"]:
        place = _placed(agency_key(a["state"], a["agency"]))
        counties = place.get("counties", [])
        if (
            a["state"] == state
            and not place.get("statewide")
            and any(county_core(c) == county_core(county) for c in counties)
        ):
            out.append(a)
    return out


def test_the_bundled_placement_covers_every_roster_agency() -> None:
    keys = {agency_key(a["state"], a["agency"]) for a in ROSTER["agreements"]}
    placed = {k for by_key in PLACES["agencies"].values() for k in by_key}
    assert keys == placed, f"data/places-287g.json is stale: run `{BUILD}`"
    assert PLACES["built_from"]["roster_as_of"] == ROSTER["as_of"], f"stale: run `{BUILD}`"


def test_county_lists_every_agency_placed_there(run: Runner) -> None:
    doc = run("-q", "jurisdiction", "Pinellas County, FL", "--json").json()
    expected = _in_county("FL", "Pinellas County")
    assert doc["kind"] == "county"
    assert sorted((a["agency"], a["model"]) for a in doc["agreements"]) == sorted(
        (a["agency"], a["model"]) for a in expected
    )
    # More than ICE's own county column gives: city police ICE lists without a county.
    by_ice = [a for a in ROSTER["agreements"] if a["state"] == "FL" and a["county"] == "Pinellas County"]
    assert len(doc["agreements"]) > len(by_ice)
    people = sum(
        _placed(a["key"]).get("population") or 0
        for a in doc["agencies"]
        if any(x["status"] == "participating" and x["agency"] == a["name"] for x in doc["agreements"])
    )
    assert doc["population_policed"] == people > 0
    assert doc["state_law"]["stance"] and {"ice-287g-roster", "fbi-lee"} <= {s["id"] for s in doc["sources"]}


def test_a_county_without_agreements_is_an_answer_with_the_law(run: Runner) -> None:
    assert not _in_county("IL", "Cook County")
    r = run("-q", "jurisdiction", "Cook County, IL")
    assert r.code == 0 and f"0 agreements with 0 agencies as of {ROSTER['as_of']}" in r.out
    assert "Illinois" in r.out and "State law" in r.out


def test_city_resolves_to_its_county_and_own_police(run: Runner) -> None:
    doc = run("-q", "jurisdiction", "St. Petersburg, FL", "--json").json()
    assert doc["kind"] == "city" and doc["city"]["counties"] == ["Pinellas County"]
    assert doc["own_police"] == ["fl/st-petersburg-police-department"]


def test_agency_by_name_with_state_and_by_key(run: Runner) -> None:
    by_name = run("-q", "jurisdiction", "Orange County Sheriff's Office, FL", "--json").json()
    by_key = run("-q", "jurisdiction", "fl/orange-county-sheriffs-office", "--json").json()
    assert by_name["agency"]["key"] == by_key["agency"]["key"] == "fl/orange-county-sheriffs-office"
    assert by_name["placement"] == _placed("fl/orange-county-sheriffs-office")


def test_state_answer_shows_keys_and_population(run: Runner) -> None:
    lines = run("-q", "jurisdiction", "FL", "--format", "csv").out.splitlines()
    assert lines[0].startswith("state,status,agency,key,")
    assert any(",fl/pinellas-county-sheriffs-office," in line for line in lines)


@pytest.mark.parametrize(("text", "hint"), [("Texs", "TX"), ("Tex", "TX"), ("florda", "FL"), ("carolina", "NC")])
def test_misspellings_answer_nothing_and_suggest_states(run: Runner, text: str, hint: str) -> None:
    r = run("-q", "jurisdiction", text)
    assert r.code == 1 and r.out == "" and f"Did you mean: {hint} (" in r.err


def test_knowledge_suggestions_come_from_the_kind_asked_for(run: Runner) -> None:
    assert run("-q", "search", "arpaio").code == 0  # the knowledge file has Maricopa's history
    r = run("-q", "search", "smithersonn")  # a person's name it does not have: no state codes suggested
    assert r.code == 1 and not any(code in r.err.split() for code in ("AZ", "SC", "SM"))
    r = run("-q", "agency", "Cobb")
    assert r.code == 1 and "CO" not in r.err.replace("Cobb", "")


def test_brief_is_one_footnoted_paragraph(run: Runner) -> None:
    md = run("-q", "jurisdiction", "Pinellas County, FL", "--brief", "--format", "markdown").out
    body = [line for line in md.splitlines() if line and not line.startswith(("#", "[^", ">"))]
    assert len(body) == 1 and "[^1]" in body[0]
    assert "Pinellas County Sheriff's Office" in body[0] and ROSTER["source_url"] in body[0]
    assert "State law:" in body[0]
    plain = run("-q", "jurisdiction", "Cook County, IL", "--brief").out
    assert "0 agreements" in plain and "Illinois" in plain


def test_brief_needs_a_county_or_city(run: Runner) -> None:
    assert run("-q", "jurisdiction", "FL", "--brief").code == 2
    assert run("-q", "jurisdiction", "--brief").code == 2
