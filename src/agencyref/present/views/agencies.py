"""compare and agency: side-by-side aspects and full agency profiles."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.knowledge import model as m
from agencyref.knowledge.query import ASPECTS, aspect_value, figure_text
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import Bullets, Cell, Citations, Document, Fields, Table


def _facts(cite: Citations, facts: list[m.Fact]) -> list[Any]:
    return [cite.fact(f) for f in facts]


def compare(k: Knowledge, agencies: list[m.Agency], aspects: list[tuple[str, str]]) -> Document:
    cite = Citations(k.sources)
    rows = []
    data_rows: dict[str, dict[str, Any]] = {a.key: {} for a in agencies}
    for key, label in aspects:
        row = [cite.cell(label)]
        for a in agencies:
            text, ids = aspect_value(a, key)
            row.append(cite.cell(text, ids))
            data_rows[a.key][key] = {"text": text, "sources": sorted(set(ids))}
        rows.append(row)
    columns = ["Aspect", *(a.name for a in agencies)]
    table = Table(columns, rows, row_labels=True)
    data = {
        "agencies": [{"key": a.key, "name": a.name, "aspects": data_rows[a.key]} for a in agencies],
        "aspects": [k for k, _ in aspects],
    }
    title = " vs. ".join(a.name for a in agencies)
    csv_rows = [[cite.cell(r[0].text)] + [c for c in r[1:]] for r in rows]
    return Document(
        "comparison", title, [table], data, cite.sources, csv=Table(["aspect", *(a.key for a in agencies)], csv_rows)
    )


def agency_list(k: Knowledge) -> Document:
    rows = [
        [Cell(a.key), Cell(a.name), Cell(a.level), Cell(", ".join(x.key for x in a.components))]
        for a in list(k.agencies.values())
    ]
    table = Table(["key", "name", "level", "components"], rows)
    data = {
        "agencies": [
            {"key": a.key, "name": a.name, "level": a.level, "aliases": a.aliases} for a in list(k.agencies.values())
        ]
    }
    return Document("agency_list", "Agencies", [table], data, csv=table)


def agency_profile(k: Knowledge, a: m.Agency, focus: m.Component | None = None) -> Document:
    cite = Citations(k.sources)
    blocks: list[Any] = []
    if focus:
        blocks.append(
            Fields([("Component of", cite.cell(a.name)), (focus.name, cite.cell(focus.summary, focus.sources))])
        )
    fields = []
    for key, label in ASPECTS:
        text, ids = aspect_value(a, key)
        fields.append((label, cite.cell(text, ids)))
    blocks.append(Fields(fields, title="Profile"))
    if a.functions:
        blocks.append(Bullets(_facts(cite, a.functions), title="Functions"))
    if a.components:
        rows = [[cite.cell(x.key), cite.cell(x.name), cite.cell(x.summary, x.sources)] for x in a.components]
        blocks.append(Table(["key", "component", "role"], rows, title="Components"))
    if len(a.size) > 1:
        blocks.append(
            Bullets(
                [cite.cell(figure_text(f) + (f" — {f.note}" if f.note else ""), f.sources) for f in a.size],
                title="Size figures",
            )
        )
    if a.related:
        blocks.append(Bullets([cite.cell(f"{k.label(r)} ({r})") for r in a.related], title="Related"))
    cite.cite(a.sources)
    data = {"agency": msgspec.to_builtins(a)}
    if focus:
        data["component"] = msgspec.to_builtins(focus)
    title = f"{focus.name} — {a.name}" if focus else f"{a.name} ({a.key})"
    return Document("agency", title, blocks, data, cite.sources)
