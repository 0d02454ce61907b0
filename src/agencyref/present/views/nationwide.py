"""ICE's list nationwide: the counts beside `program 287g`, and every state ranked by agreements."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.knowledge.store import Knowledge
from agencyref.present.document import BarChart, Cell, Citations, Document, Table
from agencyref.present.views.roster import MODEL_NAMES, _citations, _meta, _summary_block, _summary_dict
from agencyref.roster.query import MODELS, summarize
from agencyref.roster.store import ROSTER_SOURCE_ID, OpenRoster


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
