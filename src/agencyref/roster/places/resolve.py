"""Turn what a user typed into one place: a state, a county, a city, or an agency on ICE's list.

Only exact names answer (after folding case, punctuation, apostrophes and the usual variants, see
:mod:`.names`); an agency key always answers. Anything else raises :class:`NotFoundError` with the
closest names of the kind asked for (states first when the text looks like a state), or
:class:`AmbiguousNameError` listing inputs that would each answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import msgspec

from agencyref.errors import AmbiguousNameError, NotFoundError
from agencyref.roster.places.names import COUNTY_WORDS, agency_key, county_core, fold, role_core, words
from agencyref.roster.places.store import AgencyPlace, Placement
from agencyref.usps import STATE_NAMES, state_code

MAX_TEXT = 200


class Place(msgspec.Struct, frozen=True):
    kind: Literal["state", "county", "city", "agency"]
    state: str
    name: str  # state code, "Pinellas County", "St. Petersburg", or the agency as ICE lists it
    key: str = ""  # agency key

    @property
    def label(self) -> str:
        """How to type it back: ``Pinellas County, FL``, ``St. Petersburg, FL``, ``fl/...``, ``FL``."""
        if self.kind == "agency":
            return self.key
        return self.state if self.kind == "state" else f"{self.name}, {self.state}"


class _KeyedByState(Mapping[str, dict[str, str]]):
    """Agency names by state, keyed on first use: a lookup in Florida never folds Texas's names."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self._names = names
        self._keyed: dict[str, dict[str, str]] = {}

    def __getitem__(self, state: str) -> dict[str, str]:
        if state not in self._keyed:
            keyed: dict[str, str] = {}
            for name in self._names[state]:
                keyed.setdefault(agency_key(state, name), name)
            self._keyed[state] = keyed
        return self._keyed[state]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Places:
    """Roster agencies (by state) and the placement file's counties and cities, for lookups."""

    def __init__(self, agencies: Iterable[tuple[str, str]], placement: Placement) -> None:
        self.placement = placement
        names: dict[str, list[str]] = {}
        for state, name in agencies:
            names.setdefault(state, []).append(name)
        # state -> key -> name as listed (first spelling); keys made per state when first asked for
        self.agencies = _KeyedByState(names)

    def states(self) -> list[str]:
        return sorted(set(self.agencies) | set(self.placement.state_codes))

    def agency_place(self, key: str) -> AgencyPlace | None:
        return self.placement.agency(key)

    # ---- exact lookups ----------------------------------------------------------

    def exact(self, text: str, state: str) -> list[Place]:
        """Every place in ``state`` that ``text`` names exactly."""
        role, core = role_core(text)
        folded = " ".join(words(text))
        out: list[Place] = []
        for key, name in self.agencies.get(state, {}).items():
            if " ".join(words(name)) == folded or (role and role_core(name) == (role, core)):
                out.append(Place("agency", state, name, key))
        if out or role:
            return out
        has_county_word = any(w in COUNTY_WORDS for w in folded.split())
        want = county_core(text)
        places = self.placement.places(state)
        counties = [c for c in places.counties if county_core(c) == want]
        out += [Place("county", state, c) for c in counties]
        if not has_county_word:
            out += [Place("city", state, c) for c in places.cities if " ".join(words(c)) == folded]
        return out

    def agency_by_key(self, key: str) -> Place | None:
        state = key.partition("/")[0].upper()
        name = self.agencies.get(state, {}).get(key)
        return Place("agency", state, name, key) if name else None

    # ---- suggestions ------------------------------------------------------------

    def suggest(self, text: str, state: str | None = None, limit: int = 6) -> list[str]:
        """Closest names of the kind typed: states first for state-like text, then counties, cities, agencies."""
        folded = fold(text[:MAX_TEXT])
        if not folded:
            return []
        out = [f"{code} ({STATE_NAMES[code]})" for code in state_like(folded)] if state is None else []
        scope = [state] if state else self.states()
        role, _ = role_core(text)
        want = county_core(text)
        county_names: dict[str, list[str]] = {}
        city_names: dict[str, list[str]] = {}
        agency_names: dict[str, list[str]] = {}
        for s in scope:
            p = self.placement.places(s)
            for c in p.counties:
                county_names.setdefault(county_core(c), []).append(f"{c}, {s}")
            for c in p.cities:
                city_names.setdefault(" ".join(words(c)), []).append(f"{c}, {s}")
            for key, name in self.agencies.get(s, {}).items():
                agency_names.setdefault(" ".join(words(name)), []).append(key)
        found: list[str] = []
        if not role and want:
            found += _near(want, county_names, 0.8)
            found += _near(" ".join(words(text)), city_names, 0.85)
        found += _near(" ".join(words(text)), agency_names, 0.75)
        if role:  # "pinelas sheriff": the place words alone, against the agencies of that role
            found += [
                key
                for s in scope
                for key, name in self.agencies.get(s, {}).items()
                if role_core(name)[0] == role and _close(role_core(text)[1], role_core(name)[1])
            ]
        for item in found:
            if item not in out:
                out.append(item)
        return out[:limit]


def _near(text: str, table: dict[str, list[str]], cutoff: float) -> list[str]:
    import difflib  # only for near misses: it costs start-up time

    if not text:
        return []
    return [label for m in difflib.get_close_matches(text, list(table), n=4, cutoff=cutoff) for label in table[m]]


def _close(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    import difflib  # only for near misses: it costs start-up time

    return bool(a) and difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.8


_STATE_FOLDED = {code: fold(name) for code, name in STATE_NAMES.items()}


def state_like(folded: str) -> list[str]:
    """State codes that ``folded`` text looks like: a misspelt name (``florda``, ``texs``), the start of
    one (``tex``), or one word of one (``carolina``). Two-letter codes count only when typed as such."""
    import difflib  # only for near misses: it costs start-up time

    out: list[tuple[float, str]] = []
    for code, name in _STATE_FOLDED.items():
        ratio = difflib.SequenceMatcher(None, folded, name).ratio()
        partial = len(folded) >= 3 and (name.startswith(folded) or f" {folded}" in f" {name} ")
        if ratio >= 0.75 or partial:
            out.append((max(ratio, 0.8 if partial else 0.0), code))
    out.sort(key=lambda x: (-x[0], x[1]))
    return [code for _, code in out]


def split_state(text: str) -> list[tuple[str, str]]:
    """Readings of ``text`` as (place, state code): ``"Harris County, TX"``, ``"Harris County Texas"``."""
    readings: list[tuple[str, str]] = []
    if "," in text:
        head, _, tail = text.rpartition(",")
        code = state_code(tail.strip())
        if code:
            readings.append((head.strip(), code))
    parts = text.replace(",", " ").split()
    for cut in range(len(parts) - 1, max(len(parts) - 5, 0), -1):
        code = state_code(" ".join(parts[cut:]))
        if code:
            readings.append((" ".join(parts[:cut]), code))
    return readings


def resolve(places: Places, text: str) -> Place:
    """The one place ``text`` names; see the module docstring for what counts as a name."""
    import difflib  # only for near misses: it costs start-up time

    raw = " ".join(text[:MAX_TEXT].split())
    if not raw:
        raise NotFoundError("place", text)
    if "/" in raw:  # only agency keys have a slash
        found = places.agency_by_key(raw.casefold())
        if found:
            return found
        state, _, rest = raw.casefold().partition("/")
        keys = list(places.agencies.get(state.upper(), {}))
        near = difflib.get_close_matches(raw.casefold(), keys, n=5, cutoff=0.6) if rest else []
        raise NotFoundError("agency with key", raw, near or [k for k in keys if k.startswith(raw.casefold())][:5])
    whole = state_code(raw)
    if whole:
        return Place("state", whole, whole)
    for head, code in split_state(raw):
        if not head:
            continue
        hits = places.exact(head, code)
        if hits:
            return _one(raw, hits)
        raise NotFoundError(f"place in {code}", raw, places.suggest(head, code))
    folded = fold(raw)
    hits = [p for s in places.states() for p in places.exact(raw, s)]
    # "carolina", "dakota", "tex": whatever else they name, the asker more likely meant a state.
    looks_like_state = bool(state_like(folded)) and (len(folded) <= 3 or folded in _PARTIAL_STATE_WORDS)
    if hits and not looks_like_state:
        return _one(raw, hits)
    suggestions = places.suggest(raw)
    suggestions[len(state_like(folded)) : len(state_like(folded))] = [p.label for p in hits[:4]]
    raise NotFoundError("state, county, city or agency", raw, list(dict.fromkeys(suggestions))[:8])


# Words that name no state alone but appear in state names: "carolina" could be either Carolina.
_PARTIAL_STATE_WORDS = frozenset(
    w for name in _STATE_FOLDED.values() for w in name.split() if w not in _STATE_FOLDED.values()
) - frozenset({"of", "islands"})


def _one(raw: str, hits: list[Place]) -> Place:
    if len(hits) == 1:
        return hits[0]
    # An agency beats the county or city it is named after only when the text named its role.
    raise AmbiguousNameError("place", raw, [f"{p.label} ({p.kind})" for p in hits[:12]])
