"""The named matching rules tried when ICE's and the FBI's names do not fold to the same words.

Each rule is safe and explainable: it returns a match only when the names (and ICE's county)
leave one candidate, and says in ``Match.how`` which rule matched, so a reader can check it.
"""

from __future__ import annotations

import msgspec

from agencyref.roster.places.lee import LeeAgency
from agencyref.roster.places.match import COLLEGE, LOCAL, Key, LeeIndex, Match, Query, _choose, lee_role
from agencyref.roster.places.names import (
    COUNTY_WORDS,
    college_of_board,
    county_core,
    county_qualified,
    fold,
    kinds_agree,
    loose,
    name_parts,
    one_word_typo,
    state_agency_levels,
    strip_state,
    words,
)


def county_words(county: str) -> tuple[str, ...]:
    """``"Luzerne County"`` → ``("luzerne",)``."""
    return tuple(w for w in words(county) if w not in COUNTY_WORDS)


# ---- the rules beyond the same words ------------------------------------------------------------------


class RuleIndex:
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


def first_rule(idx: LeeIndex, q: Query, by_name: Match) -> Match | None:
    """The first rule that finds a record; else the first reason a rule gave; else None."""
    refused: Match | None = None
    rules = (*_RULES, _typo) if by_name.reason == "no FBI agency of that name in the state" else _RULES
    for rule in rules:
        m = rule(idx, q)
        if m is not None and m.found:
            return m
        refused = refused or m
    return refused
