"""`agencyref roster`: the whole 287(g) list (or its history) as CSV, TSV or JSON for analysis."""

from typing import Annotated

import typer

from agencyref.cli.app import FormatOpt, JsonOpt, _knowledge, _show, app, state_code_option


@app.command(
    epilog="Examples: agencyref roster --format csv > roster.csv   ·   agencyref roster --state TX --format tsv   ·   "
    "agencyref roster --history --format csv"
)
def roster(
    state: Annotated[str | None, typer.Option("--state", metavar="ST", help="Only this state (TX or Texas).")] = None,
    history: Annotated[
        bool,
        typer.Option("--history", help="Every agreement ever on ICE's lists, with first and last listed, instead."),
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The whole 287(g) roster, one row per agreement: keys, county, ORI, dates, MOA links (csv, tsv, json)."""
    from agencyref.cli.reference import _roster_or_none
    from agencyref.errors import DataError

    code = state_code_option(state)
    k = _knowledge()
    from agencyref.roster.history.store import open_history

    if history:
        from agencyref.present.views.rosterexport import history_export

        _show(history_export(k, open_history(), code), fmt, as_json, k)
        return
    from agencyref.present.views.rosterexport import roster_export
    from agencyref.roster.places.store import load_placement

    opened = _roster_or_none()
    if opened is None:
        raise DataError([])
    try:
        kept = open_history()
    except DataError:
        kept = None
    _show(roster_export(k, opened, load_placement(), kept, code), fmt, as_json, k, opened)
