"""The jurisdiction command: agencies' reach, states, counties and 287(g) agreements, who handles a case type."""

from typing import Annotated, Any

import typer

from agencyref.cli.app import (
    AGENCY_TYPES,
    FormatOpt,
    JsonOpt,
    _complete,
    _knowledge,
    _show,
    app,
    chosen_format,
    complete_place,
    complete_words,
    model_option,
)
from agencyref.cli.context import current
from agencyref.cli.reference import _roster_or_none
from agencyref.errors import UsageError


@app.command(
    epilog='Examples: agencyref jurisdiction TX   ·   agencyref jurisdiction "Pinellas County, FL" [--brief]   ·   agencyref jurisdiction "St. Petersburg, FL"   ·   agencyref jurisdiction fl/orange-county-sheriffs-office   ·   agencyref jurisdiction --case "human trafficking"   ·   agencyref jurisdiction --by-state'
)
def jurisdiction(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help='A state (TX or Texas), county ("Pinellas County, FL"), city ("St. Petersburg, FL"), an agency on '
            "ICE's list (name with its state, or key like fl/orange-county-sheriffs-office), or a federal/local agency type.",
            click_type=complete_place,
        ),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option(
            "--case",
            "-c",
            metavar="TEXT",
            help="Which agencies handle this case type, e.g. 'human trafficking'.",
            autocompletion=_complete(("matter",)),
        ),
    ] = None,
    by_state: Annotated[bool, typer.Option("--by-state", help="Every state ranked by 287(g) agreements.")] = False,
    model: Annotated[str | None, model_option("Only 287(g) agreements of this model.")] = None,
    agency_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            "-t",
            metavar="county|municipal|state",
            help="Only agencies of this type.",
            click_type=complete_words(*AGENCY_TYPES),
        ),
    ] = None,
    brief: Annotated[
        bool,
        typer.Option(
            "--brief", help="For a county or city: one footnoted paragraph (who holds what, since when, the law)."
        ),
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who covers where and what: an agency's jurisdiction, a state's laws and 287(g) agreements, who handles a case type."""
    from agencyref.present.views import jurisdiction as views

    chosen_format(fmt, as_json)
    if sum([name is not None, case is not None, by_state]) > 1:
        raise UsageError("give one of NAME, --case or --by-state")
    model_key = model  # already a key: --model is parsed once for every command (app.model_option)
    if agency_type is not None and agency_type not in ("county", "municipal", "state", "federal", "tribal", "other"):
        raise UsageError("--type must be county, municipal, state, federal, tribal or other")
    k = _knowledge()
    if case is not None:
        from agencyref.knowledge.query import find_matters

        _show(views.who_handles(k, case, find_matters(k, case)), fmt, as_json, k)
        return
    if by_state:
        from agencyref.present.views.nationwide import by_state_document

        roster = _require_roster()
        _show(by_state_document(k, roster, model_key, agency_type), fmt, as_json, k, roster)
        return
    if name is None:
        if brief:
            raise UsageError('--brief needs a county or city, e.g. "Pinellas County, FL"')
        _show(views.state_list(k), fmt, as_json, k)
        return
    found = k.names.lookup(name, ["state", "agency", "component"])
    if len(found) == 1 and found[0].kind != "state" and not brief:
        entry = found[0]
        agency_key = k.components[entry.key][0].key if entry.kind == "component" else entry.key
        _show(views.agency_reach(k, k.agencies[agency_key]), fmt, as_json, k)
        return
    from agencyref.present.views.roster import place_document

    roster = _roster_or_none()
    _show(place_document(k, roster, name, found, model_key, agency_type, brief), fmt, as_json, k, roster)


def _require_roster() -> Any:
    from agencyref.roster.store import open_roster

    return open_roster(current().roster)
