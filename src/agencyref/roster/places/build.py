"""Build the placement file from a roster and the FBI's LEE table.

    python -m agencyref.roster.places.build data/roster-287g.json fbi_lee_latest.csv -o data/places-287g.json

Re-run it whenever the roster is refreshed. It prints the match rate and every agency left
unmatched, with the reason, on stderr. (A developer tool, like the importer: it reads its own
arguments because it is run with ``python -m``, never by the ``agencyref`` command.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from agencyref.atomic import write_text_atomic
from agencyref.roster.model import Agreement
from agencyref.roster.places.lee import LeeAgency, read_lee
from agencyref.roster.places.match import NOT_LISTED, LeeIndex, Match, lee_role
from agencyref.roster.places.names import agency_key, county_core, county_label, fold, title_case
from agencyref.roster.places.store import SCHEMA_VERSION, AgencyPlace, StatePlaces
from agencyref.usps import STATE_NAMES


class Built(msgspec.Struct):
    places: dict[str, dict[str, AgencyPlace]]  # state -> key -> placement
    states: dict[str, StatePlaces]
    summary: dict[str, Any]
    unmatched: list[AgencyPlace]


def county_labels(rows: Iterable[LeeAgency]) -> dict[str, dict[str, str]]:
    """state -> county core (upper) -> label, spelled as the FBI names the county's own agency
    (``Miami-Dade``, ``DeSoto``) where there is one, else from the upper-case county name."""
    labels: dict[str, dict[str, str]] = {}
    own: dict[tuple[str, str], str] = {}
    for a in rows:
        role, words = lee_role(a)
        if a.type == "County" and role == "sheriff":
            own.setdefault((a.state, " ".join(words).upper()), a.name)
        for c in a.counties:
            labels.setdefault(a.state, {}).setdefault(county_core(c).upper(), c)
    out: dict[str, dict[str, str]] = {}
    for state, cores in labels.items():
        out[state] = {}
        for core, upper in cores.items():
            found = own.get((state, core))
            name = found if found is not None and county_core(found).upper() == core else title_case(upper)
            out[state][core] = county_label(state, name)
    return out


def state_places(rows: list[LeeAgency], labels: dict[str, dict[str, str]]) -> dict[str, StatePlaces]:
    out: dict[str, StatePlaces] = {}
    for state in sorted(s for s in labels if s in STATE_NAMES):
        counties = sorted(set(labels[state].values()), key=str.casefold)
        index = {c: i for i, c in enumerate(counties)}
        cities: dict[str, set[int]] = {}
        for a in rows:
            if a.state == state and a.type == "City" and a.name:
                where = cities.setdefault(a.name, set())
                where.update(index[labels[state][county_core(c).upper()]] for c in a.counties)
        out[state] = StatePlaces(
            counties, {c: sorted(v) for c, v in sorted(cities.items(), key=lambda kv: kv[0].casefold())}
        )
    return out


def place(a: Agreement, m: Match, labels: dict[str, str]) -> AgencyPlace:
    statewide = a.agency_type == "state" and not any(x.type == "University or College" for x in m.lee)
    ice_county = labels.get(county_core(a.county).upper(), a.county) if a.county else ""
    base: dict[str, Any] = {"name": a.agency, "state": a.state, "statewide": statewide}
    if not m.found:
        counties = [ice_county] if ice_county and not statewide else []
        return AgencyPlace(**base, counties=counties, county_from="ice" if counties else "", unmatched=m.reason)
    first = m.lee[0]
    counties = (
        []
        if statewide
        else list(dict.fromkeys(labels.get(county_core(c).upper(), c) for x in m.lee for c in x.counties))
    )
    return AgencyPlace(
        **base,
        counties=counties,
        county_from="fbi" if counties else "",
        ori=first.ori,
        units=len(m.lee) if len(m.lee) > 1 else 0,
        fbi_name=first.name,
        fbi_type=first.type,
        fbi_year=max(x.year or 0 for x in m.lee),
        population=_total(x.population for x in m.lee),
        officers=_total(x.officers for x in m.lee),
        civilians=_total(x.civilians for x in m.lee),
        how=m.how,
        note=m.note,
    )


def _total(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _county_police_first(first: dict[str, Agreement], matches: dict[str, Match]) -> None:
    """Where a county has its own police department (Nassau, Suffolk, …), the FBI's county record is that
    department's, not the sheriff's: when ICE lists both, the record goes to the county police."""
    for key, m in list(matches.items()):
        a = first[key]
        words = fold(a.agency).split()
        sheriff = any(w.startswith("sheriff") for w in words)
        if not (m.found and m.lee[0].type == "County" and sheriff and "county" in words):
            continue
        core = " ".join(words[: words.index("county")])
        police = agency_key(a.state, f"{core} County Police Department")
        if police in first and police != key and not matches[police].found:
            matches[police] = Match(
                m.lee, how="the FBI's county record is the county police department's (ICE lists both)"
            )
            matches[key] = Match(
                reason="the FBI's record for the county is its county police department, also on ICE's list; "
                "the sheriff's office is not listed on its own"
            )


def build(agreements: Iterable[Agreement], lee: list[LeeAgency]) -> Built:
    index = LeeIndex(lee)
    labels = county_labels(lee)
    first: dict[str, Agreement] = {}
    for a in agreements:
        first.setdefault(agency_key(a.state, a.agency), a)
    places: dict[str, dict[str, AgencyPlace]] = {}
    not_listed: dict[str, int] = {}  # kind of body the FBI's table does not list -> agencies
    matches = {
        key: index.match(first[key].state, first[key].agency, first[key].agency_type, first[key].county)
        for key in sorted(first)
    }
    _county_police_first(first, matches)
    for key, m in matches.items():
        a = first[key]
        places.setdefault(a.state, {})[key] = place(a, m, labels.get(a.state, {}))
        if m.kind:
            not_listed[m.kind] = not_listed.get(m.kind, 0) + 1
    everyone = [p for by_key in places.values() for p in by_key.values()]
    matched = sum(p.matched for p in everyone)
    located = sum(bool(p.counties) or p.statewide for p in everyone)
    years = sorted({x.year for x in lee if x.year})
    summary = {
        "agencies": len(everyone),
        "matched": matched,
        "placed": located,
        # Agencies of a kind the FBI's table lists nowhere in their state (National Guards, constables in
        # Pennsylvania, jails …): the match rate over the rest says how well the names were matched.
        "not_listed": sum(not_listed.values()),
        "not_listed_kinds": dict(sorted(not_listed.items(), key=lambda kv: (-kv[1], kv[0]))),
        "lee_rows": len(lee),
        "lee_years": f"{years[0]}-{years[-1]}" if years else "",
        "lee_latest_year": years[-1] if years else None,
    }
    unmatched = [p for p in everyone if not p.matched]
    return Built(places, state_places(lee, labels), summary, unmatched)


def encode(built: Built, built_from: dict[str, Any]) -> bytes:
    """JSON with one agency, and one state's places, per line, so a rebuild diffs cleanly."""
    enc = msgspec.json.encode
    head = {"schema_version": SCHEMA_VERSION, "built_from": built_from, "match": built.summary}
    lines = ["{"]
    lines += [f"{enc(k).decode()}: {enc(v).decode()}," for k, v in head.items()]
    lines.append('"agencies": {')
    for i, (state, by_key) in enumerate(sorted(built.places.items())):
        lines.append(f"{enc(state).decode()}: {{")
        items = list(by_key.items())
        lines += [
            f"{enc(k).decode()}: {enc(v).decode()}{',' if j < len(items) - 1 else ''}" for j, (k, v) in enumerate(items)
        ]
        lines.append("}" + ("," if i < len(built.places) - 1 else ""))
    lines.append("},")
    lines.append('"states": {')
    states = sorted(built.states.items())
    lines += [
        f"{enc(s).decode()}: {enc(p).decode()}{',' if i < len(states) - 1 else ''}" for i, (s, p) in enumerate(states)
    ]
    lines += ["}", "}"]
    return ("\n".join(lines) + "\n").encode()


def report(built: Built) -> str:
    s = built.summary
    n = s["agencies"] or 1
    missed, absent = s["agencies"] - s["matched"], s["not_listed"]
    could = s["agencies"] - absent
    kinds = ", ".join(f"{k} {v}" for k, v in s["not_listed_kinds"].items())
    lines = [
        f"{s['matched']} of {s['agencies']} agencies matched to an FBI LEE record ({100 * s['matched'] / n:.1f}%); "
        f"{s['placed']} placed in a county or statewide ({100 * s['placed'] / n:.1f}%).",
        f"Of the {missed} not matched, {absent} are bodies the FBI table does not list in their state"
        + (f" ({kinds})" if kinds else "")
        + f"; of the {could} agencies that could be in it, {s['matched']} matched ({100 * s['matched'] / (could or 1):.1f}%).",
    ]
    listed = [p for p in built.unmatched if not p.unmatched.startswith(NOT_LISTED)]
    lines.append(f"Unmatched ({len(listed)}; these keep ICE's county):")
    lines += [_line(p) for p in listed]
    lines.append(f"Not FBI-reporting agencies ({absent}; these keep ICE's county):")
    lines += [_line(p) for p in built.unmatched if p.unmatched.startswith(NOT_LISTED)]
    return "\n".join(lines)


def _line(p: AgencyPlace) -> str:
    where = ", ".join(p.counties) or ("statewide" if p.statewide else "no county")
    return f"  {p.state}  {p.name}  [{where}]  — {p.unmatched}"


def main(argv: list[str] | None = None) -> int:
    import argparse

    from agencyref.roster.file import iter_agreements

    parser = argparse.ArgumentParser(
        prog="python -m agencyref.roster.places.build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("roster", type=Path, help="roster JSON (data/roster-287g.json)")
    parser.add_argument("lee", type=Path, help="FBI LEE CSV (fbi_lee_latest.csv)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="placement file to write")
    args = parser.parse_args(argv)
    head, chunks = iter_agreements(args.roster.read_bytes(), str(args.roster))
    agreements = [a for chunk in chunks for a in chunk]
    built = build(agreements, read_lee(args.lee))
    built_from = {
        "roster_as_of": head.as_of,
        "roster_files": head.source_files,
        "lee_file": args.lee.name,
        "lee_years": built.summary["lee_years"],
        "lee_latest_year": built.summary["lee_latest_year"],
    }
    write_text_atomic(args.output, encode(built, built_from).decode())
    sys.stderr.write(report(built) + f"\nwritten to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
