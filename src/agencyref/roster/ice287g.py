"""Import ICE's 287(g) spreadsheets into a :class:`~agencyref.roster.model.Roster`.

ICE publishes two workbooks at https://www.ice.gov/identify-and-arrest/287g:
the participating agencies (one row per signed agreement) and the pending
requests. The sheets are hand-kept and untidy: stray spaces, typographic
apostrophes, placeholder counties (``#N/A``), dates typed as text
(``7/72025``), a year 5025, and MOA hyperlinks wrapped in Outlook
"safelinks". This module reads them (``.xlsx`` via openpyxl, or a ``.csv``
export of the same columns), cleans every value, and never drops a row
silently: whatever cannot be read is kept as-is and reported as a warning.

openpyxl is imported inside the reading function so the CLI never pays for
it at start-up.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import parse_qs, urlsplit

import msgspec

from agencyref.errors import DataError, Problem, UsageError
from agencyref.knowledge.model import SCHEMA_VERSION
from agencyref.roster.model import AgencyType, Agreement, Roster
from agencyref.usps import _state_key, state_code

SOURCE_URL = "https://www.ice.gov/identify-and-arrest/287g"
MAX_FILE_BYTES = 50 * 1024 * 1024  # refuse bigger inputs outright
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # zip-bomb guard for workbooks
MAX_CELLS = 2_000_000  # cells a sheet may span: its rows as wide as their last cell, merged and linked ranges
HEADER_SCAN_ROWS = 20  # how many rows above the header we tolerate
MIN_YEAR = 2002  # the first 287(g) agreement was signed in 2002
MAX_TEXT = 500  # longest cell text we keep; longer is cut (and warned about)

Status = Literal["participating", "pending"]
ModelValue = Literal["jem", "tfm", "wso", "unknown"]
MoaStatus = Literal["link", "pending", "none"]


# ---- text -------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def clean_text(value: object) -> str:
    """Cell value as tidy text: NFKC, straight quotes, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES)
    return " ".join(text.split())


_PLACEHOLDERS = {"#n/a", "#na", "n/a", "na", "none", "-", "\u2014", "#ref!", "#value!", "tbd"}


def is_placeholder(text: str) -> bool:
    """``#N/A`` and friends: a cell someone filled with "nothing here"."""
    return text.casefold() in _PLACEHOLDERS


# ---- models and agency types ----------------------------------------------

_MODELS: dict[str, ModelValue] = {
    "jail enforcement model": "jem",
    "jail enforcement": "jem",
    "jem": "jem",
    "task force model": "tfm",
    "task force": "tfm",
    "tfm": "tfm",
    "warrant service officer": "wso",
    "warrant service officer program": "wso",
    "warrant service officers": "wso",
    "wso": "wso",
}


def model_key(text: object) -> ModelValue:
    """``'Task Force Model '`` → ``'tfm'``; anything unrecognised → ``'unknown'``."""
    key = _state_key(clean_text(text)[:MAX_TEXT]) if isinstance(text, str) else ""
    return _MODELS.get(key, "unknown")


_TYPES: dict[str, AgencyType] = {
    "county": "county",
    "county agency": "county",
    "sheriff": "county",
    "parish": "county",
    "municipality": "municipal",
    "municipal": "municipal",
    "municipal agency": "municipal",
    "city": "municipal",
    "town": "municipal",
    "township": "municipal",
    "village": "municipal",
    "state": "state",
    "state agency": "state",
    "federal": "federal",
    "federal agency": "federal",
    "tribal": "tribal",
    "tribe": "tribal",
    "tribal agency": "tribal",
    "other": "other",
}


def agency_type_key(text: object) -> tuple[AgencyType, bool]:
    """(type, recognised). Empty → ``('unknown', True)``; unknown text → ``('other', False)``."""
    cleaned = clean_text(text)[:MAX_TEXT] if isinstance(text, str) else clean_text(text)
    if not cleaned or is_placeholder(cleaned):
        return "unknown", True
    found = _TYPES.get(_state_key(cleaned))
    return (found, True) if found else ("other", False)


# ---- dates ------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MDY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")


class DateResult(msgspec.Struct, frozen=True):
    iso: str | None  # the date, when it could be read and is plausible
    raw: str | None  # the cell's text when it could not be read
    problem: str | None  # why not


def parse_signed(value: object, max_year: int) -> DateResult:
    """Read a SIGNED cell: datetime, Excel serial, or m/d/yyyy / yyyy-mm-dd text.

    A date outside ``MIN_YEAR..max_year`` is treated as malformed, because a
    287(g) agreement signed in 5025 is a typo, not a fact.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DateResult(None, None, None)
    day: dt.date | None = None
    raw: str
    if isinstance(value, bool):
        raw = str(value)
    elif isinstance(value, dt.datetime):
        raw = value.date().isoformat()
        day = value.date()
    elif isinstance(value, dt.date):
        raw = value.isoformat()
        day = value
    elif isinstance(value, (int, float)):
        raw = clean_text(value)
        day = _from_serial(value)
    else:
        raw = clean_text(value)[:MAX_TEXT]
        day = _from_text(raw)
    if day is None:
        return DateResult(None, raw, f"SIGNED {raw[:120]!r} is not a date")
    if not MIN_YEAR <= day.year <= max_year:
        return DateResult(None, raw, f"SIGNED {raw!r} has an impossible year {day.year}")
    return DateResult(day.isoformat(), None, None)


def _from_serial(value: float) -> dt.date | None:
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    if math.isnan(number) or not 1 <= number < 2958466:  # outside Excel's date range
        return None
    try:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number))
    except OverflowError:
        return None


def _from_text(text: str) -> dt.date | None:
    try:
        if m := _MDY.match(text):
            month, day, year = int(m[1]), int(m[2]), int(m[3])
            if len(m[3]) == 2:
                year += 2000
            return dt.date(year, month, day)
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if _SERIAL.match(text):
            return _from_serial(float(text))
    except (ValueError, OverflowError):
        return None
    return None


# ---- links ------------------------------------------------------------------

_PENDING_LINK = re.compile(r"^link\s*pending$", re.IGNORECASE)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def unwrap_safelinks(url: str) -> str:
    """``https://gcc02.safelinks.protection.outlook.com/?url=<real>&data=…`` → ``<real>``.

    Repeats while the result is still a safelinks URL (mail forwarded twice).
    Returns the input unchanged when it is not a safelinks URL or has no ``url``.
    """
    current = url.strip()
    for _ in range(10):
        try:
            parts = urlsplit(current)
        except ValueError:
            return current
        host = (parts.hostname or "").casefold()
        if not host.endswith("safelinks.protection.outlook.com"):
            return current
        inner = parse_qs(parts.query).get("url")
        if not inner or not inner[0].strip():
            return current
        current = inner[0].strip()
    return current


def is_safelinks(url: str) -> bool:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return False
    return host.casefold().endswith("safelinks.protection.outlook.com")


class LinkResult(msgspec.Struct, frozen=True):
    status: MoaStatus
    url: str | None
    unwrapped: bool  # the target was a safelinks wrapper
    problem: str | None


def parse_link(text: object, target: object, column: str = "MOA") -> LinkResult:
    """Read a MOA/ADDENDUM cell from its text and its hyperlink target.

    A hyperlink (or a URL typed into the cell) → ``link``; "link pending" in any
    case or spacing → ``pending``; empty → ``none``. Text that promises a link
    but carries none (``'link | addendum'`` without a hyperlink) → ``none`` with
    a problem message.
    """
    shown = clean_text(text)[:MAX_TEXT]
    href = clean_text(target)[:4096] if isinstance(target, str) else ""
    if not href and _URL.match(shown):
        href = shown
    if href:
        wrapped = is_safelinks(href)
        url = unwrap_safelinks(href) if wrapped else href
        if _URL.match(url):
            return LinkResult("link", url, wrapped, None)
        return LinkResult("none", None, wrapped, f"{column} hyperlink {href[:120]!r} is not a web address")
    if not shown or is_placeholder(shown):
        return LinkResult("none", None, False, None)
    if _PENDING_LINK.match(shown):
        return LinkResult("pending", None, False, None)
    return LinkResult("none", None, False, f"{column} cell {shown[:120]!r} has no hyperlink")


# ---- column layout ----------------------------------------------------------

_COLUMNS: dict[str, str] = {
    "STATE": "state",
    "LAW ENFORCEMENT AGENCY": "agency",
    "AGENCY": "agency",
    "TYPE": "type",
    "AGENCY TYPE": "type",
    "COUNTY": "county",
    "SUPPORT TYPE": "model",
    "MODEL": "model",
    "SIGNED": "signed",
    "DATE SIGNED": "signed",
    "MOA": "moa",
    "ADDENDUM": "addendum",
}
_REQUIRED = {"state": "STATE", "agency": "LAW ENFORCEMENT AGENCY", "model": "SUPPORT TYPE"}


def _header_name(value: object) -> str:
    return " ".join(clean_text(value).upper().split())


# ---- results ----------------------------------------------------------------


class ImportWarning(msgspec.Struct, frozen=True):
    sheet: str
    row: int  # 1-based sheet row; 0 for a warning about the whole import
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}:{self.row}: {self.message}" if self.row else f"{self.sheet}: {self.message}"


class ImportReport(msgspec.Struct, frozen=True):
    rows_read: int  # non-blank data rows across all sheets
    blank_rows: int  # fully blank rows skipped
    agreements_written: int
    participating: int
    pending: int
    distinct_agencies: int  # distinct (state, agency casefold) among participating
    per_model: dict[str, int]  # participating agreements per model
    per_model_pending: dict[str, int]
    moa_links: int  # agreements with an MOA URL
    moa_safelinks: int  # of those, how many were Outlook safelinks (now unwrapped)
    addendum_links: int
    addendum_safelinks: int
    malformed_dates: int  # SIGNED cells kept as signed_raw
    county_placeholders: int  # COUNTY cells like '#N/A', stored as ""
    warnings: list[ImportWarning] = []


class ImportResult(msgspec.Struct, frozen=True):
    roster: Roster
    report: ImportReport


def report_to_dict(report: ImportReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (dict order is stable)."""
    return {
        "rows_read": report.rows_read,
        "blank_rows": report.blank_rows,
        "agreements_written": report.agreements_written,
        "participating": report.participating,
        "pending": report.pending,
        "distinct_agencies": report.distinct_agencies,
        "per_model": dict(report.per_model),
        "per_model_pending": dict(report.per_model_pending),
        "moa_links": report.moa_links,
        "moa_safelinks": report.moa_safelinks,
        "addendum_links": report.addendum_links,
        "addendum_safelinks": report.addendum_safelinks,
        "malformed_dates": report.malformed_dates,
        "county_placeholders": report.county_placeholders,
        "warnings": [{"sheet": w.sheet, "row": w.row, "message": w.message} for w in report.warnings],
    }


# ---- reading ----------------------------------------------------------------

Cell = tuple[object, str | None]  # (value, hyperlink target)


class _Sheet(msgspec.Struct):
    name: str  # file name
    header_row: int
    columns: dict[str, int]  # field -> 0-based column index
    rows: list[tuple[int, list[Cell]]]  # (1-based row number, cells)
    blank_rows: int


def _fail(file: str, row: int | None, message: str) -> DataError:
    return DataError([Problem(file, row, "", message)])


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path.name, None, f"cannot read file: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise _fail(path.name, None, "not a regular file")
    if size > MAX_FILE_BYTES:
        raise _fail(
            path.name, None, f"file is {size / 1e6:.0f} MB; refusing anything over {MAX_FILE_BYTES // 2**20} MB"
        )


def _check_workbook_zip(path: Path) -> None:
    import zipfile

    name = path.name
    if not zipfile.is_zipfile(path):
        raise _fail(name, None, "not an Excel workbook (.xlsx is a zip file; this is not one)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(name, None, f"not a readable Excel workbook: {exc}") from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _fail(
            name,
            None,
            f"workbook expands to {total / 1e6:.0f} MB; refusing anything over {MAX_UNCOMPRESSED_BYTES // 2**20} MB",
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise _fail(name, None, "zip file is not an Excel workbook (no xl/workbook.xml)")
    if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
        raise _fail(name, None, "binary .xlsb workbooks are not supported; save as .xlsx")
    # openpyxl creates a cell for every cell of a merged range or a ranged hyperlink while it
    # loads, so a few bytes (<mergeCell ref="A1:XFD1048576"/>) would mean 17 billion cells.
    try:
        with zipfile.ZipFile(path) as zf:
            spanned = 0
            for sheet in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                with zf.open(sheet) as stream:
                    spanned += _spanned_cells(stream)
    except Exception as exc:  # zipfile, zlib and expat each raise their own kinds on corrupt input
        raise _fail(name, None, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from exc
    if spanned > MAX_CELLS:
        raise _fail(name, None, f"merged or linked ranges span {spanned:,} cells; refusing anything over {MAX_CELLS:,}")


def _spanned_cells(stream: IO[bytes]) -> int:
    """How many cells the merged ranges and ranged hyperlinks of a worksheet's XML cover."""
    from xml.parsers import expat

    from openpyxl.utils.cell import range_boundaries  # type: ignore[import-untyped, unused-ignore]

    total = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal total
        ref = attrs.get("ref", "")
        if ":" not in ref or tag.rpartition(":")[2] not in ("mergeCell", "hyperlink"):
            return
        try:
            c1, r1, c2, r2 = range_boundaries(ref)
        except (ValueError, TypeError):
            return  # openpyxl refuses it too
        rows = abs((r2 or 1_048_576) - (r1 or 1)) + 1  # whole columns (A:C) or rows (1:3) span the sheet
        cols = abs((c2 or 16_384) - (c1 or 1)) + 1
        total += rows * cols

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.ParseFile(stream)
    return total


def _read_xlsx(path: Path) -> list[list[Cell]]:
    _check_workbook_zip(path)
    import openpyxl  # type: ignore[import-untyped, unused-ignore]  # deferred: heavy, import-time only

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on corrupt input
        raise _fail(path.name, None, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from exc
    try:
        sheets = list(wb.worksheets)
        if not sheets:
            raise _fail(path.name, None, "workbook has no worksheets")
        # The first worksheet whose first rows hold our header; else the first.
        chosen = sheets[0]
        for ws in sheets:
            top = _sheet_rows(path.name, ws, min(HEADER_SCAN_ROWS, ws.max_row))
            if _find_header([[v for v, _ in row] for row in top]) is not None:
                chosen = ws
                break
        return _sheet_rows(path.name, chosen, chosen.max_row)
    finally:
        wb.close()


def _sheet_rows(name: str, ws: Any, last_row: int) -> list[list[Cell]]:
    """Rows 1..last_row, each as wide as its last cell; a row without cells is an empty list.

    openpyxl's iter_rows creates every cell of the rectangle it walks, so one stray cell at
    XFD1048576 would mean 17 billion of them: read the cells the sheet has instead.
    """
    grid: dict[int, dict[int, Any]] = {}
    for (r, c), cell in ws._cells.items():
        if r <= last_row:
            grid.setdefault(r, {})[c] = cell
    spanned = sum(max(cols) for cols in grid.values())
    if spanned > MAX_CELLS:
        raise _fail(name, None, f"sheet spans {spanned:,} cells; refusing anything over {MAX_CELLS:,}")
    empty: list[Cell] = []  # shared: rows are only read
    rows: list[list[Cell]] = []
    for r in range(1, last_row + 1):
        cols = grid.get(r)
        if not cols:
            rows.append(empty)
            continue
        cells: list[Cell] = [(None, None)] * max(cols)
        for c, cell in cols.items():
            link = getattr(cell, "hyperlink", None)
            target = getattr(link, "target", None) if link is not None else None
            cells[c - 1] = (cell.value, target if isinstance(target, str) else None)
        rows.append(cells)
    return rows


def _read_csv(path: Path) -> list[list[Cell]]:
    import csv
    import io

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(path.name, None, f"cannot read file: {exc.strerror or exc}") from exc
    if b"\x00" in data[:8192]:
        raise _fail(path.name, None, "not a CSV text file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        return [[(v, None) for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise _fail(path.name, None, f"not a readable CSV file: {exc}") from exc


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """(0-based index, field→column) of the first row naming ≥2 known columns."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for j, value in enumerate(row):
            fieldname = _COLUMNS.get(_header_name(value))
            if fieldname and fieldname not in columns:
                columns[fieldname] = j
        if len(columns) >= 2:
            return i, columns
    return None


def _blank(cells: Sequence[Cell]) -> bool:
    return all(not clean_text(v) and not link for v, link in cells)


def _load_sheet(path: Path) -> _Sheet:
    name = path.name
    _check_size(path)
    raw = _read_csv(path) if path.suffix.casefold() == ".csv" else _read_xlsx(path)
    found = _find_header([[v for v, _ in row] for row in raw])
    if found is None:
        first = next((row for row in raw if not _blank(row)), [])
        seen = [clean_text(v) for v, _ in first if clean_text(v)]
        missing = ", ".join(_REQUIRED.values())
        raise _fail(name, None, f"no header row: missing column(s) {missing}; first row has {seen[:12]}")
    index, columns = found
    missing_cols = [label for key, label in _REQUIRED.items() if key not in columns]
    if missing_cols:
        seen = [clean_text(v) for v, _ in raw[index] if clean_text(v)]
        raise _fail(name, index + 1, f"missing column(s) {', '.join(missing_cols)}; columns found: {seen}")
    rows: list[tuple[int, list[Cell]]] = []
    blank = 0
    for number, cells in enumerate(raw[index + 1 :], start=index + 2):
        if _blank(cells):
            blank += 1
        else:
            rows.append((number, cells))
    if not rows:
        raise _fail(name, index + 1, "no data rows below the header")
    return _Sheet(name, index + 1, columns, rows, blank)


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
            return dt.date.fromisoformat(as_of.strip())
        except ValueError as exc:
            raise UsageError(f"--as-of must be a date like 2025-07-18, not {as_of!r}") from exc
    dates = [d for d in (date_from_filename(p.name) for p in paths) if d is not None]
    if not dates:
        names = ", ".join(p.name for p in paths)
        raise DataError(
            [Problem(names, None, "", "cannot tell the snapshot date from the file name(s); give --as-of YYYY-MM-DD")]
        )
    return max(dates)


def _is_pending(sheet: _Sheet) -> bool:
    if sheet.name.casefold().startswith("pending"):
        return True
    if sheet.name.casefold().startswith("participating"):
        return False
    return "signed" not in sheet.columns and "moa" not in sheet.columns


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


def import_sheets(paths: Sequence[Path], as_of: str | None = None) -> ImportResult:
    """Read ICE's participating and/or pending sheets into one roster.

    ``as_of`` (``YYYY-MM-DD``) overrides the snapshot date read from the newest
    file name. Raises :class:`DataError` for unreadable input and
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
        sheet = _load_sheet(path)
        status: Status = "pending" if _is_pending(sheet) else "participating"
        if status == "participating":
            participating_sheets.append(sheet.name)
        rows_read += len(sheet.rows)
        blank_rows += sheet.blank_rows
        agreements.extend(_agreements(sheet, status, max_year, stats, warn))
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

DIFF_FIELDS = ("signed", "moa_url", "moa_status", "addendum_url", "county", "agency_type")


class AgreementChange(msgspec.Struct, frozen=True):
    old: Agreement
    new: Agreement
    fields: list[str]  # names from DIFF_FIELDS that differ


class RosterDiff(msgspec.Struct, frozen=True):
    added: list[Agreement]
    removed: list[Agreement]
    changed: list[AgreementChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_key(a: Agreement) -> tuple[str, str, str, str]:
    return (a.state, " ".join(a.agency.split()).casefold(), a.model, a.status)


def diff_rosters(old: Roster, new: Roster) -> RosterDiff:
    """What changed between two rosters, keyed on (state, agency, model, status).

    An agency can hold several agreements under one key (re-signed); those are
    paired in signed-date order and any surplus is added or removed.
    """

    def grouped(roster: Roster) -> dict[tuple[str, str, str, str], list[Agreement]]:
        groups: dict[tuple[str, str, str, str], list[Agreement]] = {}
        for a in roster.agreements:
            groups.setdefault(diff_key(a), []).append(a)
        for items in groups.values():
            items.sort(key=lambda a: (a.signed or a.signed_raw or "", a.row))
        return groups

    before, after = grouped(old), grouped(new)
    added: list[Agreement] = []
    removed: list[Agreement] = []
    changed: list[AgreementChange] = []
    for key in sorted(before.keys() | after.keys()):
        olds, news = before.get(key, []), after.get(key, [])
        # Pair identical-signed agreements first so a re-signing shows as an addition.
        remaining_new = list(news)
        unmatched_old: list[Agreement] = []
        for a in olds:
            match = next((b for b in remaining_new if b.signed == a.signed), None)
            if match is None:
                unmatched_old.append(a)
            else:
                remaining_new.remove(match)
                _record_change(a, match, changed)
        for a, b in zip(unmatched_old, remaining_new, strict=False):
            _record_change(a, b, changed)
        removed.extend(unmatched_old[len(remaining_new) :])
        added.extend(remaining_new[len(unmatched_old) :])
    return RosterDiff(added=added, removed=removed, changed=changed)


def _record_change(a: Agreement, b: Agreement, changed: list[AgreementChange]) -> None:
    fields = [f for f in DIFF_FIELDS if getattr(a, f) != getattr(b, f)]
    if fields:
        changed.append(AgreementChange(old=a, new=b, fields=fields))


def diff_to_dict(diff: RosterDiff) -> dict[str, Any]:
    """JSON-ready form of a diff."""

    def brief(a: Agreement) -> dict[str, Any]:
        return {"state": a.state, "agency": a.agency, "model": a.model, "status": a.status, "signed": a.signed}

    return {
        "added": [brief(a) for a in diff.added],
        "removed": [brief(a) for a in diff.removed],
        "changed": [
            {
                **brief(c.new),
                "fields": c.fields,
                "old": {f: getattr(c.old, f) for f in c.fields},
                "new": {f: getattr(c.new, f) for f in c.fields},
            }
            for c in diff.changed
        ],
    }
