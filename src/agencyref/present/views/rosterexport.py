"""`agencyref roster`: ICE's 287(g) list (or its whole history) as one flat table for analysis.

One column per field, empty cells for missing values (never "—"), `signed` an ISO date or empty
with `signed_raw` beside it, `moa_url` and `moa_status` apart, stable agency keys, and the county,
ORI and population from the FBI placement where known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agencyref.present.document import Cell, Citations, Document, Table

if TYPE_CHECKING:
    from agencyref.knowledge.store import Knowledge
    from agencyref.roster.history.store import OpenHistory
    from agencyref.roster.model import Agreement
    from agencyref.roster.places.store import Placement
    from agencyref.roster.store import OpenRoster

ROSTER_COLUMNS = [
    "state",
    "agency_key",
    "agency",
    "agency_type",
    "county",
    "county_from",
    "ori",
    "population",
    "model",
    "status",
    "signed",
    "signed_raw",
    "moa_url",
    "moa_status",
    "addendum_url",
    "first_listed",
    "last_listed",
    "ended",
    "sheet",
    "row",
]
HISTORY_COLUMNS = [
    "state",
    "agency_key",
    "agency",
    "agency_type",
    "county",
    "model",
    "first_listed",
    "last_listed",
    "ended",
    "listed_now",
]


def _record(a: Agreement, placement: Placement, listed: dict[str, tuple[str, str, str | None]]) -> dict[str, Any]:
    from agencyref.roster.history.model import agency_key as history_key
    from agencyref.roster.places.names import agency_key

    key = agency_key(a.state, a.agency)
    place = placement.agency(key)
    counties = (
        "; ".join(place.counties)
        if place and place.counties
        else ("statewide" if place and place.statewide else a.county)
    )
    dates = listed.get(f"{history_key(a.agency)}|{a.model}")
    first, last, ended = dates if dates else (None, None, None)
    return {
        "state": a.state,
        "agency_key": key,
        "agency": a.agency,
        "agency_type": a.agency_type,
        "county": counties or None,
        "county_from": (place.county_from or None) if place else None,
        "ori": (place.ori or None) if place else None,
        "population": place.population if place else None,
        "model": a.model,
        "status": a.status,
        "signed": a.signed,
        "signed_raw": a.signed_raw,
        "moa_url": a.moa_url,
        "moa_status": a.moa_status,
        "addendum_url": a.addendum_url,
        "first_listed": first,
        "last_listed": last,
        "ended": ended,
        "sheet": a.sheet or None,
        "row": a.row or None,
    }


def _cells(record: dict[str, Any], columns: list[str]) -> list[Cell]:
    return [Cell("" if record[c] is None else str(record[c])) for c in columns]


def roster_export(
    k: Knowledge, opened: OpenRoster, placement: Placement, history: OpenHistory | None, state: str | None
) -> Document:
    """Every agreement on the list in use (or one state's), one row each."""
    from agencyref.present.views.listing import listed_in_state
    from agencyref.roster.store import ROSTER_SOURCE_ID

    agreements = opened.in_state(state) if state else opened.all_agreements()
    states = sorted({a.state for a in agreements})
    listed_by_state = {s: listed_in_state(s) for s in states} if history is not None else {}
    records = [_record(a, placement, listed_by_state.get(a.state, {})) for a in agreements]
    cite = Citations(k.sources, extra={ROSTER_SOURCE_ID: opened.source})
    refs = cite.cite([ROSTER_SOURCE_ID])
    rows = [_cells(r, ROSTER_COLUMNS) for r in records]
    title = f"ICE's 287(g) list of {opened.as_of}" + (f", {state}" if state else "")
    table = Table(ROSTER_COLUMNS, rows, title=f"{title}: {len(records):,} agreements and requests")
    data = {
        "as_of": opened.as_of,
        "source_url": opened.compiled.source_url,
        "source_files": opened.compiled.source_files,
        "state": state,
        "columns": ROSTER_COLUMNS,
        "agreements": records,
    }
    doc = Document("roster", title, [table], data, cite.sources, csv=Table(ROSTER_COLUMNS, rows))
    doc.notes.append(
        f"Source: ICE's list as of {opened.as_of} [{refs[0]}]; county, ORI and population from FBI LEE data."
    )
    return doc


def history_export(k: Knowledge, history: OpenHistory, state: str | None) -> Document:
    """Every agreement ever on ICE's lists since the history began, with when it was first and last listed."""
    import msgspec

    from agencyref.present.views.history import HISTORY_SOURCE_ID, history_source
    from agencyref.roster.history.store import ever_listed

    newest = history.participating[-1].date if history.participating else ""
    records: list[dict[str, Any]] = [msgspec.structs.asdict(r) for r in ever_listed(history, state)]
    cite = Citations(k.sources, extra={HISTORY_SOURCE_ID: history_source(history)})
    cite.cite([HISTORY_SOURCE_ID])
    rows = [_cells(r, HISTORY_COLUMNS) for r in records]
    title = f"Every 287(g) agreement on ICE's lists, {history.participating[0].date} to {newest}" + (
        f", {state}" if state else ""
    )
    data = {
        "from": history.participating[0].date,
        "to": newest,
        "state": state,
        "columns": HISTORY_COLUMNS,
        "agreements": records,
    }
    return Document(
        "roster_history",
        title,
        [Table(HISTORY_COLUMNS, rows, title=title)],
        data,
        cite.sources,
        csv=Table(HISTORY_COLUMNS, rows),
    )
