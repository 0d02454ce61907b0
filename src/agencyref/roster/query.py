"""Questions over the 287(g) roster: by state, by county, by agency name.

Pure functions over a :class:`~agencyref.roster.model.Roster` -- no I/O, no
rendering. Build a :class:`RosterIndex` once and query it many times; the
build is linear in the number of agreements (100,000 in well under a second).

Name matching folds case and punctuation and treats the usual variants as
one: ``"Pinellas Co."``, ``"pinellas county"``; ``"Sheriff's Office"``,
``"Sheriffs Office"``, ``"sheriff"``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import msgspec

from agencyref.roster.model import Agreement, Summary
from agencyref.roster.places.store import AgencyPlace
from agencyref.usps import state_code

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


def agency_key(text: str) -> str:
    return " ".join(tokens(text))


class _AgencyEntry(msgspec.Struct):
    state: str
    name: str  # as shown on the sheet (first spelling seen)
    norm: str  # " ".join(tokens)
    toks: frozenset[str]


class RosterIndex(msgspec.Struct):
    """Name tables for county and agency lookups. Build with :meth:`from_names`.

    It holds no agreements: the compiled roster cache keeps the (state, name) rows, so a lookup
    never decodes the roster, and the caller then fetches the matching state's agreements.
    """

    county_names: dict[tuple[str, str], str] = {}  # (state, county key) -> shown name
    counties_by_key: dict[str, list[tuple[str, str]]] = {}  # county key -> [(state, key)]
    agencies: list[_AgencyEntry] = []
    by_token: dict[str, list[int]] = {}  # token -> indexes into agencies
    idf: dict[str, float] = {}

    @classmethod
    def from_names(cls, agencies: Iterable[tuple[str, str]], counties: Iterable[tuple[str, str]]) -> RosterIndex:
        """From (state, agency as listed) and (state, county as listed) rows."""
        index = cls()
        for state, county in counties:
            ckey = county_key(county)
            if ckey and (state, ckey) not in index.county_names:
                index.county_names[(state, ckey)] = county
                index.counties_by_key.setdefault(ckey, []).append((state, ckey))
        for state, name in agencies:
            toks = tokens(name)
            index.agencies.append(_AgencyEntry(state, name, " ".join(toks), frozenset(toks)))
        for i, entry in enumerate(index.agencies):
            for tok in entry.toks:
                index.by_token.setdefault(tok, []).append(i)
        n = max(len(index.agencies), 1)
        index.idf = {tok: math.log(1 + n / len(ids)) for tok, ids in index.by_token.items()}
        return index


# ---- counties ---------------------------------------------------------------


def _split_state(text: str) -> list[tuple[str, str | None]]:
    """Ways to read ``text`` as (county part, state code or None), most specific first."""
    text = text[:MAX_QUERY].strip()
    readings: list[tuple[str, str | None]] = []
    if "," in text:
        head, _, tail = text.rpartition(",")
        code = state_code(tail.strip())
        if code:
            readings.append((head, code))
    words = text.replace(",", " ").split()
    # "Harris County TX", "Harris Co Texas", "Prince George's County New Mexico"
    for cut in range(len(words) - 1, max(len(words) - 5, 0), -1):
        code = state_code(" ".join(words[cut:]))
        if code:
            readings.append((" ".join(words[:cut]), code))
    readings.append((text.replace(",", " "), None))
    return readings


def find_county(index: RosterIndex, text: str) -> list[tuple[str, str]]:
    """(state, county as shown) pairs that ``text`` names, sorted.

    Accepts ``"Harris County, TX"``, ``"Harris County, Texas"``, ``"Harris County TX"``,
    ``"Pinellas County"``, ``"pinellas co"``. Without a state, every state with a
    county of that name is returned (callers decide what to do with several).
    Only exact (normalized) names match; see :func:`suggest_counties` for typos.
    """
    for county_text, code in _split_state(text):
        ckey = county_key(county_text)
        if not ckey:
            continue
        keys = index.counties_by_key.get(ckey, [])
        if code is not None:
            keys = [k for k in keys if k[0] == code]
        if keys:
            return sorted((s, index.county_names[(s, k)]) for s, k in keys)
    return []


def suggest_counties(index: RosterIndex, text: str, limit: int = 5) -> list[tuple[str, str]]:
    """Close county names for a typo, e.g. ``"Pinelas"`` → ``[('FL', 'Pinellas County')]``."""
    import difflib  # only for near misses: it costs start-up time

    out: list[tuple[str, str]] = []
    for county_text, code in _split_state(text):
        ckey = county_key(county_text)
        if not ckey:
            continue
        for near in difflib.get_close_matches(ckey, list(index.counties_by_key), n=limit, cutoff=0.75):
            for s, k in index.counties_by_key[near]:
                if (code is None or s == code) and (s, index.county_names[(s, k)]) not in out:
                    out.append((s, index.county_names[(s, k)]))
        if out:
            break
    return out[:limit]


# ---- agencies ---------------------------------------------------------------


def find_agencies(
    index: RosterIndex, text: str, limit: int = 10, state: str | None = None
) -> list[tuple[float, str, str]]:
    """Rank agencies against free text, best first.

    ``"pinellas sheriff"`` → ``[(0.92, 'FL', "Pinellas County Sheriff's Office"), ...]``.

    Score in 0..1: IDF-weighted token overlap (typo-tolerant per token), blended
    with difflib similarity of the whole name. Best first; ties by state and
    name. ``state`` (code or name) restricts the search.
    """
    import difflib  # only for near misses: it costs start-up time

    q = tokens(text)
    if not q or limit <= 0:
        return []
    code = (state_code(state) or state) if state else None
    vocab = index.idf
    max_idf = max(vocab.values(), default=1.0)
    # Each query token: the vocabulary tokens it stands for, with a weight.
    expanded: list[list[tuple[str, float]]] = []
    for tok in q:
        if tok in vocab:
            expanded.append([(tok, 1.0)])
            continue
        near = difflib.get_close_matches(tok, list(vocab), n=3, cutoff=0.75)
        prefixed = [v for v in vocab if len(tok) >= 3 and v.startswith(tok)][:3]
        options = [(v, difflib.SequenceMatcher(None, tok, v).ratio()) for v in near]
        options += [(v, 0.9) for v in prefixed if v not in near]
        expanded.append(options)
    total = sum(vocab.get(tok, max_idf) for tok in q)
    overlap: dict[int, float] = {}
    for tok, options in zip(q, expanded, strict=True):
        weight_of_tok = vocab.get(tok, max_idf)
        best: dict[int, float] = {}
        for v, w in options:
            for i in index.by_token.get(v, ()):
                if w > best.get(i, 0.0):
                    best[i] = w
        for i, w in best.items():
            overlap[i] = overlap.get(i, 0.0) + w * weight_of_tok
    candidates = [(s / total, i) for i, s in overlap.items() if code is None or index.agencies[i].state == code]
    query = " ".join(q)
    if not candidates:
        # No shared token at all: fall back to whole-name similarity.
        by_norm: dict[str, list[int]] = {}
        for i, e in enumerate(index.agencies):
            if code is None or e.state == code:
                by_norm.setdefault(e.norm, []).append(i)
        near = difflib.get_close_matches(query, list(by_norm), n=max(limit * 5, 50), cutoff=0.4)
        candidates = [(0.0, i) for norm in near for i in by_norm[norm]]
    candidates.sort(key=lambda c: -c[0])
    shortlist = candidates[: max(limit * 5, 50)]
    ranked: list[tuple[float, str, str]] = []
    for ov, i in shortlist:
        entry = index.agencies[i]
        sim = difflib.SequenceMatcher(None, query, entry.norm).ratio()
        score = round(0.75 * ov + 0.25 * sim, 4)
        if score > 0.2:
            ranked.append((score, entry.state, entry.name))
    ranked.sort(key=lambda r: (-r[0], r[1], r[2].casefold()))
    return ranked[:limit]


# ---- summaries ----------------------------------------------------------------


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
