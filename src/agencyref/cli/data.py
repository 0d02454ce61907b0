"""Commands about the data itself: validate, import-287g, info."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agencyref import __version__
from agencyref.cli.app import SETTINGS, FormatOpt, JsonOpt, _knowledge, _show, app
from agencyref.cli.output import choose_format, note, write_answer
from agencyref.cli.reference import _roster_or_none
from agencyref.errors import DataError, UsageError

ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace --output even if it is read-only or holds something else.")
]


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

    from agencyref.files import KNOWLEDGE_LIMIT, read_bytes
    from agencyref.knowledge.store import knowledge_path, parse_knowledge

    gc.enable()  # a knowledge file can be large; see _entry.py
    target = path or knowledge_path(SETTINGS.data)
    kb = parse_knowledge(read_bytes(target, KNOWLEDGE_LIMIT, "a knowledge file"), str(target), strict=strict)
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
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", metavar="NAME", help="Encoding of .csv sheets (default UTF-8), e.g. cp1252."),
    ] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import ICE's 287(g) spreadsheet into the roster: report counts, warnings and what changed."""
    import gc

    from agencyref.atomic import check_target
    from agencyref.files import ROSTER_LIMIT, is_regular, read_bytes
    from agencyref.knowledge.store import knowledge_path
    from agencyref.paths import ROSTER_FILE, user_data_dir
    from agencyref.roster.file import decode_roster, looks_like_roster, write_roster_atomic
    from agencyref.roster.ice287g import diff_rosters, diff_to_dict, import_sheets, report_to_dict
    from agencyref.roster.store import open_roster

    gc.enable()  # spreadsheets are large; see _entry.py
    chosen = choose_format(fmt, as_json)
    if chosen not in ("table", "json"):
        raise UsageError("import-287g reports as a table (on stderr) or as JSON (--format json)")
    folder = user_data_dir()
    if output is not None:
        target = output
    elif folder is not None:
        target = folder / ROSTER_FILE
    else:
        raise UsageError("there is no home directory for your roster: give --output PATH or set XDG_DATA_HOME")
    protect = [*files, knowledge_path(SETTINGS.data)]  # never write over what we read
    if not dry_run:
        check_target(target, what="roster", recognise=looks_like_roster, force=force, protect=protect)
    result = import_sheets(files, as_of=as_of, encoding=encoding)
    try:  # compare with what the target holds, or else with the roster in use now
        previous = (
            decode_roster(read_bytes(target, ROSTER_LIMIT, "a roster"), str(target))
            if is_regular(target)
            else open_roster(SETTINGS.roster).roster
        )
    except DataError:
        previous = None
    diff = diff_rosters(previous, result.roster) if previous is not None else None
    if not dry_run:
        write_roster_atomic(result.roster, target, force=force, protect=protect)
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

        from agencyref.present.render.data import json_text

        write_answer(json_text(msgspec.json.encode(document)), "json")
    from agencyref.present.views.importreport import report_lines

    for line in report_lines(document, verbose=chosen != "json"):
        note(line)


@app.command(epilog="Example: agencyref info --json")
def info(fmt: FormatOpt = None, as_json: JsonOpt = False) -> None:
    """Which data files are in use, their as-of dates and coverage counts."""
    from agencyref.present.views.reference import info as build
    from agencyref.roster.store import roster_path, roster_summary

    choose_format(fmt, as_json)
    k = _knowledge()
    path, origin = roster_path(SETTINGS.roster)
    summary: dict[str, Any] = {"path": str(path), "origin": origin}
    try:
        summary.update(roster_summary(SETTINGS.roster))
    except DataError as exc:
        summary["error"] = str(exc.problems[0])
    _show(build(k, summary, __version__), fmt, as_json, k)


@app.command(epilog="Example: agencyref schema > agencies.schema.json   ·   agencyref schema --roster")
def schema(
    roster: Annotated[bool, typer.Option("--roster", help="The schema of the 287(g) roster file instead.")] = False,
) -> None:
    """Print the JSON Schema of the knowledge file (generated from the typed models)."""
    from agencyref.present.schema import knowledge_schema, roster_schema

    sys.stdout.write(roster_schema() if roster else knowledge_schema())


@app.command(epilog="Example: agencyref export --format markdown --output agencyref.md")
def export(
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="PATH", help="Write here instead of stdout.")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Export the whole reference: markdown with footnoted sources, or one JSON document."""
    from agencyref.present.views.export import export_json, export_markdown

    chosen = choose_format(fmt, as_json)
    if chosen not in ("markdown", "json"):
        raise UsageError("export writes markdown (--format markdown) or JSON (--format json)")
    k = _knowledge()
    opened = _roster_or_none()
    text = export_json(k, opened) if chosen == "json" else export_markdown(k, opened)
    if output is None:
        write_answer(text, chosen)
        return
    from agencyref.atomic import write_atomic
    from agencyref.knowledge.store import knowledge_path
    from agencyref.present.views.export import looks_like_export

    protect = [knowledge_path(SETTINGS.data), *([opened.path] if opened is not None else [])]
    write_atomic(output, text.encode("utf-8"), what="export", recognise=looks_like_export, force=force, protect=protect)
    note(f"wrote {output}")
