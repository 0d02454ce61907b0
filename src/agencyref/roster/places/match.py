"""Match one agency on ICE's list to its FBI LEE record: state, then role and type, then the name.

A match is kept only when the two names can be checked side by side: they fold to the same words
(see :mod:`.names`) and nothing else in the state does, or one of the narrow rules below says exactly
how they differ, and the match's ``how`` says which. Where ICE gives a county, the FBI record must lie
in it. Everything else is reported as unmatched with the reason, and the agency keeps ICE's county.

The rules, tried in this order only when the names alone find nothing (one function each, below):
"Police" dropped by the FBI (airports, port authorities); a town marshal's office ↔ the town's record;
spacing (``LaSalle`` = ``La Salle``); the FBI's ``Jackson Township, Luzerne County``; ICE's ``Mahanoy
City Borough`` = the FBI's ``Mahanoy City``; a sheriff whose county's only FBI record names the county;
"Office" dropped by the FBI; a one-word typo in the same county; and for state agencies: a university's
board of trustees, a department's named division, the words "Department/Division/Office" or "State"
dropped, "<State> Department of Public Safety" ↔ the state's only State Police record, and the FBI's
name being ICE's cut before "and". Agencies of a kind the FBI's table does not list in the state
(National Guards, constables, jails, boards …) are reported as "not an FBI-reporting agency".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import msgspec

from agencyref.roster.places.lee import LeeAgency
from agencyref.roster.places.names import (
    body_kind,
    county_core,
    kinds_agree,
    loose,
    role_core,
    role_typos,
    strip_state,
    without_state,
    words,
)

Key = tuple[str, str, tuple[str, ...]]  # state, role, core words
_NUMBERED = re.compile(r"\d|\b(?:precinct|pct|district)\b", re.I)

# FBI agency types preferred for each ICE agency type (others are used only when none of these match).
PREFERRED = {
    "county": ("County",),
    "municipal": ("City",),
    "state": ("State Police", "Other State Agency", "University or College"),
}
LOCAL = frozenset({"City", "County"})
COLLEGE = "University or College"
# Types whose namesakes are one body reporting as several units; two "Calhoun County Constable" are two.
STATE_LEVEL = frozenset({"State Police", "Other State Agency", COLLEGE})
NOT_LISTED = "not an FBI-reporting agency"  # how an unmatched reason starts when LEE lists no such body
_COUNTY_SUFFIX = re.compile(r"^(.*\S)\s+-\s+([A-Za-z .']+)$")  # "Mahoning TWP Police Department - Montour"


def lee_role(a: LeeAgency) -> tuple[str, tuple[str, ...]]:
    """The FBI's bare names take their role from the type: ``Pinellas`` (County) is the sheriff."""
    role, core = role_core(a.name)
    if not role:
        role = {"County": "sheriff", "City": "police", "University or College": "police"}.get(a.type, "")
    return role, core


class Match(msgspec.Struct, frozen=True):
    """The FBI record(s) an agency matched, how, or why none did."""

    lee: tuple[LeeAgency, ...] = ()
    how: str = ""  # name | name without state | loose name, same county | … (one phrase per rule)
    reason: str = ""  # why there is no match
    note: str = ""  # a disagreement worth showing (ICE's county cell against the FBI's)
    kind: str = ""  # the kind of body, when the FBI's table lists none of that kind in the state

    @property
    def found(self) -> bool:
        return bool(self.lee)


class Query(msgspec.Struct, frozen=True):
    """One ICE agency as the rules see it (a county written as a name suffix is moved to ``county``)."""

    state: str
    name: str
    agency_type: str
    county: str
    role: str
    core: tuple[str, ...]
    suffix: str = ""  # "Montour", when ICE wrote "… - Montour"


class LeeIndex:
    """LEE rows by (state, role, core), also by core without a leading state name; and by loose core.
    Further indexes serve the rules in :mod:`.rules`."""

    def __init__(self, rows: Iterable[LeeAgency]) -> None:
        self.rows = list(rows)
        self.exact: dict[Key, list[LeeAgency]] = {}
        self.loose: dict[Key, list[tuple[str | None, LeeAgency]]] = {}
        self.counties: dict[str, set[str]] = {}  # state -> county cores (upper case)
        self.kinds: dict[str, set[str]] = {}  # state -> kinds of body the FBI lists there
        for a in self.rows:
            self.counties.setdefault(a.state, set()).update(county_core(c).upper() for c in a.counties)
            kind = body_kind(a.name, a.type not in LOCAL and a.type != "Other")
            if kind:
                self.kinds.setdefault(a.state, set()).add(kind)
            role, core = lee_role(a)
            if not core:
                continue
            self.exact.setdefault((a.state, role, core), []).append(a)
            stripped = without_state(a.state, core)
            if stripped:
                self.exact.setdefault((a.state, role, stripped), []).append(a)
            kind_word, base = loose(core)
            self.loose.setdefault((a.state, role, base), []).append((kind_word, a))
        from agencyref.roster.places.rules import RuleIndex

        self.more = RuleIndex(self)

    def match(self, state: str, name: str, agency_type: str, county: str = "") -> Match:
        q = self.query(state, name, agency_type, county)
        m = self._by_name(q)
        if not m.found:
            from agencyref.roster.places.rules import first_rule

            m = first_rule(self, q, m) or _explain(self, q, m)
        if m.found:
            extra = [f"ICE's {w!r} read as 'Department'" for w in role_typos(name)]
            if q.suffix:
                extra.append(f"ICE's '- {q.suffix}' read as the county")
            if extra:
                m = msgspec.structs.replace(m, how=f"{m.how} ({'; '.join(extra)})")
        return m

    def query(self, state: str, name: str, agency_type: str, county: str) -> Query:
        suffix = ""
        parts = _COUNTY_SUFFIX.match(name)
        if parts and agency_type != "state":
            tail = county_core(parts[2]).upper()
            if tail in self.counties.get(state, set()) and (not county or county_core(county).upper() == tail):
                name, suffix, county = parts[1], parts[2].strip(), county or parts[2].strip()
        role, core = role_core(name)
        if role == "police" and without_state(state, (*core, "x")) == ("x",):
            role, core = "", words(name)  # "Oklahoma Department of Public Safety" is a state agency, not a city's
        return Query(state, name, agency_type, county, role, core, suffix)

    def _by_name(self, q: Query) -> Match:
        state, role, core = q.state, q.role, q.core
        if not core:
            return Match(reason="no name")
        tries = [("name", core)]
        stripped = without_state(state, core)
        if stripped:
            tries.append(("name without state", stripped))
        for how, key in tries:
            found = list(dict.fromkeys(self.exact.get((state, role, key), [])))
            if found:
                return self.settle(found, how, role, q.agency_type, q.county, state)
        kind, base = loose(core)
        found = [a for k, a in self.loose.get((state, role, base), []) if kinds_agree(kind, k)]
        if not found:
            return Match(reason="no FBI agency of that name in the state")
        if not q.county and len(self.loose[(state, role, base)]) > 1:
            return Match(reason=f"only a looser name fits ({found[0].name}) and ICE gives no county to confirm it")
        return self.settle(list(dict.fromkeys(found)), "loose name, same county", role, q.agency_type, q.county, state)

    def known_county(self, state: str, county: str) -> str:
        """ICE's county cell as the FBI writes it (``"PINELLAS"``), or ``""`` when the FBI has no such county."""
        core = county_core(county).upper() if county else ""
        return core if core and core in self.counties.get(state, set()) else ""

    def settle(self, found: list[LeeAgency], how: str, role: str, agency_type: str, county: str, state: str) -> Match:
        known = bool(self.known_county(state, county))
        # A sheriff's name names its county; and ICE's county cell has typos ("Flager County").
        trust_name = role == "sheriff" or (how == "name" and county and not known)
        result = _choose(found, role, agency_type, county if (known or not trust_name) else "")
        if not result.found and county and result.reason.startswith("ICE says"):
            statewide = agency_type == "state" and not any(a.type in LOCAL or a.type == COLLEGE for a in found)
            if trust_name or statewide:  # a state agency works across the state, wherever ICE's cell puts it
                result = _choose(found, role, agency_type, "")
        if result.found:
            note = ""
            if county and not any(
                county_core(county).upper() == county_core(c).upper() for a in result.lee for c in a.counties
            ):
                note = f"ICE's county cell says {county!r}; the FBI places it in {', '.join(result.lee[0].counties) or '?'}"
            if len(result.lee) > 1:
                how = "same name, several units" if how in ("name", "name without state") else f"{how}; several units"
            return Match(result.lee, how, note=note)
        return result


def _choose(found: list[LeeAgency], role: str, agency_type: str, county: str) -> Match:
    preferred = [a for a in found if a.type in PREFERRED.get(agency_type, ())]
    candidates = preferred or found
    want = county_core(county).upper() if county else ""
    if want and any(a.counties for a in candidates):
        inside = [a for a in candidates if any(county_core(c).upper() == want for c in a.counties)]
        if not inside:
            where = "; ".join(f"{a.name} ({a.ori}) in {', '.join(a.counties) or '?'}" for a in candidates[:3])
            return Match(reason=f"ICE says {county}, the FBI's namesake is elsewhere: {where}")
        candidates = inside
    if len(candidates) == 1:
        return Match((candidates[0],))
    names = {a.name.casefold() for a in candidates}
    if len(names) == 1 and all(a.type in STATE_LEVEL for a in candidates) and role != "sheriff":
        # One state agency or college reporting as several units (offices, campuses).
        return Match(tuple(sorted(candidates, key=lambda a: a.ori)))
    listed = "; ".join(f"{a.name} ({a.ori}, {a.type}, {', '.join(a.counties) or '?'})" for a in candidates[:4])
    return Match(reason=f"several FBI agencies fit: {listed}")


def _explain(idx: LeeIndex, q: Query, m: Match) -> Match:
    """The most useful reason for an agency left unmatched."""
    kind = body_kind(q.name, q.agency_type == "state")
    if kind and kind not in idx.kinds.get(q.state, set()):
        return Match(reason=f"{NOT_LISTED}: the FBI's LEE table lists no {kind} in {q.state}", kind=kind)
    county = idx.known_county(q.state, q.county)
    n = idx.more.constables.get((q.state, county), 0)
    if kind == "constable" and _NUMBERED.search(q.name):
        if not n:
            return Match(reason=f"the FBI lists constables in {q.state}, but none in {q.county or 'ICE’s county'}")
        return Match(
            reason=f"the FBI lists {n} constable record(s) in {q.county} without precinct numbers: which is this one cannot be read from the names"
        )
    parents = idx.more.parents.get((q.state, strip_state(q.state, words(q.name))))
    if q.agency_type == "state" and parents:
        return Match(reason=f"the FBI lists only a unit of it ({parents[0].name!r}), not the whole agency")
    return m
