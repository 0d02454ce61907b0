"""jurisdiction: an agency's reach, a state's cooperation laws, who handles a case type."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.knowledge import model as m
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import Bullets, Cell, Citations, Document, Fields, Paragraph, Table

STANCE_TEXT = {
    "limits": "limits cooperation with federal immigration enforcement",
    "requires": "requires cooperation with federal immigration enforcement",
    "mixed": "has statewide measures both limiting and requiring cooperation",
    "none_recorded": "no statewide law recorded in agencyref's sources",
}


def agency_reach(k: Knowledge, a: m.Agency) -> Document:
    cite = Citations(k.sources)
    fields = [
        ("Level", cite.cell(a.level)),
        ("Geographic jurisdiction", cite.fact(a.geographic_jurisdiction)),
        ("Subject-matter jurisdiction", cite.fact(a.subject_matter_jurisdiction)),
        ("Role in immigration enforcement", cite.fact(a.immigration_role)),
    ]
    handles = [
        x
        for x in list(k.matters.values())
        if a.key in x.primary
        or a.key in x.supporting
        or any(c.key in x.primary or c.key in x.supporting for c in a.components)
    ]
    blocks: list[Any] = [Fields(fields)]
    if handles:
        rows = [[Cell(x.name), Cell("primary" if _is_primary(a, x) else "supporting")] for x in handles]
        blocks.append(Table(["case type", "role"], rows, title="Case types it handles"))
    data = {
        "agency": {
            "key": a.key,
            "name": a.name,
            "level": a.level,
            "geographic_jurisdiction": msgspec.to_builtins(a.geographic_jurisdiction),
            "subject_matter_jurisdiction": msgspec.to_builtins(a.subject_matter_jurisdiction),
            "immigration_role": msgspec.to_builtins(a.immigration_role),
        },
        "matters": [{"key": x.key, "role": "primary" if _is_primary(a, x) else "supporting"} for x in handles],
    }
    return Document("agency_jurisdiction", f"Jurisdiction: {a.name}", blocks, data, cite.sources)


def _is_primary(a: m.Agency, x: m.Matter) -> bool:
    return a.key in x.primary or any(c.key in x.primary for c in a.components)


def state_profile(k: Knowledge, s: m.State) -> tuple[list[Any], dict[str, Any], Citations]:
    """Blocks and data for a state's laws; the roster part is added by the caller."""
    cite = Citations(k.sources)
    fields = [("Stance", cite.cell(f"{s.stance} — {STANCE_TEXT[s.stance]}", s.sources))]
    blocks: list[Any] = [Fields(fields)]
    if s.summary:
        blocks.append(Paragraph(cite.cell(s.summary, s.sources)))
    if s.laws:
        rows = [
            [
                Cell(law.name),
                Cell(law.citation),
                Cell(str(law.year)),
                Cell(law.effect),
                cite.cell(law.summary, law.sources),
            ]
            for law in sorted(s.laws, key=lambda x: x.year)
        ]
        blocks.append(
            Table(
                ["law or order", "citation", "year", "effect", "what it does"], rows, title="Statewide laws and orders"
            )
        )
    data = {"state": msgspec.to_builtins(s)}
    return blocks, data, cite


def who_handles(k: Knowledge, text: str, matters: list[m.Matter]) -> Document:
    cite = Citations(k.sources)
    rows = []
    for x in matters:
        rows.append(
            [
                Cell(x.name),
                Cell(", ".join(k.label(r) for r in x.primary)),
                Cell(", ".join(k.label(r) for r in x.supporting) or "—"),
                cite.cell(x.note, x.sources),
            ]
        )
    data = {"query": text, "matters": [msgspec.to_builtins(x) for x in matters]}
    table = Table(["case type", "primary", "supporting", "note"], rows, row_labels=True)
    return Document("case", f"Who handles: {text}", [table], data, cite.sources, csv=table)


def state_list(k: Knowledge) -> Document:
    rows = [[Cell(s.code), Cell(s.name), Cell(s.stance), Cell(str(len(s.laws)))] for s in list(k.states.values())]
    table = Table(["code", "state", "stance", "laws"], rows)
    data = {
        "states": [
            {"code": s.code, "name": s.name, "stance": s.stance, "laws": len(s.laws)} for s in list(k.states.values())
        ]
    }
    return Document(
        "state_list",
        "States",
        [table, Bullets([Cell(f"{key}: {txt}") for key, txt in STANCE_TEXT.items()], title="Stances")],
        data,
        csv=table,
    )


def state_law_text(k: Knowledge, code: str) -> tuple[str, list[str]]:
    """One sentence on a state's cooperation law, and its sources (the state entry's and its laws')."""
    s = k.states.get(code)
    if s is None:
        return f"{code}: no statewide law recorded in agencyref's knowledge file.", []
    text = f"{s.name} {STANCE_TEXT[s.stance]}" + (f": {s.summary.strip()}" if s.summary else ".")
    sources = list(dict.fromkeys([*s.sources, *(sid for law in s.laws for sid in law.sources)]))
    return text, sources


def county_brief(
    k: Knowledge,
    cite: Citations,
    place: str,
    state: str,
    counties: list[str],
    agencies: list[Any],
    as_of: str,
    list_url: str,
) -> Document:
    """One footnoted paragraph: who holds which 287(g) agreements since when, the people they police,
    the state's law, and where to check. ``agencies`` are roster ``PlacedAgency`` records."""
    from agencyref.present.views.roster import MODEL_NAMES
    from agencyref.roster.places.store import PLACES_SOURCE_ID
    from agencyref.roster.query import population_policed
    from agencyref.roster.store import ROSTER_SOURCE_ID

    part = [p for p in agencies if p.participating]
    agreements = [a for p in part for a in p.participating]
    where = f"{place}, {state}" + (f" ({' and '.join(counties)})" if counties and counties != [place] else "")
    ids = [ROSTER_SOURCE_ID]
    if part:
        held = []
        for p in part:
            models = ", ".join(
                f"{MODEL_NAMES.get(a.model, a.model)} since {a.signed or 'an unknown date'}"
                for a in sorted(p.participating, key=lambda a: a.signed or "")
            )
            held.append(f"{p.name} ({models})")
        text = (
            f"In {where}, ICE's 287(g) list as of {as_of} shows {len(agreements)} agreement"
            f"{'s' if len(agreements) != 1 else ''} held by {len(part)} agenc{'ies' if len(part) != 1 else 'y'}: "
            + "; ".join(held)
            + "."
        )
        people, counted = population_policed(part)
        if counted:
            ids.append(PLACES_SOURCE_ID)
            text += (
                f" Together they police about {people:,} people (FBI population covered; "
                f"{counted} of {len(part)} agencies report a figure)."
            )
    else:
        text = f"In {where}, ICE's 287(g) list as of {as_of} shows 0 agreements: no agency there holds one."
    pending = [p for p in agencies if any(a.status == "pending" for a in p.agreements)]
    if pending:
        text += f" Pending requests: {', '.join(p.name for p in pending)}."
    law, law_sources = state_law_text(k, state)
    text += f" State law: {law}"
    if not text.endswith("."):
        text += "."
    moas = [a.moa_url for a in agreements if a.moa_url]
    text += f" Check ICE's current list at {list_url}"
    text += f" and the signed agreements (MOAs): {', '.join(moas)}." if moas else "."
    cell = cite.cell(text, [*ids, *law_sources])
    data = {
        "place": {"name": place, "state": state, "counties": counties},
        "as_of": as_of,
        "text": text,
        "agencies": [
            {
                "key": p.key,
                "name": p.name,
                "agreements": [{"model": a.model, "signed": a.signed, "moa_url": a.moa_url} for a in p.participating],
            }
            for p in part
        ],
        "population_policed": population_policed(part)[0],
    }
    return Document("brief", f"287(g) in {place}, {state}: brief", [Paragraph(cell)], data, cite.sources)
