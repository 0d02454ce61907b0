"""287(g) roster views: a state's, county's or agency's agreements, and the ranking by state."""

from typing import Any

import msgspec

from agencyref.errors import AmbiguousNameError, NoResultsError, NotFoundError
from agencyref.knowledge.names import Entry
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import BarChart, Bullets, Cell, Citations, Document, Fields, Table
from agencyref.roster.model import Agreement, Summary
from agencyref.roster.query import MODELS, summarize, tokens
from agencyref.roster.store import ROSTER_SOURCE_ID, OpenRoster

MODEL_NAMES = {"jem": "Jail Enforcement Model", "tfm": "Task Force Model", "wso": "Warrant Service Officer"}
AGREEMENT_COLUMNS = ["agency", "type", "county", "model", "signed", "MOA"]


def _filtered(agreements: list[Agreement], model: str | None, agency_type: str | None) -> list[Agreement]:
    return [
        a
        for a in agreements
        if (model is None or a.model == model) and (agency_type is None or a.agency_type == agency_type)
    ]


def _signed(a: Agreement) -> str:
    if a.status == "pending":
        return "pending"
    if a.signed:
        return a.signed
    return f"unknown (sheet says {a.signed_raw!r})" if a.signed_raw else "—"


def _moa(a: Agreement) -> str:
    if a.status == "pending":
        return "—"
    if a.moa_url:
        return a.moa_url
    return "link pending" if a.moa_status == "pending" else "—"


def _row(a: Agreement) -> list[Cell]:
    return [Cell(a.agency), Cell(a.agency_type), Cell(a.county or "—"), Cell(a.model), Cell(_signed(a)), Cell(_moa(a))]


def _agreement_table(agreements: list[Agreement], title: str, with_status: bool = True) -> Table:
    columns = ["status", *AGREEMENT_COLUMNS] if with_status else AGREEMENT_COLUMNS
    rows = [[Cell(a.status), *_row(a)] if with_status else _row(a) for a in agreements]
    return Table(columns, rows, title=title)


def _csv(agreements: list[Agreement]) -> Table:
    return Table(
        ["state", "status", *AGREEMENT_COLUMNS], [[Cell(a.state), Cell(a.status), *_row(a)] for a in agreements]
    )


def _summary_dict(s: Summary) -> dict[str, Any]:
    return msgspec.to_builtins(s)  # type: ignore[no-any-return]


def _summary_block(label: str, s: Summary, opened: OpenRoster, cite: Citations) -> Fields:
    as_of = opened.as_of
    models = ", ".join(f"{MODEL_NAMES.get(m, m)} {n}" for m, n in s.by_model.items() if n or m in MODELS)
    fields = [
        ("Agreements (participating)", cite.cell(f"{s.agreements:,} as of {as_of}", [ROSTER_SOURCE_ID])),
        ("Distinct agencies", cite.cell(f"{s.agencies:,} as of {as_of}", [ROSTER_SOURCE_ID])),
        ("By model (agreements)", Cell(models)),
        ("By agency type (agreements)", Cell(", ".join(f"{t} {n}" for t, n in s.by_agency_type.items()) or "—")),
    ]
    if s.pending_agreements:
        fields.append(("Pending requests", cite.cell(str(s.pending_agreements), [ROSTER_SOURCE_ID])))
    return Fields(fields, title=f"287(g) agreements — {label} (ICE list as of {as_of})")


def _meta(opened: OpenRoster) -> dict[str, Any]:
    c = opened.compiled
    return {"as_of": c.as_of, "source_url": c.source_url, "source_files": c.source_files, "origin": opened.origin}


def _citations(k: Knowledge, opened: OpenRoster | None) -> Citations:
    cite = Citations(k.sources)
    if opened:
        cite.extra[ROSTER_SOURCE_ID] = opened.source
    return cite


def program_roster_blocks(
    opened: OpenRoster | None, model: str | None, cite: Citations
) -> tuple[list[Any], dict[str, Any]]:
    """The participation computed from ICE's list, shown beside the sourced figures."""
    if opened is None:
        return [], {}
    cite.extra[ROSTER_SOURCE_ID] = opened.source
    total = summarize([a for a in opened.all_agreements() if a.model == model]) if model else opened.summary()
    assert total is not None
    ranking = opened.state_counts(model)[:10]
    label = "nationwide" + (f", {MODEL_NAMES.get(model, model)} only" if model else "")
    blocks: list[Any] = [_summary_block(label, total, opened, cite)]
    blocks.append(
        BarChart(
            [(c.state, c.agreements, f"{c.agencies} agencies") for c in ranking],
            title=f"Top states by agreements (ICE list as of {opened.as_of})",
            unit="agreements",
        )
    )
    data = {
        "roster": {**_meta(opened), **_summary_dict(total), "top_states": [msgspec.to_builtins(c) for c in ranking]}
    }
    return blocks, data


def by_state_document(k: Knowledge, opened: OpenRoster, model: str | None, agency_type: str | None) -> Document:
    counts = opened.state_counts(model, agency_type)
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
    title = f"287(g) agreements by state (ICE list as of {opened.as_of})"
    table = Table(["rank", "state", "name", "agreements", "agencies", *MODELS], rows, title=title)
    chart = BarChart(
        [(c.state, c.agreements, f"{c.agencies} agencies") for c in counts],
        title="Agreements by state",
        unit="agreements",
    )
    cite.cite([ROSTER_SOURCE_ID])
    data = {
        "roster": _meta(opened),
        "filters": {"model": model, "agency_type": agency_type},
        "states": [msgspec.to_builtins(c) for c in counts],
    }
    return Document("by_state", "287(g) agreements by state", [table, chart], data, cite.sources, csv=table)


def place_document(
    k: Knowledge, opened: OpenRoster | None, name: str, found: list[Entry], model: str | None, agency_type: str | None
) -> Document:
    """A state, a county or a local agency: whatever ``name`` turns out to be."""
    state_entries = [e for e in found if e.kind == "state"]
    code = state_entries[0].key if state_entries else _roster_state(name)
    if code:
        return _state_document(k, opened, code, model, agency_type)
    if len(found) > 1:
        raise AmbiguousNameError("name", name, [f"{e.key} ({e.kind}: {e.label})" for e in found])
    if opened is None:
        raise NotFoundError("state or agency", name, k.names.suggest(name, ["state", "agency", "component"]))
    from agencyref.roster.query import find_agencies, find_county, suggest_counties

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
            f"ICE's 287(g) list (as of {opened.as_of}) names no agency in {name.strip()[:80]!r}.{hint} "
            "City and state agencies often have no county on the list; try the state, e.g. `agencyref jurisdiction TX`."
        )
    ranked = find_agencies(opened.index, name, limit=8)
    if ranked and ranked[0][0] >= 0.45:
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < 0.02:
            raise AmbiguousNameError("agency", name, [f"{a}, {s}" for _, s, a in ranked[:6]])
        _, state, agency = ranked[0]
        return _agency_document(k, opened, state, agency, ranked[1:4], model)
    suggestions = k.names.suggest(name, ["state", "agency", "component"])
    suggestions += [f"{c}, {s}" for s, c in suggest_counties(opened.index, name)]
    suggestions += [f"{a}, {s}" for _, s, a in ranked[:3]]
    raise NotFoundError("state, county or agency", name, suggestions[:6])


def _looks_like_county(name: str) -> bool:
    words = tokens(name)
    return any(t in ("county", "parish", "borough") for t in words) and "sheriff" not in words


def _roster_state(name: str) -> str | None:
    from agencyref.usps import state_code

    return state_code(name.strip()) if len(name) <= 40 else None


def _state_document(
    k: Knowledge, opened: OpenRoster | None, code: str, model: str | None, agency_type: str | None
) -> Document:
    from agencyref.present.views.jurisdiction import state_profile

    state = k.states.get(code)
    if state is not None:
        blocks, data, cite = state_profile(k, state)
        if opened:
            cite.extra[ROSTER_SOURCE_ID] = opened.source
    else:
        cite = _citations(k, opened)
        blocks = [Bullets([Cell("No statewide laws are recorded in agencyref's knowledge file for this place.")])]
        data = {"state": {"code": code}}
    title = f"{state.name if state else code} ({code})"
    csv = None
    if opened is not None:
        agreements = _filtered(opened.in_state(code), model, agency_type)
        summary = summarize(agreements) if (model or agency_type) else (opened.summary(code) or summarize([]))
        blocks.append(_summary_block(code, summary, opened, cite))
        part = [a for a in agreements if a.status == "participating"]
        pending = [a for a in agreements if a.status == "pending"]
        blocks.append(_agreement_table(part, f"Participating agencies ({len(part)} agreements)", with_status=False))
        if pending:
            blocks.append(_agreement_table(pending, "Pending requests", with_status=False))
        data["roster"] = {**_meta(opened), **_summary_dict(summary)}
        data["agreements"] = msgspec.to_builtins(agreements)
        cite.cite([ROSTER_SOURCE_ID])
        csv = _csv(agreements)
    return Document("state", title, blocks, data, cite.sources, csv=csv)


def _county_document(
    k: Knowledge, opened: OpenRoster, state: str, county: str, model: str | None, agency_type: str | None
) -> Document:
    agreements = _filtered(opened.in_county(state, county), model, agency_type)
    summary = summarize(agreements)
    cite = _citations(k, opened)
    blocks: list[Any] = [
        _summary_block(f"{county}, {state}", summary, opened, cite),
        _agreement_table(agreements, "Agencies in this county"),
    ]
    notes = [
        "ICE's sheet names a county for county agencies; city and state agencies may be missing a county and are not listed here."
    ]
    if not agreements:
        notes.append("No agreements of this county match the filters.")
    data = {
        "county": {"state": state, "name": county},
        "roster": {**_meta(opened), **_summary_dict(summary)},
        "agreements": msgspec.to_builtins(agreements),
    }
    return Document("county", f"{county}, {state}", blocks, data, cite.sources, csv=_csv(agreements), notes=notes)


def _agency_document(
    k: Knowledge, opened: OpenRoster, state: str, agency: str, others: list[tuple[float, str, str]], model: str | None
) -> Document:
    agreements = _filtered(opened.of_agency(state, agency), model, None)
    summary = summarize(agreements)
    cite = _citations(k, opened)
    blocks: list[Any] = [
        _summary_block(f"{agency}, {state}", summary, opened, cite),
        _agreement_table(agreements, "Agreements"),
    ]
    notes = [f"Closest match in ICE's list. Others: {'; '.join(f'{a}, {s}' for _, s, a in others)}"] if others else []
    data = {
        "agency": {"state": state, "name": agency},
        "roster": {**_meta(opened), **_summary_dict(summary)},
        "agreements": msgspec.to_builtins(agreements),
    }
    return Document(
        "roster_agency", f"{agency} ({state})", blocks, data, cite.sources, csv=_csv(agreements), notes=notes
    )
