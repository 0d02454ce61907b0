"""Commands over ICE's 287(g) list through time: history and changes."""

from typing import Annotated, Any

import typer

from agencyref.cli.app import FormatOpt, JsonOpt, _knowledge, _show, app, model_option
from agencyref.errors import UsageError

HISTORY_SOURCE_ID = "ice-287g-history"


def _state(text: str | None) -> str | None:
    if text is None:
        return None
    from agencyref.usps import state_code

    code = state_code(text)
    if code is None:
        raise UsageError(f"unknown state {text!r}; give a USPS code such as TX or a name such as Texas")
    return code


def _source(history: Any) -> Any:
    from agencyref.knowledge.model import Source

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


@app.command(
    "history",
    epilog="Examples: agencyref history · agencyref history TX --by model --monthly · agencyref history --json",
)
def history_command(
    state: Annotated[
        str | None, typer.Argument(metavar="[STATE]", help="A state (TX or Texas); default: nationwide.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="model|type", help="Split the counts by 287(g) model or agency type.")
    ] = None,
    monthly: Annotated[bool, typer.Option("--monthly", help="One row per month instead of per week.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Participation over time from ICE's own weekly sheets: agreements listed, by week or month."""
    from agencyref.present.document import BarChart, Cell, Citations, Document, Table
    from agencyref.roster.history.store import open_history

    if by not in (None, "model", "type"):
        raise UsageError(f"--by must be model or type (got {by!r})")
    code = _state(state)
    k = _knowledge()
    h = open_history()
    points = h.series(code, by=by, monthly=monthly)
    if not any(p.counts["total"] for p in points):
        from agencyref.errors import NoResultsError

        raise NoResultsError(f"no 287(g) agreements listed for {code} in the history")
    names = sorted({n for p in points for n, v in p.counts.items() if n != "total" and v}) if by else []
    cite = Citations(k.kb.sources, extra={HISTORY_SOURCE_ID: _source(h)})
    refs = cite.cite([HISTORY_SOURCE_ID])
    where = code or "nationwide"
    columns = ["date", "agreements", *names]
    rows = [
        [Cell(p.date, refs), Cell(str(p.counts["total"])), *(Cell(str(p.counts.get(n, 0))) for n in names)]
        for p in points
    ]
    table = Table(
        columns, rows, title=f"287(g) agreements listed by ICE, {where}, {'monthly' if monthly else 'weekly'}"
    )
    peak = max(p.counts["total"] for p in points) or 1
    chart = BarChart(
        [(p.date, p.counts["total"], str(p.counts["total"])) for p in points],
        title="Agreements listed",
        unit="agreements",
    )
    data = {
        "key": "287g",
        "state": code,
        "by": by,
        "period": "month" if monthly else "week",
        "as_of": h.as_of,
        "history_origin": h.origin,
        "points": [{"date": p.date, **p.counts} for p in points],
        "peak": peak,
    }
    doc = Document(
        kind="history_287g",
        title=f"287(g) participation over time ({where})",
        blocks=[table, chart],
        data=data,
        sources=cite.sources,
        csv=Table(columns, rows),
        notes=[
            f"Each row is the last list ICE published that {'month' if monthly else 'week'}; counts are rows of ICE's participating sheet."
        ],
    )
    _show(doc, fmt, as_json, k)


@app.command(
    "changes", epilog="Examples: agencyref changes · agencyref changes --since 2025-08-01 --state FL --model tfm"
)
def changes_command(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="YYYY-MM-DD", help="The list in force on this date (default: the one before --until)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="YYYY-MM-DD", help="The list in force on this date (default: the newest)."),
    ] = None,
    state: Annotated[str | None, typer.Option("--state", metavar="ST", help="Only this state.")] = None,
    model: Annotated[str | None, model_option("Only agreements of this 287(g) model.")] = None,
    agency_type: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="Only this agency type (county, municipal, state, …).")
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two of ICE's lists: agreements added, ended, and changed (model, MOA link, status)."""
    import datetime as dt

    from agencyref.present.document import Cell, Citations, Document, Table
    from agencyref.roster.history.changes import changes
    from agencyref.roster.history.store import open_history

    for name, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError as exc:
                raise UsageError(f"{name} must be a date like 2025-07-18, not {value!r}") from exc
    if model is not None and model.casefold() not in ("jem", "tfm", "wso"):
        raise UsageError(f"--model must be jem, tfm or wso (got {model!r})")
    k = _knowledge()
    h = open_history()
    result = changes(h, since, until, _state(state), model.casefold() if model else None, agency_type)
    cite = Citations(k.kb.sources, extra={HISTORY_SOURCE_ID: _source(h)})
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
    doc = Document(
        kind="changes_287g",
        title=f"287(g) changes from ICE's list of {result.since} to {result.until}",
        blocks=[Table(columns, rows, title=f"{result.since} → {result.until}: {summary}")],
        data={
            "key": "287g",
            "since": result.since,
            "until": result.until,
            "counts": counts,
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
    _show(doc, fmt, as_json, k)
