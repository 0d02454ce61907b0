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
    COUNTY_WORDS,
    body_kind,
    college_of_board,
    county_core,
    county_qualified,
    fold,
    kinds_agree,
    loose,
    name_parts,
    one_word_typo,
    role_core,
    role_typos,
    state_agency_levels,
    strip_state,
    without_state,
    words,
)

Key = tuple[str, str, tuple[str, ...]]  # state, role, core words

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
        self.more = _RuleIndex(self)

    def match(self, state: str, name: str, agency_type: str, county: str = "") -> Match:
        q = self.query(state, name, agency_type, county)
        m = self._by_name(q)
        if not m.found:
            m = _first_rule(self, q, m) or _explain(self, q, m)
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


def county_words(county: str) -> tuple[str, ...]:
    """``"Luzerne County"`` → ``("luzerne",)``."""
    return tuple(w for w in words(county) if w not in COUNTY_WORDS)


# ---- the rules beyond the same words ------------------------------------------------------------------

_NUMBERED = re.compile(r"\d|\b(?:precinct|pct|district)\b", re.I)


class _RuleIndex:
    """The further indexes the rules read, built once from the LEE rows."""

    def __init__(self, idx: LeeIndex) -> None:
        self.plain: dict[tuple[str, tuple[str, ...]], list[LeeAgency]] = {}  # role-less, not city or county
        self.nospace: dict[tuple[str, str, str], list[LeeAgency]] = {}
        self.qualified: dict[Key, list[tuple[str, LeeAgency]]] = {}  # "Jackson Township, Luzerne County"
        self.county_records: dict[tuple[str, str], list[LeeAgency]] = {}  # County-type, not a police dept
        self.by_role: dict[tuple[str, str], list[tuple[tuple[str, ...], LeeAgency]]] = {}
        self.state_level: dict[tuple[str, tuple[str, ...]], list[tuple[str, str, LeeAgency]]] = {}
        self.parents: dict[tuple[str, tuple[str, ...]], list[LeeAgency]] = {}  # "Department of Corrections, …"
        self.state_police: dict[str, list[LeeAgency]] = {}
        self.colleges: dict[tuple[str, tuple[str, ...]], list[LeeAgency]] = {}
        self.constables: dict[tuple[str, str], int] = {}
        for a in idx.rows:
            role, core = lee_role(a)
            st, one_county = a.state, county_core(a.counties[0]).upper() if len(a.counties) == 1 else ""
            if not core:
                continue
            if not role and a.type not in LOCAL:
                self.plain.setdefault((st, core), []).append(a)
            self.nospace.setdefault((st, role, "".join(core)), []).append(a)
            qualified = county_qualified(core, idx.counties.get(st, set()))
            if qualified:
                self.qualified.setdefault((st, role, qualified[0]), []).append((qualified[1], a))
            if a.type == "County" and role != "police" and one_county:
                self.county_records.setdefault((st, one_county), []).append(a)
            self.by_role.setdefault((st, role), []).append((core, a))
            if "constable" in core and one_county:
                self.constables[(st, one_county)] = self.constables.get((st, one_county), 0) + 1
            if a.type == COLLEGE:
                self.colleges.setdefault((st, words(a.name)), []).append(a)
            if a.type == "State Police":
                self.state_police.setdefault(st, []).append(a)
            if a.type in LOCAL or a.type == COLLEGE:  # "State" may tell two universities apart
                continue
            parts = [p for p in a.name.split(",") if p.strip()]
            variants = [("", strip_state(st, words(a.name)))]
            if len(parts) > 1:
                first, last = strip_state(st, words(parts[0])), strip_state(st, words(parts[-1]))
                if len(last) >= 3:  # "…, Office of Agricultural Law Enforcement"
                    variants.append((a.name, last))
                if len(first) >= 2:
                    self.parents.setdefault((st, first), []).append(a)
            for unit_of, key in variants:
                for but, less in state_agency_levels(key):
                    self.state_level.setdefault((st, less), []).append((unit_of, but, a))


def _police_dropped(idx: LeeIndex, q: Query) -> Match | None:
    rows = idx.more.plain.get((q.state, q.core)) if q.role == "police" else None
    if not rows:
        return None
    return idx.settle(rows, "same name but for ICE's 'Police (Department)'", "", q.agency_type, q.county, q.state)


def _town_marshal(idx: LeeIndex, q: Query) -> Match | None:
    if q.role != "marshal":
        return None
    kind, base = loose(q.core)
    rows = idx.exact.get((q.state, "police", q.core), []) + [
        a for k, a in idx.loose.get((q.state, "police", base), []) if kinds_agree(kind, k)
    ]
    towns = list(dict.fromkeys(a for a in rows if a.type == "City"))
    if not towns:
        return None
    if not idx.known_county(q.state, q.county):
        return Match(
            reason=f"a marshal's office is read as the town's police ({towns[0].name}) only in ICE's county, and ICE gives none"
        )
    m = _choose(towns, "police", "municipal", q.county)
    how = "a town marshal's office = the town's police record (the FBI's City of that name), in ICE's county"
    return msgspec.structs.replace(m, how=how) if m.found else m


def _spacing(idx: LeeIndex, q: Query) -> Match | None:
    rows = [a for a in idx.more.nospace.get((q.state, q.role, "".join(q.core)), []) if lee_role(a)[1] != q.core]
    if not rows:
        return None
    return idx.settle(rows, "same name but for spacing", q.role, q.agency_type, q.county, q.state)


def _county_in_name(idx: LeeIndex, q: Query) -> Match | None:
    entries = idx.more.qualified.get((q.state, q.role, q.core))
    if not entries:
        return None
    want = idx.known_county(q.state, q.county)
    inside = [a for c, a in entries if c == want]
    if not want or len(inside) != 1:
        listed = "; ".join(a.name for _, a in entries[:4])
        return Match(reason=f"the FBI names several by county ({listed}) and ICE's county picks none")
    how = f"the FBI adds the county to the name ({inside[0].name!r}), and ICE's county agrees"
    return Match((inside[0],), how)


def _kind_word_added(idx: LeeIndex, q: Query) -> Match | None:
    kind, base = loose(q.core)
    if kind not in ("borough", "town", "village") or len(base) < 2 or not idx.known_county(q.state, q.county):
        return None
    rows = idx.exact.get((q.state, q.role, base))
    m = _choose(rows, q.role, q.agency_type, q.county) if rows else None
    if m is None or not m.found:
        return m
    return msgspec.structs.replace(
        m, how=f"the FBI names the {kind} {m.lee[0].name!r} (ICE adds {kind!r}), in ICE's county"
    )


def _sheriff_of_county(idx: LeeIndex, q: Query) -> Match | None:
    want = idx.known_county(q.state, q.county) if q.role == "sheriff" else ""
    named = tuple(want.lower().split())
    if not want or q.core[-len(named) :] != named:
        return None
    rows = [a for a in idx.more.county_records.get((q.state, want), []) if set(named) <= set(words(a.name))]
    if len(rows) != 1:
        return None
    how = f"the sheriff of {q.county}: the FBI's only county record there names the county ({rows[0].name!r})"
    return Match((rows[0],), how)


def _office_dropped(idx: LeeIndex, q: Query) -> Match | None:
    if len(q.core) < 2 or q.core[-1] != "office" or not (rows := idx.exact.get((q.state, q.role, q.core[:-1]))):
        return None
    return idx.settle(rows, "same name but for ICE's 'Office'", q.role, q.agency_type, q.county, q.state)


def _typo(idx: LeeIndex, q: Query) -> Match | None:
    """One distinctive word misspelt ("Berrian" for "Berrien"), with the county agreeing."""
    if q.role not in ("sheriff", "police") or not q.county:
        return None
    near = []
    for core, a in idx.more.by_role.get((q.state, q.role), []):
        t = one_word_typo(q.core, core)
        if t and (a.type == "County" if q.role == "sheriff" else a.type in LOCAL):
            near.append((t, a))
    if len(near) != 1:
        return None
    (x, y, d), a = near[0]
    ice_county = county_words(q.county)
    # A sheriff's county cell may carry the name's typo ("Berrian County"); a town's county must be exact.
    agrees = any(
        ice_county == (fbi := tuple(county_core(c).lower().split()))
        or (q.role == "sheriff" and one_word_typo(ice_county, fbi))
        for c in a.counties
    )
    if not agrees:
        return None
    letters = f"{d} letter{'s' if d > 1 else ''}"
    how = f"typo: ICE {x!r}, the FBI {y!r} ({letters}); the only near name in the state, and ICE's county agrees"
    return Match((a,), how)


def _board_of_trustees(idx: LeeIndex, q: Query) -> Match | None:
    college = college_of_board(q.name)
    rows = idx.more.colleges.get((q.state, words(college))) if college else None
    if not rows:
        return None
    m = _choose(rows, "police", "state", q.county)
    how = f"the board of trustees of {college} = the college's own record ({rows[0].name!r})"
    return msgspec.structs.replace(m, how=how) if m.found else m


def _state_agency(idx: LeeIndex, q: Query) -> Match | None:
    if q.agency_type != "state" or {"university", "college"} & set(q.core):
        return None
    parts = name_parts(q.name)
    variants = [("the name", q.name)]
    if len(parts) > 1:
        variants += [(f"the division ICE names ({p!r})", p) for p in parts[1:]]
        variants.append((f"its department ({parts[0]!r}, which the FBI lists whole)", parts[0]))
    for said, text in variants:
        key = strip_state(q.state, words(text))
        for but, less in state_agency_levels(key) if len(key) >= 2 else ():
            rows = idx.more.state_level.get((q.state, less))
            if not rows:
                continue
            m = _choose(list(dict.fromkeys(a for _, _, a in rows)), "", "state", "")
            if not m.found:
                return m
            unit_of, fbi_but = rows[0][0], rows[0][1]
            fbi = f"the unit the FBI names in {unit_of!r}" if unit_of else f"the FBI's {m.lee[0].name!r}"
            buts = " and".join(dict.fromkeys(b for b in (but, fbi_but) if b))
            how = f"state agency: {said} has the same words as {fbi}{buts}"
            return Match(m.lee, how + ("; several units" if len(m.lee) > 1 else ""))
    return _public_safety(idx, q) or _cut_before_and(idx, q)


def _public_safety(idx: LeeIndex, q: Query) -> Match | None:
    """ "<State> Department of Public Safety" = the state's one State Police agency (its patrol)."""
    rows = idx.more.state_police.get(q.state, [])
    groups = {tuple(w for w in strip_state(q.state, words(a.name)) if w != "headquarters") for a in rows}
    if strip_state(q.state, words(q.name)) != ("department", "public", "safety") or len(groups) != 1:
        return None
    names = " / ".join(dict.fromkeys(a.name for a in rows))
    how = f"the state's Department of Public Safety = its only State Police agency in the FBI's table ({names})"
    return Match(tuple(sorted(rows, key=lambda a: a.ori)), how)


def _cut_before_and(idx: LeeIndex, q: Query) -> Match | None:
    """Tennessee's "Department of Safety and Homeland Security" is the FBI's "Department of Safety"."""
    text = fold(q.name)
    if " and " not in text:
        return None
    before = strip_state(q.state, words(text.split(" and ")[0]))
    rows = [a for a in idx.more.state_police.get(q.state, []) if strip_state(q.state, words(a.name)) == before]
    if len(before) < 2 or not rows:
        return None
    m = _choose(rows, "", "state", "")
    how = f"state agency: the FBI's {rows[0].name!r} is ICE's name cut before 'and'"
    return msgspec.structs.replace(m, how=how) if m.found else m


_RULES = (
    _police_dropped,
    _town_marshal,
    _spacing,
    _county_in_name,
    _kind_word_added,
    _sheriff_of_county,
    _office_dropped,
    _board_of_trustees,
    _state_agency,
)


def _first_rule(idx: LeeIndex, q: Query, by_name: Match) -> Match | None:
    """The first rule that finds a record; else the first reason a rule gave; else None."""
    refused: Match | None = None
    rules = (*_RULES, _typo) if by_name.reason == "no FBI agency of that name in the state" else _RULES
    for rule in rules:
        m = rule(idx, q)
        if m is not None and m.found:
            return m
        refused = refused or m
    return refused


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
