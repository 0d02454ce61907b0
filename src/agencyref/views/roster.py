"""287(g) roster views: a state's or county's agreements, one agency, the ranking by state."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec

from ..document import BarChart, Bullets, Cell, Citations, Document, Fields, Table
from ..errors import AmbiguousNameError, NoResultsError, NotFoundError
from ..load import Knowledge
from ..model import Agreement
from ..names import Entry
from ..rosterstore import ROSTER_SOURCE_ID, OpenRoster

MODEL_NAMES = {
    "jem": "Jail Enforcement Model",
    "tfm": "Task Force Model",
    "wso": "Warrant Service Officer",
    "unknown": "unknown",
}
MODELS = ("jem", "tfm", "wso")


def _participating(agreements: list[Agreement], model: str | None, agency_type: str | None) -> list[Agreement]:
    return [
        a
        for a in agreements
        if (model is None or a.model == model) and (agency_type is None or a.agency_type == agency_type)
    ]


def _signed(a: Agreement) -> str:
    if a.signed:
        return a.signed
    return f"unknown (sheet says {a.signed_raw!r})" if a.signed_raw else "—"


def _moa(a: Agreement) -> str:
    if a.moa_url:
        return a.moa_url
    return "link pending" if a.moa_status == "pending" else "—"


def agreement_rows(agreements: list[Agreement], cite: Citations, with_state: bool = False) -> list[list[Cell]]:
    rows = []
    for a in agreements:
        row = [Cell(a.state)] if with_state else []
        row += [
            Cell(a.agency),
            Cell(a.agency_type),
            Cell(a.county or "—"),
            Cell(a.model),
            Cell(_signed(a) if a.status == "participating" else "pending"),
            Cell(_moa(a) if a.status == "participating" else "—"),
        ]
        rows.append(row)
    return rows


AGREEMENT_COLUMNS = ["agency", "type", "county", "model", "signed", "MOA"]


def _summary(agreements: list[Agreement]) -> dict[str, Any]:
    part = [a for a in agreements if a.status == "participating"]
    return {
        "agreements": len(part),
        "agencies": len({(a.state, a.agency.casefold()) for a in part}),
        "pending_agreements": len(agreements) - len(part),
        "by_model": {
            m: sum(1 for a in part if a.model == m)
            for m in (*MODELS, "unknown")
            if m in MODELS or any(a.model == m for a in part)
        },
        "by_agency_type": dict(sorted(Counter(a.agency_type for a in part).items())),
    }


def _roster_meta(opened: OpenRoster) -> dict[str, Any]:
    r = opened.roster
    return {"as_of": r.as_of, "source_url": r.source_url, "source_files": r.source_files, "origin": opened.origin}


def _summary_blocks(label: str, agreements: list[Agreement], opened: OpenRoster, cite: Citations) -> list[Any]:
    s = _summary(agreements)
    as_of = opened.roster.as_of
    fields = [
        ("Agreements (participating)", cite.cell(f"{s['agreements']:,} as of {as_of}", [ROSTER_SOURCE_ID])),
        ("Distinct agencies", cite.cell(f"{s['agencies']:,} as of {as_of}", [ROSTER_SOURCE_ID])),
        ("By model (agreements)", Cell(", ".join(f"{MODEL_NAMES[m]} {n}" for m, n in s["by_model"].items()))),
        ("By agency type (agreements)", Cell(", ".join(f"{t} {n}" for t, n in s["by_agency_type"].items()) or "—")),
    ]
    if s["pending_agreements"]:
        fields.append(("Pending requests", cite.cell(str(s["pending_agreements"]), [ROSTER_SOURCE_ID])))
    return [Fields(fields, title=f"287(g) agreements — {label} (ICE list as of {as_of})")]


def _citations(k: Knowledge | None, opened: OpenRoster | None) -> Citations:
    known = dict(k.sources) if k else {}
    if opened:
        known[ROSTER_SOURCE_ID] = opened.source
    return Citations(known)


def program_roster_blocks(
    opened: OpenRoster | None, model: str | None, cite: Citations
) -> tuple[list[Any], dict[str, Any]]:
    """The participation computed from ICE's list, to sit beside the sourced figures."""
    if opened is None:
        return [], {}
    agreements = [a for a in opened.roster.agreements if model is None or a.model == model]
    part = [a for a in agreements if a.status == "participating"]
    cite.known[ROSTER_SOURCE_ID] = opened.source
    blocks = _summary_blocks("nationwide", agreements, opened, cite)
    from ..roster_query import by_state

    ranking = by_state(part)[:10]
    blocks.append(
        BarChart(
            [(c.state, c.agreements, f"{c.agencies} agencies") for c in ranking],
            title=f"Top states by agreements (ICE list as of {opened.roster.as_of})",
            unit="agreements",
        )
    )
    data = {
        "roster": {
            **_roster_meta(opened),
            **_summary(agreements),
            "top_states": [
                {"state": c.state, "agreements": c.agreements, "agencies": c.agencies, "by_model": c.per_model}
                for c in ranking
            ],
        }
    }
    return blocks, data


def by_state_document(k: Knowledge, opened: OpenRoster, model: str | None, agency_type: str | None) -> Document:
    from ..roster_query import by_state

    counts = by_state(opened.roster, model, agency_type)
    cite = _citations(k, opened)
    rows = []
    for rank, c in enumerate(counts, 1):
        name = k.states[c.state].name if c.state in k.states else c.state
        rows.append(
            [
                Cell(str(rank)),
                Cell(c.state),
                Cell(name),
                Cell(str(c.agreements)),
                Cell(str(c.agencies)),
                *(Cell(str(c.per_model.get(m, 0))) for m in MODELS),
            ]
        )
    table = Table(
        ["rank", "state", "name", "agreements", "agencies", *MODELS],
        rows,
        title=f"287(g) agreements by state (ICE list as of {opened.roster.as_of})",
    )
    chart = BarChart(
        [(c.state, c.agreements, f"{c.agencies} agencies") for c in counts],
        title="Agreements by state",
        unit="agreements",
    )
    cite.cite([ROSTER_SOURCE_ID])
    filters = {"model": model, "agency_type": agency_type}
    data = {
        "roster": _roster_meta(opened),
        "filters": filters,
        "states": [
            {"state": c.state, "agreements": c.agreements, "agencies": c.agencies, "by_model": c.per_model}
            for c in counts
        ],
    }
    return Document("by_state", "287(g) agreements by state", [table, chart], data, cite.sources, csv=table)


def place_document(
    k: Knowledge, opened: OpenRoster | None, name: str, found: list[Entry], model: str | None, agency_type: str | None
) -> Document:
    """A state, a county or a local agency: whatever ``name`` turns out to be."""
    state_entries = [e for e in found if e.kind == "state"]
    if state_entries or _roster_state(name):
        code = state_entries[0].key if state_entries else _roster_state(name)
        assert code is not None
        return _state_document(k, opened, code, model, agency_type)
    if len(found) > 1:
        raise AmbiguousNameError("name", name, [f"{e.key} ({e.kind}: {e.label})" for e in found])
    if opened is None:
        raise NotFoundError("state or agency", name, k.names.suggest(name, ["state", "agency", "component"]))
    from ..roster_query import find_agencies, find_county, suggest_counties

    counties = find_county(opened.index, name)
    if len(counties) > 1:
        raise AmbiguousNameError("county", name, [f"{c}, {s}" for s, c in counties])
    if counties:
        state, county = counties[0]
        return _county_document(k, opened, state, county, model, agency_type)
    if _looks_like_county(name):
        near = suggest_counties(opened.index, name)
        hint = f" Close names on the list: {'; '.join(f'{c}, {s}' for s, c in near)}." if near else ""
        raise NoResultsError(
            f"ICE's 287(g) list (as of {opened.roster.as_of}) names no agency in {name.strip()!r}.{hint} "
            "City and state agencies often have no county on the list; try the state, e.g. `agencyref jurisdiction TX`."
        )
    ranked = find_agencies(opened.index, name, limit=8)
    if ranked and ranked[0][0] >= 0.45 and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= 0.02):
        _, state, agency = ranked[0]
        return _agency_document(k, opened, state, agency, ranked[1:4], model)
    if ranked and ranked[0][0] >= 0.45:
        raise AmbiguousNameError("agency", name, [f"{a}, {s}" for _, s, a in ranked[:6]])
    suggestions = k.names.suggest(name, ["state", "agency", "component"])
    suggestions += [f"{c}, {s}" for s, c in suggest_counties(opened.index, name)]
    suggestions += [f"{a}, {s}" for _, s, a in ranked[:3]]
    raise NotFoundError("state, county or agency", name, suggestions[:6])


def _looks_like_county(name: str) -> bool:
    from ..roster_query import tokens

    return any(t in ("county", "parish", "borough") for t in tokens(name)) and "sheriff" not in tokens(name)


def _roster_state(name: str) -> str | None:
    from ..importers.ice287g import state_code

    return state_code(name.strip()) if len(name) <= 40 else None


def _state_document(
    k: Knowledge, opened: OpenRoster | None, code: str, model: str | None, agency_type: str | None
) -> Document:
    from ..views.jurisdiction import state_profile

    state = k.states.get(code)
    blocks: list[Any] = []
    data: dict[str, Any] = {"state": {"code": code}}
    cite = _citations(k, opened)
    if state is not None:
        blocks, data, law_cite = state_profile(k, state)
        cite = _merge(cite, law_cite)
    else:
        blocks.append(Bullets([Cell("No statewide laws are recorded in agencyref's knowledge file for this place.")]))
    title = f"{state.name if state else code} ({code})"
    if opened is not None:
        agreements = _participating(opened.index.by_state.get(code, []), model, agency_type)
        blocks += _summary_blocks(code, agreements, opened, cite)
        part = [a for a in agreements if a.status == "participating"]
        pending = [a for a in agreements if a.status == "pending"]
        table = Table(
            AGREEMENT_COLUMNS, agreement_rows(part, cite), title=f"Participating agencies ({len(part)} agreements)"
        )
        blocks.append(table)
        if pending:
            blocks.append(
                Table(AGREEMENT_COLUMNS[:5], [r[:5] for r in agreement_rows(pending, cite)], title="Pending requests")
            )
        data["roster"] = {**_roster_meta(opened), **_summary(agreements)}
        data["agreements"] = [msgspec.to_builtins(a) for a in agreements]
        cite.cite([ROSTER_SOURCE_ID])
        csv = Table(
            ["state", *AGREEMENT_COLUMNS, "status"],
            [
                [Cell(a.state), *r, Cell(a.status)]
                for a, r in zip(agreements, agreement_rows(agreements, cite), strict=True)
            ],
        )
    else:
        csv = None
    return Document("state", title, blocks, data, cite.sources, csv=csv)


def _merge(base: Citations, laws: Citations) -> Citations:
    # The law citations were numbered first; keep their numbers and add the roster after them.
    laws.known.update(base.known)
    return laws


def _county_document(
    k: Knowledge, opened: OpenRoster, state: str, county: str, model: str | None, agency_type: str | None
) -> Document:
    from ..roster_query import agreements_in_county

    agreements = agreements_in_county(opened.index, state, county, model, agency_type, None)
    cite = _citations(k, opened)
    blocks = _summary_blocks(f"{county}, {state}", agreements, opened, cite)
    blocks.append(
        Table(
            ["status", *AGREEMENT_COLUMNS],
            [[Cell(a.status), *r] for a, r in zip(agreements, agreement_rows(agreements, cite), strict=True)],
            title="Agencies in this county",
        )
    )
    note = "ICE's sheet names a county for county agencies; city and state agencies may be missing a county and are not listed here."
    data = {
        "county": {"state": state, "name": county},
        "roster": {**_roster_meta(opened), **_summary(agreements)},
        "agreements": [msgspec.to_builtins(a) for a in agreements],
    }
    csv = Table(
        ["state", "status", *AGREEMENT_COLUMNS],
        [[Cell(state), Cell(a.status), *r] for a, r in zip(agreements, agreement_rows(agreements, cite), strict=True)],
    )
    doc = Document("county", f"{county}, {state}", blocks, data, cite.sources, csv=csv, notes=[note])
    if not agreements:
        doc.notes.append("No agreements of this county match the filters.")
    return doc


def _agency_document(
    k: Knowledge, opened: OpenRoster, state: str, agency: str, others: list[tuple[float, str, str]], model: str | None
) -> Document:
    agreements = [a for a in opened.index.agreements_of(state, agency) if model is None or a.model == model]
    cite = _citations(k, opened)
    blocks = _summary_blocks(f"{agency}, {state}", agreements, opened, cite)
    blocks.append(
        Table(
            ["status", *AGREEMENT_COLUMNS],
            [[Cell(a.status), *r] for a, r in zip(agreements, agreement_rows(agreements, cite), strict=True)],
            title="Agreements",
        )
    )
    notes = [f"Closest match in ICE's list. Others: {'; '.join(f'{a}, {s}' for _, s, a in others)}"] if others else []
    data = {
        "agency": {"state": state, "name": agency},
        "roster": {**_roster_meta(opened), **_summary(agreements)},
        "agreements": [msgspec.to_builtins(a) for a in agreements],
    }
    csv = Table(
        ["state", "status", *AGREEMENT_COLUMNS],
        [[Cell(state), Cell(a.status), *r] for a, r in zip(agreements, agreement_rows(agreements, cite), strict=True)],
    )
    return Document("roster_agency", f"{agency} ({state})", blocks, data, cite.sources, csv=csv, notes=notes)
