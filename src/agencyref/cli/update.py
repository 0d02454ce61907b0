"""`agencyref update`: the one command that goes online. Its network package is imported inside it, never at import time."""

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agencyref.cli.app import FormatOpt, JsonOpt, _knowledge, _show, app
from agencyref.cli.context import current
from agencyref.cli.output import note

# Kept here as text so that `--help` does not import the network package; a test checks it
# against the error classes of agencyref.roster.update.errors.
EXIT_CODES = {
    0: "updated, or already current (--check: the list in use is current)",
    2: "usage error (e.g. --from names nothing)",
    3: "your roster could not be written or read",
    10: "--check: ICE's list is newer than the one in use",
    11: "cannot reach the server: offline, DNS failure, connection refused or reset, timeout, TLS failure",
    12: "the server answered with an HTTP error (4xx/5xx) or too many redirects",
    13: "the page has no links to the sheets (ICE changed its page layout)",
    14: "a download is not a usable spreadsheet: too large, truncated, or not .xlsx",
    15: "a downloaded sheet could not be imported (ICE changed its columns, or the file is damaged)",
    16: "refused a URL: plain http to a non-loopback host (also as a redirect), or not http(s)",
}

EPILOG = (
    "Examples: agencyref update   ·   agencyref update --check   ·   agencyref update --from ~/ice-287g-archive/\n\n"
    "\b\nExit codes (on any failure nothing is replaced):\n"
    + "\n".join(f"  {code:>2}  {text}" for code, text in EXIT_CODES.items())
)


def state_path() -> Path | None:
    """Where validators for conditional requests are kept (None: AGENCYREF_NO_CACHE=1, or no home)."""
    if os.environ.get("AGENCYREF_NO_CACHE", "") not in ("", "0"):
        return None
    from agencyref.paths import cache_dir

    folder = cache_dir()
    return folder / "update-state.json" if folder is not None else None


@app.command(epilog=EPILOG)
def update(
    check: Annotated[
        bool,
        typer.Option("--check", help="Only say whether ICE's list is newer than the one in use (exit 10 if so)."),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="URL|PATH",
            help="Read the page or sheets from elsewhere: a mirror's page URL, a saved copy of the page, a sheet, "
            "or a folder of archived sheets (imported in date order).",
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", help="Connect and read timeout (default 15 s and 30 s)."),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Bring ICE's current 287(g) list in from ice.gov and make it the roster in use; report what changed.

    The only command that goes online. Downloads ICE's participating and pending sheets (only when
    they changed since the last update), checks and imports them, and replaces your roster in
    $XDG_DATA_HOME/agencyref atomically.
    """
    import dataclasses
    import gc

    from agencyref.roster.update import Client, Limits, run_update
    from agencyref.roster.update.errors import NEWER_AVAILABLE

    gc.enable()  # spreadsheets are large; see _entry.py
    limits = Limits()
    if timeout is not None:
        if not timeout > 0:
            from agencyref.errors import UsageError

            raise UsageError(f"--timeout must be a positive number of seconds (got {timeout:g})")
        limits = dataclasses.replace(limits, connect_timeout=timeout, read_timeout=timeout)
    k = _knowledge()
    progress = None if current().quiet else note
    result = run_update(
        source,
        check=check,
        client=Client(limits),
        state_path=state_path(),
        roster_override=current().roster,
        progress=progress,
    )
    _show(_document(result), fmt, as_json, k)
    sys.stdout.flush()
    if result.status == "newer-available":
        raise typer.Exit(NEWER_AVAILABLE)


_HEADLINES = {
    "updated": "Updated: ICE's list of {list} is now the roster in use",
    "current": "Current: the roster in use ({in_use}) is ICE's latest list",
    "not-newer": "Kept: the roster in use ({in_use}) is newer than the list read ({list})",
    "newer-available": "Newer list available: ICE's list of {list} (the roster in use is of {in_use})",
}


def _document(result: Any) -> Any:
    """The update's outcome as a Document: a summary, the changes as a table (also the csv), notes."""
    from agencyref.knowledge.model import Source
    from agencyref.present.document import Cell, Document, Fields, Table
    from agencyref.roster.update.page import PAGE_URL

    last = result.snapshots[-1] if result.snapshots else None
    headline = _HEADLINES[result.status].format(
        list=result.list_as_of or (last["as_of"] if last else "unknown date"), in_use=result.in_use_as_of or "none"
    )
    rows = [("status", Cell(result.status)), ("read from", Cell(result.source))]
    rows.append(("ICE list as of", Cell(last["as_of"] if last else result.list_as_of or "unknown")))
    rows.append(("roster in use before", Cell(result.in_use_as_of or "unreadable")))
    for sheet in result.sheets:
        shown = "not modified" if sheet.not_modified else f"{sheet.size:,} bytes" if sheet.size else ""
        rows.append((f"{sheet.kind} sheet", Cell(f"{sheet.location} ({shown})" if shown else sheet.location)))
    if len(result.snapshots) > 1:
        rows.append(("snapshots imported", Cell(f"{len(result.snapshots)}, oldest first")))
    if last is not None:
        r = last["report"]
        rows.append(("agreements", Cell(f"{r['participating']} participating, {r['pending']} pending")))
        rows.append(("written to", Cell(last["written_to"] or "nothing written")))
    change_rows = [row for snap in result.snapshots for row in _change_rows(snap)]
    changes = Table(["snapshot", "change", "state", "agency", "model", "status", "detail"], change_rows)
    blocks: list[Any] = [Fields(rows, title="Update")]
    if result.snapshots:
        blocks.append(Table(changes.columns, changes.rows, title="Changes since the previous roster"))
    notes = list(result.notes)
    for snap in result.snapshots:
        notes.extend(f"{snap['as_of']}: {w['message']}" for w in snap["report"]["warnings"] if not w["row"])
        if snap.get("changes") is not None and not _count(snap):
            notes.append(f"{snap['as_of']}: no agreement changed since the previous roster ({snap['previous_as_of']})")
    data = {
        "status": result.status,
        "source": result.source,
        "list_as_of": result.list_as_of,
        "in_use_as_of": result.in_use_as_of,
        "sheets": [
            {"kind": s.kind, "location": s.location, "bytes": s.size, "not_modified": s.not_modified}
            for s in result.sheets
        ],
        "snapshots": result.snapshots,
        "notes": notes,
    }
    page = Source(
        id="ice-287g-page",
        title="287(g) participating and pending agencies (ICE page linking the spreadsheets)",
        publisher="U.S. Immigration and Customs Enforcement",
        url=PAGE_URL,
        kind="dataset",
        published=last["as_of"] if last else result.list_as_of,
    )
    return Document(
        kind="update_report", title=headline, blocks=blocks, data=data, sources=[page], csv=changes, notes=notes
    )


def _count(snap: dict[str, Any]) -> int:
    c = snap["changes"]
    return len(c["added"]) + len(c["removed"]) + len(c["changed"])


def _change_rows(snap: dict[str, Any]) -> list[list[Any]]:
    from agencyref.present.document import Cell

    changes = snap.get("changes")
    if not changes:
        return []
    out = []
    for sign, key in (("added", "added"), ("removed", "removed"), ("changed", "changed")):
        for a in changes[key]:
            detail = ", ".join(a["fields"]) if key == "changed" else (a.get("signed") or "")
            out.append(
                [
                    Cell(snap["as_of"]),
                    Cell(sign),
                    Cell(a["state"]),
                    Cell(a["agency"]),
                    Cell(a["model"]),
                    Cell(a["status"]),
                    Cell(detail),
                ]
            )
    return out
