"""Match one agency on ICE's list to its FBI LEE record: state, then role and type, then the name.

A match is kept only when the two names fold to the same words (see :mod:`.names`) and nothing
else in the state does; where ICE gives a county, the FBI record must lie in it. Everything else
is reported as unmatched with the reason, and the agency keeps ICE's county.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from agencyref.roster.places.lee import LeeAgency
from agencyref.roster.places.names import county_core, kinds_agree, loose, role_core, without_state, words

Key = tuple[str, str, tuple[str, ...]]  # state, role, core words

# FBI agency types preferred for each ICE agency type (others are used only when none of these match).
PREFERRED = {
    "county": ("County",),
    "municipal": ("City",),
    "state": ("State Police", "Other State Agency", "University or College"),
}
LOCAL = frozenset({"City", "County"})


def lee_role(a: LeeAgency) -> tuple[str, tuple[str, ...]]:
    """The FBI's bare names take their role from the type: ``Pinellas`` (County) is the sheriff."""
    role, core = role_core(a.name)
    if not role:
        role = {"County": "sheriff", "City": "police", "University or College": "police"}.get(a.type, "")
    return role, core


class Match(msgspec.Struct, frozen=True):
    """The FBI record(s) an agency matched, how, or why none did."""

    lee: tuple[LeeAgency, ...] = ()
    how: str = ""  # name | name without state | loose name, same county | same name, several units
    reason: str = ""  # why there is no match
    note: str = ""  # a disagreement worth showing (ICE's county cell against the FBI's)

    @property
    def found(self) -> bool:
        return bool(self.lee)


class LeeIndex:
    """LEE rows by (state, role, core), also by core without a leading state name; and by loose core."""

    def __init__(self, rows: Iterable[LeeAgency]) -> None:
        self.rows = list(rows)
        self.exact: dict[Key, list[LeeAgency]] = {}
        self.loose: dict[Key, list[tuple[str | None, LeeAgency]]] = {}
        self.counties: dict[str, set[str]] = {}  # state -> county cores (upper case)
        for a in self.rows:
            self.counties.setdefault(a.state, set()).update(county_core(c).upper() for c in a.counties)
            role, core = lee_role(a)
            if not core:
                continue
            self.exact.setdefault((a.state, role, core), []).append(a)
            stripped = without_state(a.state, core)
            if stripped:
                self.exact.setdefault((a.state, role, stripped), []).append(a)
            kind, base = loose(core)
            self.loose.setdefault((a.state, role, base), []).append((kind, a))

    def match(self, state: str, name: str, agency_type: str, county: str = "") -> Match:
        role, core = role_core(name)
        if role == "police" and without_state(state, (*core, "x")) == ("x",):
            role, core = "", words(name)  # "Oklahoma Department of Public Safety" is a state agency, not a city's
        if not core:
            return Match(reason="no name")
        tries = [("name", core)]
        stripped = without_state(state, core)
        if stripped:
            tries.append(("name without state", stripped))
        for how, key in tries:
            found = list(dict.fromkeys(self.exact.get((state, role, key), [])))
            if found:
                return self._settle(found, how, role, agency_type, county, state)
        kind, base = loose(core)
        found = [a for k, a in self.loose.get((state, role, base), []) if kinds_agree(kind, k)]
        if not found:
            return Match(reason="no FBI agency of that name in the state")
        if not county and len(self.loose[(state, role, base)]) > 1:
            return Match(reason=f"only a looser name fits ({found[0].name}) and ICE gives no county to confirm it")
        return self._settle(list(dict.fromkeys(found)), "loose name, same county", role, agency_type, county, state)

    def _settle(self, found: list[LeeAgency], how: str, role: str, agency_type: str, county: str, state: str) -> Match:
        known = county_core(county).upper() in self.counties.get(state, set()) if county else False
        # A sheriff's name names its county; and ICE's county cell has typos ("Flager County").
        trust_name = role == "sheriff" or (how == "name" and county and not known)
        result = _choose(found, role, agency_type, county if (known or not trust_name) else "")
        if not result.found and trust_name and county and result.reason.startswith("ICE says"):
            result = _choose(found, role, agency_type, "")
        if result.found:
            note = ""
            if county and not any(
                county_core(county).upper() == county_core(c).upper() for a in result.lee for c in a.counties
            ):
                note = f"ICE's county cell says {county!r}; the FBI places it in {', '.join(result.lee[0].counties) or '?'}"
            return Match(result.lee, how if len(result.lee) == 1 else "same name, several units", note=note)
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
    if len(names) == 1 and not any(a.type in LOCAL for a in candidates) and role != "sheriff":
        # One state agency or college reporting as several units (offices, campuses).
        return Match(tuple(sorted(candidates, key=lambda a: a.ori)))
    listed = "; ".join(f"{a.name} ({a.ori}, {a.type}, {', '.join(a.counties) or '?'})" for a in candidates[:4])
    return Match(reason=f"several FBI agencies fit: {listed}")
