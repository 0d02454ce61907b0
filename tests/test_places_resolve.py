"""Place resolution on a fixture placement: exact names answer, everything else suggests (and exits 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agencyref.errors import AmbiguousNameError, NotFoundError
from agencyref.roster.places.build import build, encode
from agencyref.roster.places.complete import complete_place
from agencyref.roster.places.lee import read_lee
from agencyref.roster.places.resolve import Place, Places, resolve, state_like
from agencyref.roster.places.store import Placement, load_placement

from .test_places import LEE, ROSTER, agreement

AGREEMENTS = [
    *ROSTER,
    agreement("FL", "Orange County Sheriff's Office", "county", "Orange County"),
    agreement("TX", "Orange County Sheriff's Office", "county", "Orange County"),
    agreement("TX", "Houston County Sheriff's Office", "county", "Houston County"),
]


@pytest.fixture(scope="module")
def placement(tmp_path_factory: pytest.TempPathFactory) -> Placement:
    path: Path = tmp_path_factory.mktemp("places") / "places.json"
    path.write_bytes(encode(build(AGREEMENTS, read_lee(LEE)), {"roster_as_of": "2025-07-18"}))
    return load_placement(path)


@pytest.fixture(scope="module")
def places(placement: Placement) -> Places:
    return Places(((a.state, a.agency) for a in AGREEMENTS), placement)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pinellas County, FL", Place("county", "FL", "Pinellas County")),
        ("pinellas county florida", Place("county", "FL", "Pinellas County")),
        ("Pinellas County", Place("county", "FL", "Pinellas County")),
        ("Cook County, IL", Place("county", "IL", "Cook County")),
        ("Cobb", Place("county", "GA", "Cobb County")),
        ("St. Petersburg, FL", Place("city", "FL", "St. Petersburg")),
        ("saint petersburg fl", Place("city", "FL", "St. Petersburg")),
        ("FL", Place("state", "FL", "FL")),
        ("Texas", Place("state", "TX", "TX")),
    ],
)
def test_exact_places(places: Places, text: str, expected: Place) -> None:
    assert resolve(places, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Orange County Sheriff's Office, FL",
        "orange county sheriffs office, fl",
        "Orange County Sheriff, FL",
        "ORANGE CO. SHERIFF'S DEPARTMENT, Florida",
        "fl/orange-county-sheriffs-office",
        "FL/Orange-County-Sheriffs-Office",
    ],
)
def test_an_agency_with_its_state_or_key_always_matches(places: Places, text: str) -> None:
    found = resolve(places, text)
    assert (found.kind, found.key) == ("agency", "fl/orange-county-sheriffs-office")


def test_the_same_name_in_two_states_is_ambiguous_and_lists_keys(places: Places) -> None:
    with pytest.raises(AmbiguousNameError) as exc:
        resolve(places, "Orange County Sheriff's Office")
    assert {c.split()[0] for c in exc.value.candidates} == {
        "fl/orange-county-sheriffs-office",
        "tx/orange-county-sheriffs-office",
    }


@pytest.mark.parametrize(
    ("text", "first"),
    [("Texs", "TX (Texas)"), ("Tex", "TX (Texas)"), ("florda", "FL (Florida)"), ("carolina", "NC (North Carolina)")],
)
def test_state_like_misses_suggest_states_first_and_answer_nothing(places: Places, text: str, first: str) -> None:
    with pytest.raises(NotFoundError) as exc:
        resolve(places, text)
    assert exc.value.suggestions[0] == first


def test_carolina_offers_both_carolinas() -> None:
    assert state_like("carolina")[:2] == ["NC", "SC"]


def test_misses_suggest_the_kind_asked_for(places: Places) -> None:
    with pytest.raises(NotFoundError) as exc:
        resolve(places, "Cobbb County")
    assert "Cobb County, GA" in exc.value.suggestions
    assert not any(s.startswith("CO ") for s in exc.value.suggestions)
    with pytest.raises(NotFoundError) as exc:
        resolve(places, "Pinelas County, FL")
    assert exc.value.suggestions == ["Pinellas County, FL"]
    with pytest.raises(NotFoundError) as exc:
        resolve(places, "pinelas sheriff")
    assert "fl/pinellas-county-sheriffs-office" in exc.value.suggestions


def test_a_name_in_several_states_is_ambiguous(places: Places) -> None:
    with pytest.raises(AmbiguousNameError) as exc:
        resolve(places, "Houston")
    assert "Houston County, TX (county)" in exc.value.candidates
    assert "Houston, TX (city)" in exc.value.candidates


@pytest.mark.parametrize("junk", ["", "   ", "x" * 10_000, "\x00", "💥", ",", "fl/", "/"])
def test_junk_never_answers(places: Places, junk: str) -> None:
    with pytest.raises((NotFoundError, AmbiguousNameError)):
        resolve(places, junk)


def test_completion_offers_counties_cities_and_keys(placement: Placement) -> None:
    assert "Pinellas County, FL" in complete_place("Pinel", placement)
    assert "Pinellas Park, FL" in complete_place("pinellas", placement)
    assert complete_place("fl/pinellas", placement) == [
        "fl/pinellas-county-jail-annex",
        "fl/pinellas-county-sheriffs-office",
    ]
    assert complete_place("Houston, TX", placement) == ["Houston County, TX", "Houston, TX"]
