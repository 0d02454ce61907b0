"""Commands about the data itself: validate, import-287g, info."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agencyref import __version__
from agencyref.cli.app import FormatOpt, JsonOpt, _knowledge, _show, app, chosen_format
from agencyref.cli.context import current
from agencyref.cli.output import note, write_answer
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
    target = path or knowledge_path(current().data)
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
    replace_pending: Annotated[
        bool,
        typer.Option(
            "--replace-pending",
            help="With a participating sheet alone, drop the pending requests of the roster in use (default: keep them).",
        ),
    ] = False,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import ICE's 287(g) spreadsheet into the roster: report counts, warnings and what changed.

    The report goes to stderr, or with --json to stdout as one JSON document.
    """
    import gc

    from agencyref.atomic import check_target
    from agencyref.files import ROSTER_LIMIT, is_regular, read_bytes
    from agencyref.knowledge.store import knowledge_path
    from agencyref.paths import ROSTER_FILE, user_data_dir
    from agencyref.roster.file import decode_roster, looks_like_roster, write_roster_atomic
    from agencyref.roster.ice287g import diff_rosters, diff_to_dict, import_sheets, report_to_dict
    from agencyref.roster.store import open_roster

    gc.enable()  # spreadsheets are large; see _entry.py
    chosen = chosen_format(fmt, as_json)
    if chosen not in ("table", "json"):
        raise UsageError("import-287g reports as a table (on stderr) or as JSON (--format json)")
    folder = user_data_dir()
    if output is not None:
        target = output
    elif folder is not None:
        target = folder / ROSTER_FILE
    else:
        raise UsageError("there is no home directory for your roster: give --output PATH or set XDG_DATA_HOME")
    protect = [*files, knowledge_path(current().data)]  # never write over what we read
    if not dry_run:
        check_target(target, what="roster", recognise=looks_like_roster, force=force, protect=protect)
    result = import_sheets(files, as_of=as_of, encoding=encoding)
    try:  # compare with what the target holds, or else with the roster in use now
        previous = (
            decode_roster(read_bytes(target, ROSTER_LIMIT, "a roster"), str(target))
            if is_regular(target)
            else open_roster(current().roster).roster
        )
    except DataError:
        previous = None
    kept_pending = None
    if previous is not None and result.report.pending == 0 and not replace_pending:
        # A participating sheet alone says nothing about pending requests: keep the ones in use.
        import msgspec

        from agencyref.roster.ice287g import agreement_sort_key

        pending = [a for a in previous.agreements if a.status == "pending"]
        kept_pending = len(pending)
        merged = sorted([*result.roster.agreements, *pending], key=agreement_sort_key)
        result = msgspec.structs.replace(result, roster=msgspec.structs.replace(result.roster, agreements=merged))
    diff = diff_rosters(previous, result.roster) if previous is not None else None
    history: dict[str, Any] | None = None
    if not dry_run and output is not None:
        write_roster_atomic(result.roster, target, force=force, protect=protect)
    elif not dry_run:  # your own copy: the sheets join your history; the roster moves only to a newer list
        import msgspec

        from agencyref.roster.history.ingest import ingest

        history = msgspec.to_builtins(
            ingest(files, as_of=as_of, data_dir=folder, keep_pending=not replace_pending, encoding=encoding)
        )
        if history["roster_written"] is None:
            target = None  # type: ignore[assignment]
            diff = None
    report = report_to_dict(result.report)
    document = {
        "schema_version": 1,
        "kind": "import_report",
        "as_of": result.roster.as_of,
        "source_url": result.roster.source_url,
        "source_files": result.roster.source_files,
        "written_to": None if dry_run or target is None else str(target),
        "history": history,
        "report": report,
        "changes": diff_to_dict(diff) if diff is not None else None,
        "previous_as_of": previous.as_of if previous is not None else None,
        "kept_pending": kept_pending,
    }
    if chosen == "json":
        import msgspec

        from agencyref.present.render.data import json_text

        write_answer(json_text(msgspec.json.encode(document)), "json")
    from agencyref.present.views.importreport import report_lines

    for line in report_lines(document, verbose=chosen != "json"):
        note(line)
    if kept_pending:
        note(
            f"  kept {kept_pending} pending request(s) of the roster in use: the sheets hold no pending list "
            "(--replace-pending drops them)"
        )
    if history is not None:
        for line in _history_lines(history):
            note(line)


def _history_lines(h: dict[str, Any]) -> list[str]:
    lines = [f"  history: {h['history_path']}"]
    lines += [f"    added {s}" for s in h["snapshots_added"]]
    lines += [f"    {d}" for d in h["duplicates"]]
    lines += [f"    {n}" for n in h["notes"]]
    for label, counts in h["changes"].items():
        lines.append(f"    {label}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    if h["roster_written"] is None and h["snapshots_added"]:
        lines.append("    not the newest list: your current roster is unchanged")
    if h["kept_pending"] is not None:
        lines.append(f"    no pending sheet given: kept the {h['kept_pending']} pending requests of the roster in use")
    return lines


@app.command(epilog="Example: agencyref info --json")
def info(fmt: FormatOpt = None, as_json: JsonOpt = False) -> None:
    """Which data files are in use, their as-of dates and coverage counts."""
    from agencyref.present.views.reference import info as build
    from agencyref.roster.store import roster_info

    chosen_format(fmt, as_json)
    k = _knowledge()
    _show(build(k, roster_info(current().roster), __version__), fmt, as_json, k)


def _complete_kind(incomplete: str) -> list[str]:
    from agencyref.present.schema import result_kinds

    return [k for k in result_kinds() if k.startswith(incomplete)]


@app.command(
    epilog="Examples: agencyref schema > agencies.schema.json   ·   agencyref schema --roster   ·   "
    "agencyref schema --list   ·   agencyref schema comparison"
)
def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="[KIND]",
            help="The schema of this kind of JSON output (see --list) instead of the knowledge file's.",
            autocompletion=_complete_kind,
        ),
    ] = None,
    roster: Annotated[bool, typer.Option("--roster", help="The schema of the 287(g) roster file instead.")] = False,
    list_kinds: Annotated[
        bool, typer.Option("--list", help="List the kinds of JSON output that have a schema, one a line.")
    ] = False,
) -> None:
    """Print a JSON Schema: of the knowledge file (default), the roster file, or one kind of JSON output."""
    from agencyref.present.schema import knowledge_schema, result_kinds, result_schema, roster_schema

    if sum([kind is not None, roster, list_kinds]) > 1:
        raise UsageError("give one of KIND, --roster or --list")
    if list_kinds:
        sys.stdout.write("".join(f"{k}\n" for k in result_kinds()))
    elif kind is not None:
        sys.stdout.write(result_schema(kind))
    else:
        sys.stdout.write(roster_schema() if roster else knowledge_schema())


@app.command(
    epilog="Example: agencyref export --format markdown --output agencyref.md   ·   "
    "agencyref export --format sqlite -o agencyref.db && datasette agencyref.db"
)
def export(
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="PATH", help="Write here instead of stdout.")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Export the whole reference: footnoted markdown, one JSON document, or a SQLite database for Datasette."""
    if (fmt or "").strip().lower() in ("sqlite", "db"):
        if output is None:
            raise UsageError("--format sqlite writes a file: give it with --output PATH (e.g. -o agencyref.db)")
        _export_sqlite(output, force)
        return
    from agencyref.present.views.export import export_json, export_markdown

    chosen = chosen_format(fmt, as_json)
    if chosen not in ("markdown", "json"):
        raise UsageError("export writes markdown (--format markdown), JSON (--format json) or SQLite (--format sqlite)")
    k = _knowledge()
    opened = _roster_or_none()
    text = export_json(k, opened) if chosen == "json" else export_markdown(k, opened)
    if output is None:
        write_answer(text, chosen)
        return
    from agencyref.atomic import write_atomic
    from agencyref.knowledge.store import knowledge_path
    from agencyref.present.views.export import looks_like_export

    protect = [knowledge_path(current().data), *([opened.path] if opened is not None else [])]
    write_atomic(output, text.encode("utf-8"), what="export", recognise=looks_like_export, force=force, protect=protect)
    note(f"wrote {output}")


def _export_sqlite(output: Path, force: bool) -> None:
    """Build the database in a temporary file, then write it (and its Datasette metadata) through the
    safe writer: never over a device, the knowledge file, the roster, or a file that is not an earlier export."""
    import json
    import sqlite3
    import tempfile

    from agencyref.atomic import check_target, write_atomic
    from agencyref.knowledge.store import knowledge_path
    from agencyref.present.sqlite import write_database
    from agencyref.roster.history.store import open_history

    def is_sqlite(head: bytes) -> bool:
        return head.startswith(b"SQLite format 3\x00")

    def is_metadata(head: bytes) -> bool:
        return head.lstrip().startswith(b"{") and b'"databases"' in head and b"agencyref" in head

    k = _knowledge()
    opened = _roster_or_none()
    protect = [knowledge_path(current().data), *([opened.path] if opened is not None else [])]
    target = check_target(output, what="SQLite export", recognise=is_sqlite, force=force, protect=protect)
    side = output.with_name(output.name + ".metadata.json")
    check_target(side, what="Datasette metadata", recognise=is_metadata, force=force, protect=protect)
    if not force and target.is_file():  # a SQLite file, but is it one of ours?
        try:
            with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as con:
                con.execute("SELECT value FROM _metadata WHERE key = 'datasette'").fetchone()
        except sqlite3.Error:
            raise UsageError(f"{output} exists and is not an agencyref export; use --force to replace it") from None
    try:
        history = open_history()
    except DataError:
        history = None  # the history is an addition: the export goes on without it
    with tempfile.TemporaryDirectory(prefix=".agencyref-", dir=target.parent) as work:
        built = Path(work) / "agencyref.db"
        meta = write_database(built, k, opened, history)
        data = built.read_bytes()
    write_atomic(output, data, what="SQLite export", recognise=is_sqlite, force=force, protect=protect)
    text = json.dumps(meta, indent=2) + "\n"
    write_atomic(
        side, text.encode("utf-8"), what="Datasette metadata", recognise=is_metadata, force=force, protect=protect
    )
    note(f"wrote {output} (and {side.name}: datasette {output.name} -m {side.name})")
