"""Commands over ICE's 287(g) list through time: history and changes."""

from typing import Annotated

import typer

from agencyref.cli.app import (
    AGENCY_TYPES,
    FormatOpt,
    JsonOpt,
    _knowledge,
    _show,
    app,
    complete_state,
    complete_words,
    model_option,
    state_code_option,
)
from agencyref.errors import UsageError


@app.command(
    "history",
    epilog="Examples: agencyref history · agencyref history TX --by model --monthly · agencyref history --json",
)
def history_command(
    state: Annotated[
        str | None,
        typer.Argument(
            metavar="[STATE]", help="A state (TX or Texas); default: nationwide.", click_type=complete_state
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="model|type",
            help="Split the counts by 287(g) model or agency type.",
            click_type=complete_words("model", "type"),
        ),
    ] = None,
    monthly: Annotated[bool, typer.Option("--monthly", help="One row per month instead of per week.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Participation over time from ICE's own weekly sheets: agreements listed, by week or month."""
    from agencyref.present.views.history import history_document
    from agencyref.roster.history.store import open_history

    if by not in (None, "model", "type"):
        raise UsageError(f"--by must be model or type (got {by!r})")
    code = state_code_option(state)
    k = _knowledge()
    _show(history_document(k, open_history(), code, by, monthly), fmt, as_json, k)


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
    state: Annotated[
        str | None, typer.Option("--state", metavar="ST", help="Only this state.", click_type=complete_state)
    ] = None,
    model: Annotated[str | None, model_option("Only agreements of this 287(g) model.")] = None,
    agency_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Only this agency type (county, municipal, state, …).",
            click_type=complete_words(*AGENCY_TYPES),
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two of ICE's lists: agreements added, ended, and changed (model, MOA link, status)."""
    import datetime as dt

    from agencyref.present.views.history import changes_document
    from agencyref.roster.history.changes import changes
    from agencyref.roster.history.store import open_history

    for name, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError as exc:
                raise UsageError(f"{name} must be a date like 2025-07-18, not {value!r}") from exc
    k = _knowledge()
    h = open_history()
    result = changes(h, since, until, state_code_option(state), model, agency_type)
    _show(changes_document(k, h, result), fmt, as_json, k)
