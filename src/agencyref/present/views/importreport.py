"""The import report as lines for stderr."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def report_lines(doc: dict[str, Any], verbose: bool = True) -> Iterator[str]:
    r = doc["report"]
    models = ", ".join(f"{m} {n}" for m, n in r["per_model"].items())
    yield f"Imported {', '.join(doc['source_files'])} (ICE list as of {doc['as_of']})"
    yield f"  rows read: {r['rows_read']} (blank rows skipped: {r['blank_rows']})"
    yield f"  agreements written: {r['agreements_written']} ({r['participating']} participating, {r['pending']} pending)"
    yield f"  distinct participating agencies: {r['distinct_agencies']}"
    yield f"  participating agreements by model: {models}"
    yield f"  MOA links: {r['moa_links']} ({r['moa_safelinks']} unwrapped from Outlook safelinks); malformed signed dates kept as unknown: {r['malformed_dates']}"
    if doc.get("previous_as_of") and doc["previous_as_of"] > doc["as_of"]:
        yield f"  warning: this list ({doc['as_of']}) is older than the roster it replaces ({doc['previous_as_of']})"
    changes = doc.get("changes")
    if changes is not None:
        yield (
            f"  compared with the previous roster (as of {doc['previous_as_of']}): {len(changes['added'])} added, "
            f"{len(changes['removed'])} removed, {len(changes['changed'])} changed"
        )
        if verbose:
            for a in changes["added"][:20]:
                yield f"    + {a['state']} {a['agency']} ({a['model']}, {a['status']})"
            for a in changes["removed"][:20]:
                yield f"    - {a['state']} {a['agency']} ({a['model']}, {a['status']})"
            for c in changes["changed"][:20]:
                yield f"    ~ {c['state']} {c['agency']} ({c['model']}): {', '.join(c['fields'])}"
            hidden = sum(max(0, len(changes[k]) - 20) for k in ("added", "removed", "changed"))
            if hidden:
                yield f"    … {hidden} more (use --format json for all)"
    warnings = r["warnings"]
    if warnings:
        yield f"  warnings ({len(warnings)}):"
        for w in warnings:
            where = f"{w['sheet']}:{w['row']}" if w["row"] else w["sheet"]
            yield f"    {where}: {w['message']}"
    yield f"  written to {doc['written_to']}" if doc["written_to"] else "  dry run: nothing written"
