"""The command line: parse arguments, call load/query/views, write output, choose exit codes.

Only this module reads argv and the environment's user-facing switches, writes
to stdout/stderr, and decides exit codes (see ``main``).
"""

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .errors import AgencyrefError, AmbiguousNameError, DataError, NotFoundError, UsageError
from .output import choose_format, emit, error, note

EPILOG_HINT = "Formats: table (default), json, yaml, csv, markdown. Exit codes: 0 ok, 1 not found, 2 usage, 3 bad data, 4 internal."

app = typer.Typer(
    name="agencyref",
    help="Who does what in U.S. law enforcement where immigration and local policing meet. Offline, sourced, dated.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EPILOG_HINT,
)


class Settings:
    """Global options, set once by the root callback."""

    def __init__(self) -> None:
        self.data: str | None = None
        self.roster: str | None = None
        self.quiet = False
        self.color = "auto"


SETTINGS = Settings()


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
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    """Offline reference: agencies, programs such as 287(g), state laws, case types, glossary, timeline.

    Every fact carries its sources and dates. A reference, not legal advice.
    """
    if color not in ("auto", "always", "never"):
        raise UsageError(f"--color must be auto, always or never (got {color!r})")
    SETTINGS.data, SETTINGS.roster, SETTINGS.color = data, roster, color
    SETTINGS.quiet = quiet or os.environ.get("AGENCYREF_QUIET", "") not in ("", "0")


# ---- shared options ------------------------------------------------------------

FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", metavar="FORMAT", help="table, json, yaml, csv or markdown (env AGENCYREF_FORMAT)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]


def _knowledge() -> Any:
    from .load import load_knowledge

    return load_knowledge(SETTINGS.data)


def _show(doc: Any, fmt: str | None, as_json: bool, k: Any) -> None:
    chosen = choose_format(fmt, as_json)
    notice = k.kb.meta.notice
    if chosen == "csv" and doc.csv is None:
        from .render.csv_ import to_csv

        to_csv(doc)  # raises the usage error that explains why
    if not SETTINGS.quiet:
        note(f"Note: {notice} (-q to hide)")
    emit(
        doc,
        chosen,
        data_as_of=k.kb.meta.data_as_of,
        notice=notice if chosen == "markdown" else "",
        color=SETTINGS.color,
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

# ---- commands ------------------------------------------------------------------


@app.command(epilog="Example: agencyref compare ice police sheriff --aspect arrest_powers --aspect warrants")
def compare(
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="AGENCY...",
            help="Two or more agencies (keys, names or aliases).",
            autocompletion=_complete(AGENCY_KINDS),
        ),
    ],
    aspect: Annotated[
        list[str] | None,
        typer.Option("--aspect", "-a", help="Only these aspects (repeatable). See `agencyref compare --help`."),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare agencies side by side: authority, jurisdiction, powers, oversight, size."""
    from .query import pick_aspects
    from .views.agencies import compare as build

    choose_format(fmt, as_json)
    k = _knowledge()
    agencies = []
    for name in names:
        entry = k.names.resolve(name, AGENCY_KINDS, "agency")
        if entry.kind == "component":
            parent, comp = k.components[entry.key]
            note(f"{comp.name} is part of {parent.name}; comparing {parent.name}.")
            entry = k.names.resolve(parent.key, ["agency"], "agency")
        agencies.append(k.agencies[entry.key])
    if len({a.key for a in agencies}) < 2:
        raise UsageError("compare needs at least two different agencies, e.g. `agencyref compare ice police`")
    _show(build(k, agencies, pick_aspects(aspect or [])), fmt, as_json, k)


@app.command(epilog="Example: agencyref agency ice   ·   agencyref agency hsi --json")
def agency(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[AGENCY]", help="Agency or component; omit to list all.", autocompletion=_complete(AGENCY_KINDS)
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One agency's full profile (components, functions, powers, sources), or the list."""
    from .views.agencies import agency_list, agency_profile

    choose_format(fmt, as_json)
    k = _knowledge()
    if name is None:
        _show(agency_list(k), fmt, as_json, k)
        return
    entry = k.names.resolve(name, AGENCY_KINDS, "agency")
    if entry.kind == "component":
        parent, comp = k.components[entry.key]
        _show(agency_profile(k, parent, comp), fmt, as_json, k)
    else:
        _show(agency_profile(k, k.agencies[entry.key]), fmt, as_json, k)


@app.command(epilog="Example: agencyref program 287g   ·   agencyref program 287g --model wso")
def program(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROGRAM]", help="Program or policy; omit to list all.", autocompletion=_complete(("program",))
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            metavar="jem|tfm|wso",
            help="Only this model of the program.",
            autocompletion=lambda: ["jem", "tfm", "wso"],
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Program summary: statute, history, models, participation with as-of dates, arguments for and against."""
    from .views.programs import program_list

    choose_format(fmt, as_json)
    k = _knowledge()
    if name is None:
        if model:
            raise UsageError("--model needs a program, e.g. `agencyref program 287g --model tfm`")
        _show(program_list(k), fmt, as_json, k)
        return
    p = k.programs[k.names.resolve(name, ["program"], "program").key]
    _show(_program_document(k, p, model), fmt, as_json, k)


def _program_document(k: Any, p: Any, model: str | None) -> Any:
    from .views.programs import program_profile

    variant = None
    if model is not None:
        wanted = model.strip().casefold()
        variant = next(
            (v for v in p.variants if wanted in (v.key, v.name.casefold(), *(a.casefold() for a in v.aliases))), None
        )
        if variant is None:
            keys = ", ".join(v.key for v in p.variants) or "none"
            raise UsageError(f"{p.name} has no model {model!r} (models: {keys})")
    model_key = variant.key if variant else None
    roster_part = None
    if p.key == "287g":
        from .views.roster import program_roster_blocks

        opened = _roster_or_none()
        roster_part = lambda cite: program_roster_blocks(opened, model_key, cite)  # noqa: E731
    return program_profile(k, p, model_key, roster_part)


def _roster_or_none() -> Any:
    from .rosterstore import open_roster

    try:
        return open_roster(SETTINGS.roster)
    except DataError as exc:
        error(f"287(g) roster unavailable: {exc.problems[0]}")
        return None


@app.command(
    epilog='Examples: agencyref jurisdiction TX   ·   agencyref jurisdiction "Harris County, TX"   ·   agencyref jurisdiction --case "human trafficking"   ·   agencyref jurisdiction --by-state'
)
def jurisdiction(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="A state (TX or Texas), county, local agency, or a federal/local agency type.",
            autocompletion=_complete(("state", "agency", "component")),
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
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            metavar="jem|tfm|wso",
            help="Only 287(g) agreements of this model.",
            autocompletion=lambda: ["jem", "tfm", "wso"],
        ),
    ] = None,
    agency_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            "-t",
            metavar="county|municipal|state",
            help="Only agencies of this type.",
            autocompletion=lambda: ["county", "municipal", "state"],
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who covers where and what: an agency's jurisdiction, a state's laws and 287(g) agreements, who handles a case type."""
    from .views import jurisdiction as views

    choose_format(fmt, as_json)
    if sum([name is not None, case is not None, by_state]) > 1:
        raise UsageError("give one of NAME, --case or --by-state")
    model_key = _model_key(model)
    if agency_type is not None and agency_type not in ("county", "municipal", "state", "federal", "tribal", "other"):
        raise UsageError("--type must be county, municipal, state, federal, tribal or other")
    k = _knowledge()
    if case is not None:
        from .query import find_matters

        _show(views.who_handles(k, case, find_matters(k, case)), fmt, as_json, k)
        return
    from .views.roster import by_state_document, place_document

    if by_state:
        _show(by_state_document(k, _require_roster(), model_key, agency_type), fmt, as_json, k)
        return
    if name is None:
        _show(views.state_list(k), fmt, as_json, k)
        return
    found = k.names.lookup(name, ["state", "agency", "component"])
    if len(found) == 1 and found[0].kind != "state":
        entry = found[0]
        agency_key = k.components[entry.key][0].key if entry.kind == "component" else entry.key
        _show(views.agency_reach(k, k.agencies[agency_key]), fmt, as_json, k)
        return
    _show(place_document(k, _roster_or_none(), name, found, model_key, agency_type), fmt, as_json, k)


def _model_key(model: str | None) -> str | None:
    if model is None:
        return None
    aliases = {
        "jem": "jem",
        "jail": "jem",
        "jailenforcementmodel": "jem",
        "tfm": "tfm",
        "taskforce": "tfm",
        "taskforcemodel": "tfm",
        "wso": "wso",
        "warrantserviceofficer": "wso",
    }
    key = aliases.get("".join(ch for ch in model.casefold() if ch.isalnum()))
    if key is None:
        raise UsageError(f"--model must be jem, tfm or wso (got {model!r})")
    return key


def _require_roster() -> Any:
    from .rosterstore import open_roster

    return open_roster(SETTINGS.roster)


@app.command(epilog="Example: agencyref glossary detainer")
def glossary(
    term: Annotated[
        str | None,
        typer.Argument(metavar="[TERM]", help="A term; omit to list all.", autocompletion=_complete(("term",))),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Definitions of the words used in this field, with see-also links."""
    from .views.reference import term as term_view
    from .views.reference import term_list

    choose_format(fmt, as_json)
    k = _knowledge()
    if term is None:
        _show(term_list(k), fmt, as_json, k)
        return
    found = k.names.lookup(term, ["term"])
    if not found:
        # A glossary user typing a program or agency name gets pointed at it.
        other = k.names.lookup(term, ["program", "agency", "component", "matter"])
        if other:
            cmd = {"program": "program", "agency": "agency", "component": "agency", "matter": "jurisdiction --case"}[
                other[0].kind
            ]
            raise NotFoundError("glossary term", term, [f"{other[0].key} (see `agencyref {cmd} {other[0].key}`)"])
    entry = k.names.resolve(term, ["term"], "glossary term")
    _show(term_view(k, k.terms[entry.key]), fmt, as_json, k)


@app.command(epilog="Example: agencyref timeline --program 287g --since 2017")
def timeline(
    program_key: Annotated[
        str | None,
        typer.Option(
            "--program",
            "-p",
            metavar="NAME",
            help="Only events concerning this program (or agency, term, state).",
            autocompletion=_complete(("program", "agency", "component")),
        ),
    ] = None,
    since: Annotated[int | None, typer.Option("--since", metavar="YEAR", help="From this year on.")] = None,
    until: Annotated[int | None, typer.Option("--until", metavar="YEAR", help="Up to and including this year.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Dated events from the INS (1933) to the newest changes, oldest first."""
    from .query import timeline as select
    from .views.reference import timeline as build

    choose_format(fmt, as_json)
    if since is not None and until is not None and since > until:
        raise UsageError("--since is after --until")
    k = _knowledge()
    key = None
    if program_key:
        entry = k.names.resolve(program_key, ["program", "agency", "component", "term", "state"], "entry")
        key = entry.key.lower()
    events = select(k, key, since, until)
    if not events:
        raise NotFoundError("event", f"{program_key or ''} {since or ''}-{until or ''}".strip())
    span = f"{events[0].date[:4]}–{events[-1].date[:4]}"
    title = f"Timeline{' — ' + k.label(key) if key else ''} ({span})"
    _show(build(k, events, title), fmt, as_json, k)


@app.command(epilog='Example: agencyref search "administrative warrant"')
def search(
    text: Annotated[list[str], typer.Argument(metavar="TEXT...", help="Words to look for in every entry.")],
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", "-k", help="Only agency, component, program, matter, term, state or event (repeatable)."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 20,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ranked search across agencies, programs, case types, states, glossary and timeline."""
    from .query import search as run
    from .views.reference import search_results

    choose_format(fmt, as_json)
    query = " ".join(text)
    k = _knowledge()
    hits = run(k, query, kind, limit)
    if not hits:
        raise NotFoundError(
            "entry matching",
            query,
            k.names.suggest(query, ["agency", "component", "program", "matter", "term", "state"]),
        )
    _show(search_results(query, hits), fmt, as_json, k)


@app.command(epilog="Example: agencyref sources gao-21-186")
def sources(
    source_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="A source id; omit to list all.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The sources behind the facts: title, publisher, date, URL."""
    from .views.reference import source, source_list

    choose_format(fmt, as_json)
    k = _knowledge()
    if source_id is None:
        _show(source_list(k), fmt, as_json, k)
        return
    if source_id not in k.sources:
        import difflib

        raise NotFoundError("source", source_id, difflib.get_close_matches(source_id, list(k.sources), n=5))
    _show(source(k, k.sources[source_id]), fmt, as_json, k)


@app.command(epilog="Example: agencyref validate --strict data/agencies.yaml")
def validate(
    path: Annotated[
        Path | None, typer.Argument(metavar="[PATH]", help="Knowledge file to check (default: the one in use).")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also enforce editorial rules: dated sources, sized agencies, both sides of contested programs.",
        ),
    ] = False,
) -> None:
    """Check a knowledge file: YAML, types, references, unique names. Exit 3 with file:line for each problem."""
    import gc

    from .load import knowledge_path, parse_knowledge, read_bytes

    gc.enable()  # a knowledge file can be large; see _entry.py
    target = path or knowledge_path(SETTINGS.data)
    kb = parse_knowledge(read_bytes(target), str(target), strict=strict)
    n = len(kb.agencies) + len(kb.programs) + len(kb.matters) + len(kb.states) + len(kb.terms) + len(kb.events)
    sys.stdout.write(f"{target}: ok ({n} entries, {len(kb.sources)} sources{', strict' if strict else ''})\n")


@app.command(
    "import-287g",
    epilog="Example: agencyref import-287g participatingAgencies10092026.xlsx pendingAgencies10092026.xlsx",
)
def import_287g(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="ICE's participating (and pending) agencies sheets, .xlsx or .csv."),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Snapshot date (default: from the file name, e.g. participatingAgencies07182025pm.xlsx).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write the roster here (default: your own roster in $XDG_DATA_HOME/agencyref, used from then on).",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and report, write nothing.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import ICE's 287(g) spreadsheet into the roster: report counts, warnings and what changed."""
    import gc

    from .importers.ice287g import diff_rosters, diff_to_dict, import_sheets, report_to_dict
    from .load import read_bytes
    from .paths import ROSTER_FILE, user_data_dir
    from .roster import decode_roster, write_roster_atomic
    from .rosterstore import open_roster

    gc.enable()  # spreadsheets are large; see _entry.py
    chosen = choose_format(fmt, as_json)
    if chosen not in ("table", "json"):
        raise UsageError("import-287g reports as a table (on stderr) or as JSON (--format json)")
    result = import_sheets(files, as_of=as_of)
    target = output or user_data_dir() / ROSTER_FILE
    try:  # compare with what the target holds, or else with the roster in use now
        previous = (
            decode_roster(read_bytes(target), str(target)) if target.is_file() else open_roster(SETTINGS.roster).roster
        )
    except DataError:
        previous = None
    diff = diff_rosters(previous, result.roster) if previous is not None else None
    if not dry_run:
        write_roster_atomic(result.roster, target)
    report = report_to_dict(result.report)
    document = {
        "schema_version": 1,
        "kind": "import_report",
        "as_of": result.roster.as_of,
        "source_url": result.roster.source_url,
        "source_files": result.roster.source_files,
        "written_to": None if dry_run else str(target),
        "report": report,
        "changes": diff_to_dict(diff) if diff is not None else None,
        "previous_as_of": previous.as_of if previous is not None else None,
    }
    if chosen == "json":
        import msgspec

        sys.stdout.write(msgspec.json.format(msgspec.json.encode(document), indent=2).decode() + "\n")
    from .views.importreport import report_lines

    for line in report_lines(document, verbose=chosen != "json"):
        note(line)


@app.command(epilog="Example: agencyref info --json")
def info(fmt: FormatOpt = None, as_json: JsonOpt = False) -> None:
    """Which data files are in use, their as-of dates and coverage counts."""
    from .load import roster_path
    from .rosterstore import roster_summary
    from .views.reference import info as build

    choose_format(fmt, as_json)
    k = _knowledge()
    path, origin = roster_path(SETTINGS.roster)
    summary: dict[str, Any] = {"path": str(path), "origin": origin}
    try:
        summary.update(roster_summary(SETTINGS.roster))
    except DataError as exc:
        summary["error"] = str(exc.problems[0])
    _show(build(k, summary, __version__), fmt, as_json, k)


# ---- entry point ---------------------------------------------------------------


# typer 0.28 vendors click (typer._click) while older releases depend on click itself; both
# raise subclasses of this public base, so we catch through it rather than a private module.
_ClickException: type[Any] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


_GLOBAL_OPTIONS_WITH_VALUE = {"--data", "--roster", "--color"}


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__).lower().replace("_", "-")


def _requested_command(args: list[str]) -> str | None:
    """The subcommand named on the command line (or being completed past), if any."""
    words = args
    if "_AGENCYREF_COMPLETE" in os.environ:  # shell completion: look at the words typed so far
        raw = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS", "")
        typed = raw.split()
        cword = os.environ.get("COMP_CWORD", "")
        words = typed[1 : int(cword)] if cword.isdigit() else typed[1:-1] if not raw.endswith(" ") else typed[1:]
    it = iter(words)
    for word in it:
        if word in _GLOBAL_OPTIONS_WITH_VALUE:
            next(it, None)
        elif not word.startswith("-"):
            return word
    return None


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command that will run registered.

    Typer turns every registered command into a click command on each call, which costs
    about as much as importing Typer itself; one command is all a call needs. Help,
    completion of command names and unknown commands get the full app.
    """
    wanted = _requested_command(args)
    names = [_command_name(info) for info in app.registered_commands]
    if wanted not in names:
        return app
    import copy

    single = copy.copy(app)
    single.registered_commands = [i for i, n in zip(app.registered_commands, names, strict=True) if n == wanted]
    return single


def main(argv: list[str] | None = None) -> None:
    """Run the app and exit with its code (see ``run``)."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """Run the app and map every outcome to an exit code; no traceback reaches a user."""
    code = 0
    args = sys.argv[1:] if argv is None else argv
    try:
        result = app_for(args)(args=args, prog_name="agencyref", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except typer.Exit as exc:
        code = exc.exit_code
    except SystemExit as exc:  # shell completion ends with sys.exit
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except _ClickException as exc:  # usage errors (exit 2) and the like, already worded by click
        exc.show()
        code = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("\n")
        code = 130
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    except NotFoundError as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        error(f"{exc}.{hint}")
        code = exc.exit_code
    except AmbiguousNameError as exc:
        error(f"{exc}: {'; '.join(exc.candidates)}. Use a key to choose.")
        code = exc.exit_code
    except DataError as exc:
        for problem in exc.problems[:200]:
            error(str(problem))
        if len(exc.problems) > 200:
            error(f"... and {len(exc.problems) - 200} more problems")
        code = exc.exit_code
    except AgencyrefError as exc:
        error(str(exc))
        code = exc.exit_code
    except Exception as exc:
        if os.environ.get("AGENCYREF_DEBUG") == "1":
            raise
        error(f"internal error: {type(exc).__name__}: {exc}. Please report it (AGENCYREF_DEBUG=1 shows the traceback).")
        code = 4
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    return code


def _silence_stdout() -> None:
    # Python flushes stdout at exit; point it at devnull so a closed pipe stays quiet.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
