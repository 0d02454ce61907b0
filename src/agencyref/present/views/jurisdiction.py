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
