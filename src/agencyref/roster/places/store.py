"""The bundled placement file: where each roster agency is (county, FBI ORI, population, staff),
and every county and city the FBI's LEE table knows, per state.

Each state's part is decoded only when a question needs it, so a call about one county reads one
state's lists.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import msgspec

from agencyref.errors import DataError, Problem
from agencyref.knowledge.model import Source
from agencyref.paths import bundled

PLACES_FILE = "places-287g.json"
PLACES_SOURCE_ID = "fbi-lee"
SCHEMA_VERSION = 1


class AgencyPlace(msgspec.Struct, frozen=True, omit_defaults=True):
    """One roster agency placed: from its FBI LEE record when the names match, else ICE's county."""

    name: str  # as on ICE's list
    state: str
    counties: list[str] = []  # "Pinellas County"; several when a city spans counties
    county_from: str = ""  # "fbi", "ice", or "" (statewide or unknown)
    statewide: bool = False  # a state agency: it works across the state, not in one county
    ori: str = ""  # FBI originating agency identifier (the first, when several units were combined)
    units: int = 0  # FBI units combined (a state agency reporting office by office); 0 = one
    fbi_name: str = ""
    fbi_type: str = ""
    fbi_year: int = 0
    population: int | None = None  # population covered, as the FBI counts it
    officers: int | None = None
    civilians: int | None = None
    how: str = ""  # how the names matched; "" = no match
    unmatched: str = ""  # why no FBI record was kept
    note: str = ""

    @property
    def matched(self) -> bool:
        return bool(self.how)


class StatePlaces(msgspec.Struct, frozen=True):
    counties: list[str]  # "Pinellas County", sorted
    cities: dict[str, list[int]]  # city (as the FBI names it) -> indexes into counties


class PlacesFile(msgspec.Struct, frozen=True):
    schema_version: int
    built_from: dict[str, Any]
    match: dict[str, Any]
    agencies: dict[str, msgspec.Raw]  # state -> {key: AgencyPlace}
    states: dict[str, msgspec.Raw]  # state -> StatePlaces


class CompiledPlaces(msgspec.Struct, frozen=True):
    """What the compiled cache holds: each state's agencies and places as its own msgpack blob."""

    schema_version: int
    built_from: dict[str, Any]
    match: dict[str, Any]
    agencies: dict[str, memoryview]
    states: dict[str, memoryview]


def _compile(data: bytes, file: str) -> CompiledPlaces:
    try:
        parsed = msgspec.json.decode(data, type=PlacesFile)
    except msgspec.ValidationError as exc:
        raise DataError([Problem(file, None, "", f"not a placement file: {exc}")]) from exc
    except msgspec.DecodeError as exc:
        raise DataError([Problem(file, None, "", f"invalid JSON: {exc}")]) from exc
    if parsed.schema_version != SCHEMA_VERSION:
        raise DataError([Problem(file, None, "schema_version", f"expected {SCHEMA_VERSION}")])
    enc = msgspec.msgpack.encode
    agencies = {
        state: memoryview(enc(msgspec.json.decode(raw, type=dict[str, AgencyPlace])))
        for state, raw in parsed.agencies.items()
    }
    states = {
        state: memoryview(enc(msgspec.json.decode(raw, type=StatePlaces))) for state, raw in parsed.states.items()
    }
    return CompiledPlaces(parsed.schema_version, parsed.built_from, parsed.match, agencies, states)


class Placement:
    """The placement file, decoded state by state."""

    def __init__(self, data: CompiledPlaces, path: Path) -> None:
        self.data = data
        self.path = path
        self._agencies: dict[str, dict[str, AgencyPlace]] = {}
        self._states: dict[str, StatePlaces] = {}

    def agencies(self, state: str) -> dict[str, AgencyPlace]:
        if state not in self._agencies:
            raw = self.data.agencies.get(state)
            self._agencies[state] = msgspec.msgpack.decode(raw, type=dict[str, AgencyPlace]) if raw else {}
        return self._agencies[state]

    def agency(self, key: str) -> AgencyPlace | None:
        return self.agencies(key.partition("/")[0].upper()).get(key)

    def places(self, state: str) -> StatePlaces:
        if state not in self._states:
            raw = self.data.states.get(state)
            self._states[state] = msgspec.msgpack.decode(raw, type=StatePlaces) if raw else StatePlaces([], {})
        return self._states[state]

    @property
    def state_codes(self) -> list[str]:
        return sorted(self.data.states)

    def city_counties(self, state: str, city: str) -> list[str]:
        p = self.places(state)
        return [p.counties[i] for i in p.cities.get(city, [])]

    @cached_property
    def source(self) -> Source:
        built = self.data.built_from
        return Source(
            id=PLACES_SOURCE_ID,
            title="Law Enforcement Employees (LEE) data: agency, county, population covered, officers, civilians",
            publisher="Federal Bureau of Investigation, Crime Data Explorer",
            url="https://cde.ucr.cjis.gov/LATEST/webapp/#/pages/downloads",
            kind="dataset",
            published=str(built.get("lee_latest_year") or "") or None,
            note=f"Matched to ICE's list by agencyref ({built.get('lee_file', 'LEE CSV')}); years {built.get('lee_years', '?')}.",
        )


def load_placement(path: Path | None = None) -> Placement:
    """The placement file (bundled unless ``path``), through the compiled cache: a call decodes one state."""
    from agencyref.cache import cached
    from agencyref.files import ROSTER_LIMIT, read_bytes

    path = path or bundled(PLACES_FILE)
    compiled = cached(
        "places",
        path,
        CompiledPlaces,
        lambda: read_bytes(path, ROSTER_LIMIT, "a placement file"),  # bounded; DataError when unreadable
        lambda data: _compile(data, str(path)),
    )
    return Placement(compiled, path)
