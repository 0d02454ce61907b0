"""The Typer app, its global options, and what every command shares: loading, output, completion.

Only the ``cli`` package reads argv and the user-facing environment switches, writes to
stdout/stderr, and decides exit codes.
"""

import os
import sys
from collections.abc import Iterable
from typing import Annotated, Any

import typer

from agencyref import __version__
from agencyref.cli.context import CallContext, current
from agencyref.cli.output import choose_format, emit, note
from agencyref.errors import AgencyrefError, UsageError

EPILOG_HINT = "Formats: table (default), json, yaml, csv, tsv, markdown. Exit codes: 0 ok, 1 not found, 2 usage, 3 bad data, 4 internal, 141 output closed."

# ---- completion -------------------------------------------------------------------
#
# Every TAB runs agencyref, so completers import little and read only what they offer.
# Values are completed by the option's click type (``click_type=``): a string type, so the
# value is read exactly as before, whose ``shell_complete`` matches what was typed ignoring
# case. (Typer's ``autocompletion`` keeps only values that start with the typed text
# case-sensitively, which would drop "Florida" for `flo` and "Pinellas County, FL" for `pinel`.)


def _click_module(name: str) -> Any:
    """A module of click: vendored inside typer since 0.28, a dependency before."""
    from importlib import import_module

    try:
        return import_module(f"typer._click.{name}")
    except ImportError:
        return import_module(f"click.{name}")


def completing(values: Any) -> Any:
    """A click type that reads text as ``str`` does and completes it with ``values(ctx, incomplete) -> list[str]``."""

    def shell_complete(self: Any, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        item = _click_module("shell_completion").CompletionItem
        return [item(value) for value in values(ctx, incomplete)]

    base = _click_module("types").StringParamType
    return type("Completing", (base,), {"shell_complete": shell_complete})()


def _matching(values: Iterable[str], incomplete: str, *, or_all: bool = True) -> list[str]:
    """The values that start with what was typed, ignoring case; with none, all of them (``or_all``),
    so that a closed set of words is listed rather than the shell falling back to file names."""
    values = list(values)
    low = incomplete.casefold()
    found = [v for v in values if v.casefold().startswith(low)]
    return found if found or not or_all else values


def complete_words(*values: str) -> Any:
    """The type of an option that takes one of a fixed set of words."""
    return completing(lambda ctx, incomplete: _matching(values, incomplete))


def _formats(ctx: Any, incomplete: str) -> list[str]:
    """The formats the command accepts: export writes json, markdown or sqlite; the rest render FORMATS."""
    if getattr(ctx, "info_name", None) == "export":
        return _matching(EXPORT_FORMATS, incomplete)
    from agencyref.present.render import FORMATS

    return _matching(FORMATS, incomplete)


def _aspects(ctx: Any, incomplete: str) -> list[str]:
    from agencyref.knowledge.query import ASPECT_KEYS

    return _matching(ASPECT_KEYS, incomplete)


def _states(ctx: Any, incomplete: str) -> list[str]:
    """USPS codes and state names: `t` → TN, TX, Tennessee, Texas."""
    from agencyref.usps import STATE_NAMES

    return _matching([*STATE_NAMES, *STATE_NAMES.values()], incomplete, or_all=False)


def _places(ctx: Any, incomplete: str) -> list[str]:
    """For `jurisdiction`: states (codes and names) and the knowledge file's agencies; from three letters on,
    also counties ("Pinellas County, FL"), cities ("St. Petersburg, FL") and agency keys
    ("fl/pinellas-county-sheriffs-office") from the placement file."""
    agencies: list[str] = _complete(AGENCY_KINDS)(incomplete)
    out = _states(ctx, incomplete) + agencies
    if len(incomplete.strip()) < 3:
        return out
    try:
        from agencyref.roster.places.complete import complete_place as places

        return out + [p for p in places(incomplete) if p not in out]
    except AgencyrefError:
        return out


COLORS = ("auto", "always", "never")
MODEL_WORDS = ("jem", "tfm", "wso")
AGENCY_TYPES = ("county", "municipal", "state", "federal", "tribal", "other")
EXPORT_FORMATS = ("json", "markdown", "sqlite")
complete_format = completing(_formats)
complete_aspect = completing(_aspects)
complete_state = completing(_states)
complete_place = completing(_places)


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class RootGroup(typer.core.TyperGroup):
    """The root command. `--show-completion SHELL` and `--install-completion SHELL` use the shell named.

    Typer's own options are flags that detect the shell agencyref runs in, so `--show-completion zsh`
    typed in bash printed bash's script (the `zsh` left over as a would-be command). A shell named
    right after the option (or as `--show-completion=zsh`) is handled here; without one, Typer detects it.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        request = _completion_request(args, set(self.commands))
        if request is not None and not ctx.resilient_parsing:
            _completion_script(ctx, *request)
        result: list[str] = super().parse_args(ctx, args)
        return result


def _completion_request(args: list[str], commands: set[str]) -> tuple[str, str] | None:
    """("show" or "install", shell) when the words before the command ask for a named shell's script."""
    for i, word in enumerate(args):
        if word in commands:
            return None
        option, _, value = word.partition("=")
        if option in ("--show-completion", "--install-completion"):
            shell = value or (args[i + 1] if i + 1 < len(args) else "")
            if shell in SHELLS:
                return option.removeprefix("--").removesuffix("-completion"), shell
            if shell and not shell.startswith("-") and shell not in commands:
                raise UsageError(f"{option}: no completion for shell {shell!r} (one of {', '.join(SHELLS)})")
    return None


def _completion_script(ctx: Any, action: str, shell: str) -> None:
    from typer._completion_shared import get_completion_script, install

    prog = ctx.find_root().info_name or "agencyref"
    var = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    if action == "show":
        sys.stdout.write(get_completion_script(prog_name=prog, complete_var=var, shell=shell) + "\n")
    else:
        _, path = install(shell=shell, prog_name=prog, complete_var=var)
        sys.stdout.write(
            f"{shell} completion installed in {path}\nCompletion will take effect once you restart the terminal\n"
        )
    raise typer.Exit()


app = typer.Typer(
    cls=RootGroup,
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


# The output options every command takes (and the root too, so they may come before the command).
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, yaml, csv, tsv or markdown (env AGENCYREF_FORMAT).",
        click_type=complete_format,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]


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
            click_type=complete_words(*COLORS),
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
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
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


def state_code_option(text: str | None) -> str | None:
    """A --state/STATE value (TX or Texas) as its USPS code; a usage error names what was not understood."""
    if text is None:
        return None
    from agencyref.usps import state_code

    code = state_code(text)
    if code is None:
        raise UsageError(f"unknown state {text!r}; give a USPS code such as TX or a name such as Texas")
    return code


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
        click_type=complete_words(*MODEL_WORDS),
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
