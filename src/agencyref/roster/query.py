"""Questions over the 287(g) roster: counts (summaries by model and agency type), agencies placed in
counties, the population they police, and the county-name comparison form.

Pure functions over agreements -- no I/O, no rendering. Resolving what a user typed (a state, county,
city or agency) lives in :mod:`agencyref.roster.places.resolve`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import msgspec

from agencyref.roster.model import Agreement, Summary
from agencyref.roster.places.store import AgencyPlace

MAX_QUERY = 200  # characters of user text we look at
MODELS = ("jem", "tfm", "wso")

_NON_WORD = re.compile(r"[\W_]+")
_TOKEN_MAP = {
    "co": "county",
    "cnty": "county",
    "cty": "county",
    "sheriffs": "sheriff",
    "dept": "department",
    "dep": "department",
    "pd": "police",
    "so": "sheriff",
    "st": "saint",
    "ste": "sainte",
    "mt": "mount",
    "ft": "fort",
}
_SKIP = frozenset({"the", "of", "and"})
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc")
# Words that say what kind of area a county is, not which one.
_COUNTY_WORDS = frozenset({"county", "parish", "borough"})


def _word_tokens(word: str) -> tuple[str, ...]:
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word)
    # Apostrophes go first, so "George's" and "Georges" agree; "sheriffs" maps to "sheriff".
    parts = _NON_WORD.split(word.casefold().translate(_APOSTROPHES))
    return tuple(_TOKEN_MAP.get(p, p) for p in parts if p and p not in _SKIP)


_WORD_CACHE: dict[str, tuple[str, ...]] = {}
_WORD_CACHE_MAX = 50_000


def tokens(text: str) -> tuple[str, ...]:
    """Comparison tokens: ``"Pinellas Co. Sheriff's Office"`` → ``('pinellas', 'county', 'sheriff', 'office')``."""
    out: list[str] = []
    cache = _WORD_CACHE
    for word in text[:MAX_QUERY].split():
        toks = cache.get(word)
        if toks is None:
            toks = _word_tokens(word)
            if len(cache) < _WORD_CACHE_MAX:
                cache[word] = toks
        out.extend(toks)
    return tuple(out)


def county_key(text: str) -> str:
    """``"Pinellas County"``, ``"pinellas co"``, ``"Pinellas"`` → ``"pinellas"``."""
    toks = tokens(text)
    core = [t for t in toks if t not in _COUNTY_WORDS]
    return " ".join(core or toks)


class SummaryBuilder:
    """Counts agreements one at a time (so a large roster need not sit in memory at once)."""

    def __init__(self) -> None:
        self.agreements = 0
        self.pending = 0
        self.names: dict[tuple[str, str], str] = {}  # (state, folded name) -> name as listed, any status
        self.agencies: set[tuple[str, str]] = set()  # participating agencies
        self.by_model = dict.fromkeys(MODELS, 0)
        self.by_type: Counter[str] = Counter()
        self.agencies_by_model: dict[str, set[tuple[str, str]]] = {m: set() for m in MODELS}

    def add(self, a: Agreement) -> None:
        agency = (a.state, a.agency.casefold())
        self.names.setdefault(agency, a.agency)
        if a.status != "participating":
            self.pending += 1
            return
        self.agreements += 1
        self.agencies.add(agency)
        self.by_model[a.model] = self.by_model.get(a.model, 0) + 1
        self.by_type[a.agency_type] += 1
        self.agencies_by_model.setdefault(a.model, set()).add(agency)

    def result(self) -> Summary:
        return Summary(
            agreements=self.agreements,
            agencies=len(self.agencies),
            pending_agreements=self.pending,
            by_model=dict(self.by_model),
            by_agency_type=dict(sorted(self.by_type.items())),
            agencies_by_model={m: len(v) for m, v in self.agencies_by_model.items()},
        )


def combine(summaries: Iterable[Summary]) -> Summary:
    """Sum of per-state summaries (agencies are per state, so their counts add up too)."""
    total = SummaryBuilder().result()
    by_model, by_type, agencies_by_model = Counter(total.by_model), Counter[str](), Counter(total.agencies_by_model)
    agreements = agencies = pending = 0
    for s in summaries:
        agreements += s.agreements
        agencies += s.agencies
        pending += s.pending_agreements
        by_model.update(s.by_model)
        by_type.update(s.by_agency_type)
        agencies_by_model.update(s.agencies_by_model)
    return Summary(
        agreements=agreements,
        agencies=agencies,
        pending_agreements=pending,
        by_model=dict(by_model),
        by_agency_type=dict(sorted(by_type.items())),
        agencies_by_model=dict(agencies_by_model),
    )


def summarize(agreements: Iterable[Agreement]) -> Summary:
    builder = SummaryBuilder()
    for a in agreements:
        builder.add(a)
    return builder.result()


# ---- states -----------------------------------------------------------------


class StateCount(msgspec.Struct, frozen=True):
    state: str
    agreements: int
    agencies: int
    per_model: dict[str, int]


# ---- places: agencies grouped, placed and counted --------------------------------


class PlacedAgency(msgspec.Struct, frozen=True):
    """One agency on the roster with its agreements and, when known, where it is (from the placement file)."""

    key: str
    state: str
    name: str
    agreements: list[Agreement]
    place: AgencyPlace | None = None

    @property
    def counties(self) -> list[str]:
        """Counties it polices: the FBI's where the names matched, else ICE's county cell."""
        if self.place is not None:
            return self.place.counties
        county = next((a.county for a in self.agreements if a.county), "")
        return [county] if county else []

    @property
    def statewide(self) -> bool:
        if self.place is not None:
            return self.place.statewide
        return all(a.agency_type == "state" for a in self.agreements)

    @property
    def participating(self) -> list[Agreement]:
        return [a for a in self.agreements if a.status == "participating"]


def placed_agencies(agreements: Iterable[Agreement], places: dict[str, AgencyPlace]) -> list[PlacedAgency]:
    """Agreements grouped by agency key (first spelling kept), in roster order, each with its placement."""
    from agencyref.roster.places.names import agency_key

    grouped: dict[str, list[Agreement]] = {}
    for a in agreements:
        grouped.setdefault(agency_key(a.state, a.agency), []).append(a)
    return [PlacedAgency(key, ags[0].state, ags[0].agency, ags, places.get(key)) for key, ags in grouped.items()]


def in_county(agencies: Iterable[PlacedAgency], county: str) -> list[PlacedAgency]:
    """Agencies that police ``county`` ("Pinellas County"): sheriff, city police, county agencies, campuses.
    Statewide agencies are left out (they police every county)."""
    from agencyref.roster.places.names import county_core

    want = county_core(county)
    return [p for p in agencies if not p.statewide and any(county_core(c) == want for c in p.counties)]


def city_police(agencies: Iterable[PlacedAgency], city: str) -> list[PlacedAgency]:
    """The city's own agencies: matched to the FBI's record for that city, or named after it as police."""
    from agencyref.roster.places.names import role_core, words

    core = words(city)
    out = []
    for p in agencies:
        matched = p.place is not None and p.place.matched
        if matched and p.place is not None and p.place.fbi_type == "City" and words(p.place.fbi_name) == core:
            out.append(p)  # the FBI record of this very city
        elif not matched and role_core(p.name) == ("police", core):
            out.append(p)  # unmatched, but named "<city> Police Department"
    return out


def population_policed(agencies: Iterable[PlacedAgency]) -> tuple[int, int]:
    """(people, agencies counted): the FBI's population covered, summed over agencies that report one.
    Each resident is counted once by the FBI (by the city police, or the sheriff outside cities)."""
    people = counted = 0
    for p in agencies:
        if p.place is not None and p.place.population:
            people += p.place.population
            counted += 1
    return people, counted
