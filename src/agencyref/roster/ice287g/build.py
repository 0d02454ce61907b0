"""Rows → agreements: dating the snapshot, folding addenda, counting, and the import report."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import msgspec

from agencyref.errors import DataError, Problem, UsageError
from agencyref.knowledge.model import SCHEMA_VERSION
from agencyref.roster.ice287g.cells import (
    MAX_TEXT,
    SOURCE_URL,
    LinkResult,
    Status,
    agency_type_key,
    cell_warning,
    clean_text,
    is_placeholder,
    model_key,
    parse_link,
    parse_signed,
)
from agencyref.roster.ice287g.sheets import (
    Cell,
    ImportReport,
    ImportResult,
    ImportWarning,
    _load_sheet,
    _Sheet,
    is_pending_sheet,
)
from agencyref.roster.model import Agreement, Roster
from agencyref.usps import state_code

_DATE_IN_NAME = re.compile(r"(\d{2})(\d{2})(\d{4})(?:am|pm)?", re.IGNORECASE)


def date_from_filename(name: str) -> dt.date | None:
    """``participatingAgencies07182025pm.xlsx`` → 2025-07-18; ``None`` if no MMDDYYYY."""
    for m in _DATE_IN_NAME.finditer(Path(name).stem):
        try:
            return dt.date(int(m[3]), int(m[1]), int(m[2]))
        except ValueError:
            continue
    return None


def _snapshot_date(paths: Sequence[Path], as_of: str | None) -> dt.date:
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of.strip())
        except ValueError as exc:
            raise UsageError(f"--as-of must be a date like 2025-07-18, not {as_of!r}") from exc
        if day > dt.date.today():
            raise UsageError(f"--as-of {day} is in the future; a list cannot be dated after today")
        return day
    dates = [d for d in (date_from_filename(p.name) for p in paths) if d is not None]
    if not dates:
        names = ", ".join(p.name for p in paths)
        raise DataError(
            [Problem(names, None, "", "cannot tell the snapshot date from the file name(s); give --as-of YYYY-MM-DD")]
        )
    return max(dates)


class _Stats:
    def __init__(self) -> None:
        self.moa_links = 0
        self.moa_safelinks = 0
        self.addendum_links = 0
        self.addendum_safelinks = 0
        self.malformed = 0
        self.placeholders = 0


def _cell(cells: Sequence[Cell], columns: dict[str, int], key: str) -> Cell:
    j = columns.get(key)
    if j is None or j >= len(cells):
        return (None, None)
    return cells[j]


def _agreements(
    sheet: _Sheet, status: Status, max_year: int, stats: _Stats, warn: list[ImportWarning]
) -> Iterator[Agreement]:
    cols = sheet.columns
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, cells in sheet.rows:

        def note(message: str, number: int = number) -> None:
            warn.append(ImportWarning(sheet.name, number, message))

        for field, j in cols.items():  # text is cleaned in clean_text; say so once per cell
            if j < len(cells) and (problem := cell_warning(cells[j][0], field.upper())):
                note(problem)

        state_text = clean_text(_cell(cells, cols, "state")[0])
        code = state_code(state_text)
        if code is None:
            note(f"unknown state {state_text[:80]!r}" if state_text else "no state")
        agency = clean_text(_cell(cells, cols, "agency")[0])
        if len(agency) > MAX_TEXT:
            note(f"agency name cut to {MAX_TEXT} characters")
            agency = agency[:MAX_TEXT]
        if not agency:
            note("no agency name")
        county = clean_text(_cell(cells, cols, "county")[0])[:MAX_TEXT]
        if is_placeholder(county):
            stats.placeholders += 1
            county = ""
        model_text = clean_text(_cell(cells, cols, "model")[0])
        model = model_key(model_text)
        if model == "unknown":
            note(f"unknown 287(g) model {model_text[:80]!r}" if model_text else "no 287(g) model (SUPPORT TYPE)")
        type_text = clean_text(_cell(cells, cols, "type")[0])
        agency_type, known = agency_type_key(type_text)
        if not known:
            note(f"unknown agency TYPE {type_text[:80]!r}, recorded as 'other'")

        signed: str | None = None
        signed_raw: str | None = None
        if "signed" in cols:
            date = parse_signed(_cell(cells, cols, "signed")[0], max_year)
            signed, signed_raw = date.iso, date.raw
            if date.problem:
                stats.malformed += 1
                note(f"{date.problem}; kept as signed_raw")
            elif signed is None and status == "participating":
                note("no SIGNED date")
        moa = LinkResult("none", None, False, None)
        if "moa" in cols:
            moa = parse_link(*_cell(cells, cols, "moa"), column="MOA")
            if moa.problem:
                note(moa.problem)
        addendum: str | None = None
        if "addendum" in cols:
            add = parse_link(*_cell(cells, cols, "addendum"), column="ADDENDUM")
            if add.problem and add.status != "pending":
                note(add.problem)
            addendum = add.url
            if add.url:
                stats.addendum_links += 1
                stats.addendum_safelinks += add.unwrapped
        if moa.url:
            stats.moa_links += 1
            stats.moa_safelinks += moa.unwrapped

        key = (code or "", agency.casefold(), model, signed or signed_raw or "")
        if key in seen:
            note(f"duplicate row: rows {seen[key]} and {number} have the same state, agency, model and signed date")
        else:
            seen[key] = number

        yield Agreement(
            state=code or "",
            agency=agency,
            agency_type=agency_type,
            county=county,
            model=model,
            status=status,
            signed=signed,
            signed_raw=signed_raw,
            moa_url=moa.url,
            moa_status=moa.status,
            addendum_url=addendum,
            sheet=sheet.name,
            row=number,
        )


def agreement_sort_key(a: Agreement) -> tuple[str, str, str, str, str, int, str]:
    return (a.state, a.agency.casefold(), a.model, a.status, a.signed or "", a.row, a.sheet)


def _count_models(agreements: Iterable[Agreement]) -> dict[str, int]:
    counts = Counter(a.model for a in agreements)
    return {m: counts[m] for m in ("jem", "tfm", "wso", "unknown") if counts[m] or m != "unknown"}


def import_sheets(paths: Sequence[Path], as_of: str | None = None, encoding: str | None = None) -> ImportResult:
    """Read ICE's participating and/or pending sheets into one roster.

    ``as_of`` (``YYYY-MM-DD``, not after today) overrides the snapshot date read from the newest
    file name. ``encoding`` is that of every .csv sheet (default UTF-8). Raises :class:`DataError` for unreadable input and
    :class:`UsageError` for a malformed ``as_of`` or no paths.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise UsageError("give at least one ICE 287(g) sheet (.xlsx or .csv)")
    snapshot = _snapshot_date(paths, as_of)
    max_year = snapshot.year + 1
    warn: list[ImportWarning] = []
    stats = _Stats()
    agreements: list[Agreement] = []
    rows_read = blank_rows = 0
    participating_sheets: list[str] = []
    for path in paths:
        sheet = _load_sheet(path, encoding)
        status: Status = "pending" if is_pending_sheet(sheet) else "participating"
        if status == "participating":
            participating_sheets.append(sheet.name)
        before = len(agreements)
        agreements.extend(_agreements(sheet, status, max_year, stats, warn))  # streams the sheet's rows
        rows_read += len(agreements) - before  # one agreement per row: none is dropped
        blank_rows += sheet.blank_rows
    agreements = _fold_addenda(agreements, warn)
    snapshot = _check_snapshot_year(snapshot, agreements, paths, as_of, warn)
    if len(participating_sheets) > 1:
        warn.append(
            ImportWarning(
                ", ".join(participating_sheets),
                0,
                "several participating sheets given; agreements listed in more than one are counted twice",
            )
        )
    agreements.sort(key=agreement_sort_key)
    participating = [a for a in agreements if a.status == "participating"]
    pending = [a for a in agreements if a.status == "pending"]
    roster = Roster(
        schema_version=SCHEMA_VERSION,
        as_of=snapshot.isoformat(),
        source_url=SOURCE_URL,
        source_files=[p.name for p in paths],
        agreements=agreements,
    )
    report = ImportReport(
        rows_read=rows_read,
        blank_rows=blank_rows,
        agreements_written=len(agreements),
        participating=len(participating),
        pending=len(pending),
        distinct_agencies=len({(a.state, a.agency.casefold()) for a in participating}),
        per_model=_count_models(participating),
        per_model_pending=_count_models(pending),
        moa_links=stats.moa_links,
        moa_safelinks=stats.moa_safelinks,
        addendum_links=stats.addendum_links,
        addendum_safelinks=stats.addendum_safelinks,
        malformed_dates=stats.malformed,
        county_placeholders=stats.placeholders,
        warnings=warn,
    )
    return ImportResult(roster, report)


_ADDENDUM = re.compile(r"\s*[-–(]?\s*\b(addendum|amendment)\)?\s*$", re.IGNORECASE)


def _fold_addenda(agreements: list[Agreement], warn: list[ImportWarning]) -> list[Agreement]:
    """Rows such as "X County Sheriff's Office Addendum" amend an agreement listed on another row.

    Counting them as agreements (and "... Addendum" as an agency) would inflate both counts, so
    each is folded into the agreement of the same state, agency and model, keeping its link as
    the addendum link; one with nothing to fold into stays a row of its own. Both get a warning.
    """
    base = {
        (a.state, a.agency.casefold(), a.model, a.status): i
        for i, a in enumerate(agreements)
        if not _ADDENDUM.search(a.agency)
    }
    out = list(agreements)
    drop: set[int] = set()
    for i, a in enumerate(agreements):
        match = _ADDENDUM.search(a.agency)
        if not match:
            continue
        name = a.agency[: match.start()].strip()
        target = base.get((a.state, name.casefold(), a.model, a.status))
        if target is None:
            warn.append(
                ImportWarning(
                    a.sheet, a.row, f"{a.agency!r} looks like an addendum but matches no agreement; kept as listed"
                )
            )
            continue
        kept = out[target]
        link = a.moa_url or a.addendum_url
        if link and not kept.addendum_url:
            out[target] = msgspec.structs.replace(kept, addendum_url=link)
        drop.add(i)
        warn.append(ImportWarning(a.sheet, a.row, f"addendum row folded into row {kept.row} ({name}, {a.model})"))
    return [a for i, a in enumerate(out) if i not in drop]


def _check_snapshot_year(
    snapshot: dt.date, agreements: list[Agreement], paths: Sequence[Path], as_of: str | None, warn: list[ImportWarning]
) -> dt.date:
    """A list cannot predate its newest signing date. ICE has mistyped the year in file names
    (a January 2026 list named ...01062025...), so a date one year early moves forward, with a warning."""
    signed = [a.signed for a in agreements if a.signed]
    if as_of is not None or not signed:
        return snapshot
    newest = dt.date.fromisoformat(max(signed))
    if newest <= snapshot:
        return snapshot
    names = ", ".join(p.name for p in paths)
    try:
        later = snapshot.replace(year=snapshot.year + 1)
    except ValueError:  # 29 February
        later = snapshot + dt.timedelta(days=365)
    if newest <= later:
        warn.append(
            ImportWarning(
                names,
                0,
                f"the file name says {snapshot}, but the list signs agreements up to {newest}; "
                f"dated {later} instead (give --as-of to override)",
            )
        )
        return later
    warn.append(
        ImportWarning(
            names,
            0,
            f"the file name says {snapshot}, but the list signs agreements up to {newest}; "
            "check the date and give --as-of",
        )
    )
    return snapshot


# ---- diff -------------------------------------------------------------------
