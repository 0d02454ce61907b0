"""program: statute, history, models, participation and both sides of the debate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from agencyref.knowledge import model as m
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import BarChart, Bullets, Cell, Citations, Document, Fields, Paragraph, Table


def program_list(k: Knowledge) -> Document:
    rows = [
        [Cell(p.key), Cell(p.name), Cell(p.kind), Cell("yes" if p.contested else "")] for p in list(k.programs.values())
    ]
    table = Table(["key", "name", "kind", "contested"], rows)
    data = {
        "programs": [
            {"key": p.key, "name": p.name, "kind": p.kind, "aliases": p.aliases} for p in list(k.programs.values())
        ]
    }
    return Document("program_list", "Programs and policies", [table], data, csv=table)


def _variant_rows(cite: Citations, variants: list[m.Variant]) -> list[list[Cell]]:
    rows = []
    for v in variants:

        def joined(facts: list[m.Fact]) -> Cell:
            return cite.cell("; ".join(f.text for f in facts) or "—", [s for f in facts for s in f.sources])

        dates = (v.started or "?") + (" · " + "; ".join(f.text for f in v.ended) if v.ended else "")
        rows.append(
            [
                cite.cell(f"{v.name} ({v.key})"),
                cite.fact(v.summary),
                joined(v.may),
                joined(v.may_not),
                joined(v.training),
                cite.cell(dates, [s for f in v.ended for s in f.sources]),
                cite.cell(v.status, v.sources),
            ]
        )
    return rows


def participation_chart(figures: list[m.Figure], unit: str) -> BarChart:
    rows = [
        (f.as_of, f.value, f.label) for f in sorted(figures, key=lambda f: f.as_of) if f.unit == unit and not f.model
    ]
    return BarChart(rows, title=f"Participation over time ({unit})", unit=unit)


RosterPart = Callable[[Citations], tuple[list[Any], dict[str, Any]]]


def program_profile(
    k: Knowledge, p: m.Program, model: str | None = None, roster_part: RosterPart | None = None
) -> Document:
    """``roster_part`` adds blocks computed from the 287(g) roster, numbered with the same citations."""
    cite = Citations(k.sources)
    variants = [v for v in p.variants if model is None or v.key == model]
    fields = [
        ("Kind", cite.cell(p.kind)),
        ("Administered by", cite.cell(", ".join(k.label(a) for a in p.administering) or "—")),
        ("Legal basis", cite.fact(p.legal_basis)),
    ]
    if p.established:
        e = p.established
        fields.append(("Established", cite.cell(f"{e.date} — {e.law}" if e.law else e.date, e.sources)))
    fields.append(("Status", cite.fact(p.status)))
    blocks: list[Any] = [Paragraph(cite.fact(p.summary)), Fields(fields)]
    if p.history and model is None:
        blocks.append(Bullets([cite.fact(h) for h in p.history], title="History"))
    if variants:
        cols = ["model", "summary", "officers may", "officers may not", "training", "start / end", "status"]
        blocks.append(Table(cols, _variant_rows(cite, variants), title="Models", row_labels=True))
    if p.participation and model is None:
        rows = [
            [
                cite.cell(f.as_of),
                cite.cell(f"{f.value:,.0f}"),
                cite.cell(f.unit),
                cite.cell(f.label + (f" — {f.note}" if f.note else ""), f.sources),
            ]
            for f in sorted(p.participation, key=lambda f: (f.as_of, f.unit))
        ]
        blocks.append(Table(["as of", "count", "unit", "what"], rows, title="Participation (sourced figures)"))
        units = {f.unit for f in p.participation}
        for unit in sorted(units):
            if sum(1 for f in p.participation if f.unit == unit) >= 3:
                blocks.append(participation_chart(list(p.participation), unit))
    extra, extra_data = roster_part(cite) if roster_part else ([], {})
    blocks += extra
    if p.arguments_for or p.arguments_against:
        blocks.append(
            Bullets(
                [cite.cell(f"{a.by}: {a.claim}", a.sources) for a in p.arguments_for],
                title="Stated purpose and arguments for",
            )
        )
        blocks.append(
            Bullets(
                [cite.cell(f"{a.by}: {a.claim}", a.sources) for a in p.arguments_against],
                title="Criticisms and arguments against",
            )
        )
    if p.related:
        blocks.append(Bullets([cite.cell(f"{k.label(r)} ({r})") for r in p.related], title="Related"))
    cite.cite(p.sources)
    record: dict[str, Any] = msgspec.to_builtins(p)
    if model is not None:
        record["variants"] = msgspec.to_builtins(variants)
    data: dict[str, Any] = {"program": record}
    data.update(extra_data)
    title = p.name + (f" — {variants[0].name}" if model and variants else "")
    csv = (
        Table(
            ["model", "summary", "may", "may not", "training", "dates", "status"],
            _variant_rows(Citations(k.sources), variants),
        )
        if variants
        else None
    )
    return Document("program", title, blocks, data, cite.sources, csv=csv)
