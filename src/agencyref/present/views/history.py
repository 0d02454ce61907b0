"""287(g) through time, from ICE's own weekly sheets: participation, changes, and program 287g's series."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agencyref.knowledge.model import Source
from agencyref.present.document import BarChart, Cell, Citations, Document, Fields, Paragraph, Table

if TYPE_CHECKING:
    from agencyref.knowledge.store import Knowledge
    from agencyref.roster.history.changes import ChangeSet
    from agencyref.roster.history.store import OpenHistory
    from agencyref.roster.store import OpenRoster

HISTORY_SOURCE_ID = "ice-287g-history"


def history_source(history: OpenHistory) -> Source:
    """The history as a citable source: ICE's sheets, dated by the first and last list kept."""
    dated = history.participating
    return Source(
        id=HISTORY_SOURCE_ID,
        title="287(g) participating and pending agencies, ICE's weekly spreadsheets "
        f"{dated[0].date} to {dated[-1].date} (as kept by agencyref)",
        publisher="U.S. Immigration and Customs Enforcement",
        url=history.compiled.source_url,
        kind="dataset",
        published=history.as_of,
    )


def history_document(k: Knowledge, h: OpenHistory, code: str | None, by: str | None, monthly: bool) -> Document:
    """`agencyref history [STATE]`: agreements listed per week or month, optionally by model or agency type."""
    from agencyref.errors import NoResultsError

    points = h.series(code, by=by, monthly=monthly)
    if not any(p.counts["total"] for p in points):
        raise NoResultsError(f"no 287(g) agreements listed for {code} in the history")
    names = sorted({n for p in points for n, v in p.counts.items() if n != "total" and v}) if by else []
    cite = Citations(k.sources, extra={HISTORY_SOURCE_ID: history_source(h)})
    refs = cite.cite([HISTORY_SOURCE_ID])
    where = code or "nationwide"
    columns = ["date", "agreements", *names]
    rows = [
        [Cell(p.date, refs), Cell(str(p.counts["total"])), *(Cell(str(p.counts.get(n, 0))) for n in names)]
        for p in points
    ]
    period = "month" if monthly else "week"
    table = Table(columns, rows, title=f"287(g) agreements listed by ICE, {where}, {period}ly")
    chart = BarChart(
        [(p.date, p.counts["total"], str(p.counts["total"])) for p in points],
        title="Agreements listed",
        unit="agreements",
    )
    data = {
        "key": "287g",
        "state": code,
        "by": by,
        "period": period,
        "as_of": h.as_of,
        "history_origin": h.origin,
        "points": [{"date": p.date, **p.counts} for p in points],
        "peak": max(p.counts["total"] for p in points),
    }
    return Document(
        kind="history_287g",
        title=f"287(g) participation over time ({where})",
        blocks=[table, chart],
        data=data,
        sources=cite.sources,
        csv=Table(columns, rows),
        notes=[f"Each row is the last list ICE published that {period}; counts are rows of ICE's participating sheet."],
    )


def changes_document(k: Knowledge, h: OpenHistory, result: ChangeSet) -> Document:
    """`agencyref changes`: agreements added, ended and changed between two of ICE's lists."""
    cite = Citations(k.sources, extra={HISTORY_SOURCE_ID: history_source(h)})
    refs = cite.cite([HISTORY_SOURCE_ID])

    def what(fields: dict[str, list[str | None]]) -> str:
        return "; ".join(f"{n}: {a or '—'} → {b or '—'}" for n, (a, b) in fields.items())

    columns = ["change", "state", "agency", "type", "model", "what"]
    rows = [
        [Cell(c.kind, refs), Cell(c.state), Cell(c.agency), Cell(c.agency_type), Cell(c.model), Cell(what(c.fields))]
        for c in result.changes
    ]
    counts = {kind: sum(1 for c in result.changes if c.kind == kind) for kind in ("added", "ended", "changed")}
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    plain = result.participating
    totals = (
        f"Participating agreements {plain['before']:,} → {plain['after']:,}: {plain['joined']:,} on the newer list only "
        f"(new agreements, former pending requests, new models), {plain['left']:,} on the older list only"
        + (f"; {plain['renamed']:,} listed under a new name" if plain.get("renamed") else "")
        + "."
    )
    return Document(
        kind="changes_287g",
        title=f"287(g) changes from ICE's list of {result.since} to {result.until}",
        blocks=[
            Paragraph(Cell(totals, refs)),
            Table(columns, rows, title=f"{result.since} → {result.until}: {summary}"),
        ],
        data={
            "key": "287g",
            "since": result.since,
            "until": result.until,
            "counts": counts,
            "participating": plain,
            "changes": [
                {
                    "change": c.kind,
                    "state": c.state,
                    "agency": c.agency,
                    "agency_type": c.agency_type,
                    "model": c.model,
                    "fields": c.fields,
                }
                for c in result.changes
            ],
        },
        sources=cite.sources,
        csv=Table(columns, rows),
    )


def program_history_blocks(
    k: Knowledge, h: OpenHistory, opened: OpenRoster | None, cite: Citations
) -> tuple[list[Any], dict[str, Any]]:
    """For `program 287g`: ICE's own monthly series, and any later sourced totals beside the bundled list."""
    from agencyref.roster.history.store import participation_series

    cite.extra[HISTORY_SOURCE_ID] = history_source(h)
    refs = cite.cite([HISTORY_SOURCE_ID])
    series = participation_series(h, monthly=True)
    blocks: list[Any] = [
        BarChart(
            [(date, count, f"{count:,}") for date, count in series],
            title=f"Agreements on ICE's own lists, last list of each month ({series[0][0]} to {series[-1][0]})",
            unit="agreements",
        )
    ]
    as_of = opened.as_of if opened is not None else h.as_of
    program = k.programs.get("287g")
    later = [f for f in (program.participation if program else []) if f.as_of > as_of and f.unit == "agreements"]
    later = [f for f in later if f.model is None]
    if later:
        fields = [
            (f"{f.as_of}", cite.cell(f"{f.value:,.0f} {f.unit} — {f.label}", f.sources))
            for f in sorted(later, key=lambda f: f.as_of)
        ]
        fields.insert(0, ("Bundled list", Cell(f"ICE's list of {as_of} (older than the figures below)", refs)))
        blocks.append(Fields(fields, title="Newer totals than the bundled list (sourced, not recounted here)"))
    data = {
        "history": {
            "source": "ICE's weekly 287(g) sheets",
            "from": series[0][0],
            "to": series[-1][0],
            "monthly": [{"date": d, "agreements": n} for d, n in series],
            "newer_sourced_totals": [{"as_of": f.as_of, "value": f.value, "label": f.label} for f in later],
        }
    }
    return blocks, data
