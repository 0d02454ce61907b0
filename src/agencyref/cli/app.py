"""The Typer app, its global options, and what every command shares: loading, output, completion.

Only the ``cli`` package reads argv and the user-facing environment switches, writes to
stdout/stderr, and decides exit codes.
"""

import os
import sys
from typing import Annotated, Any

import typer

from agencyref import __version__
from agencyref.cli.context import CallContext, current
from agencyref.cli.output import choose_format, emit, note
from agencyref.errors import AgencyrefError, UsageError

EPILOG_HINT = "Formats: table (default), json, yaml, csv, tsv, markdown. Exit codes: 0 ok, 1 not found, 2 usage, 3 bad data, 4 internal, 141 output closed."

app = typer.Typer(
    name="agencyref",
    help="Who does what in U.S. law enforcement where immigration and local policing meet. Offline, sourced, dated.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG_HINT,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"agencyref {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    data: Annotated[
        str | None,
        typer.Option(
            "--data", metavar="PATH", help="Knowledge file to use instead of the bundled one (env AGENCYREF_DATA)."
        ),
    ] = None,
    roster: Annotated[
        str | None, typer.Option("--roster", metavar="PATH", help="287(g) roster file to use (env AGENCYREF_ROSTER).")
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Do not print the not-legal-advice notice or freshness warnings (env AGENCYREF_QUIET=1).",
        ),
    ] = False,
    color: Annotated[
        str,
        typer.Option(
            "--color",
            metavar="auto|always|never",
            help="Colour in table output; NO_COLOR and FORCE_COLOR are honoured.",
        ),
    ] = "auto",
    pager: Annotated[
        bool | None,
        typer.Option(
            "--pager/--no-pager",
            help="Page long output at a terminal ($AGENCYREF_PAGER, $PAGER, default 'less -FIRX'). Never when piped.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="table, json, yaml, csv, tsv or markdown (env AGENCYREF_FORMAT)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    """Offline reference: agencies, programs such as 287(g), state laws, case types, glossary, timeline.

    Every fact carries its sources and dates. A reference, not legal advice.
    """
    call = current()
    store_option(call, "color", color)
    call.data, call.roster, call.pager = data, roster, pager
    call.quiet = call.quiet or quiet
    if as_json or fmt:
        call.format = choose_format(fmt, as_json)


def store_option(call: CallContext, name: str, value: Any) -> None:
    """Put one global option's value into the call's context (also used when it follows the subcommand)."""
    if name == "color" and value not in ("auto", "always", "never"):
        raise UsageError(f"--color must be auto, always or never (got {value!r})")
    if name == "quiet":
        call.quiet = call.quiet or bool(value)
    else:
        setattr(call, name, value)


# ---- shared options ------------------------------------------------------------

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", metavar="FORMAT", help="table, json, yaml, csv, tsv or markdown (env AGENCYREF_FORMAT)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]


def _parse_model(value: str | None) -> str | None:
    """Every --model takes the same words (jem, jail, "Task Force Model", …) and hands on the key."""
    if value is None:
        return None
    from ..roster.model import parse_model

    key = parse_model(value)
    if key is None:
        raise typer.BadParameter(f"must be jem, tfm or wso, or the model's name (got {value!r})", param_hint="--model")
    return key


def model_option(help_text: str) -> Any:
    """The --model option of the commands that can narrow 287(g) to one model."""
    return typer.Option(
        "--model",
        "-m",
        metavar="jem|tfm|wso",
        help=help_text,
        callback=_parse_model,
        autocompletion=lambda: ["jem", "tfm", "wso"],
    )


def _knowledge() -> Any:
    from agencyref.knowledge.store import load_knowledge

    return load_knowledge(current().data)


def _reference() -> Any:
    """The Python API over this call's files: commands are thin wrappers around it."""
    from agencyref.api import Reference

    return Reference(_knowledge(), current().roster)


STALE_DAYS = 90  # default age after which the roster notice appears (AGENCYREF_STALE_DAYS)


def _freshness(roster: Any) -> None:
    """One stderr line when the 287(g) roster in use is older than AGENCYREF_STALE_DAYS."""
    setting = os.environ.get("AGENCYREF_STALE_DAYS", "")
    limit = int(setting) if setting.isdigit() else STALE_DAYS
    from agencyref.roster.store import newer_bundled

    newer = newer_bundled(roster.path, roster.origin)
    if newer:
        note(
            f"Note: your own 287(g) list ({roster.path}, ICE's of {roster.as_of}) is older than the one shipped with "
            f"this version (ICE's of {newer}); `agencyref update` brings in the current one, or delete yours to use it."
        )
    age = roster.age_days()
    if age is not None and age > limit:
        note(
            f"Note: the 287(g) list in use is ICE's of {roster.as_of} ({age} days old). ICE publishes the current one at "
            f"{roster.compiled.source_url}; `agencyref update` brings it in (or `agencyref import-287g FILE`)."
        )


def chosen_format(fmt: str | None, as_json: bool) -> str:
    """The command's own --format/--json, else one given before the subcommand, else the default."""
    if fmt is None and not as_json and current().format:
        return str(current().format)
    return choose_format(fmt, as_json)


def _show(doc: Any, fmt: str | None, as_json: bool, k: Any, roster: Any = None) -> None:
    chosen = chosen_format(fmt, as_json)
    call = current()
    notice = k.meta.notice
    if chosen in ("csv", "tsv") and doc.csv is None:
        from agencyref.present.render.csv_ import to_csv

        to_csv(doc, "\t" if chosen == "tsv" else ",")  # raises the usage error that explains why
    if not call.quiet:
        note(f"Note: {notice} (-q to hide)")
        if roster is not None:
            _freshness(roster)
    emit(
        doc,
        chosen,
        data_as_of=k.meta.data_as_of,
        notice=notice if chosen == "markdown" else "",
        color=call.color,
        pager=call.pager,
    )


def _complete(kinds: tuple[str, ...]) -> Any:
    def complete(incomplete: str) -> list[str]:
        try:
            k = _knowledge()
        except AgencyrefError:
            return []
        low = incomplete.casefold()
        return [n for n in k.names.names_for(kinds) if n.casefold().startswith(low)]

    return complete


AGENCY_KINDS = ("agency", "component")
