"""A sheet file (.xlsx or .csv) → rows of cells, with size and zip-bomb guards; the import report's records."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

import msgspec

from agencyref.errors import DataError, Problem, UsageError
from agencyref.roster.ice287g.cells import (
    _COLUMNS,
    HEADER_SCAN_ROWS,
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    clean_text,
)
from agencyref.roster.model import Roster

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
Row = tuple[int, list[Cell]]


class _Sheet:
    """A sheet's header and its non-blank data rows, read as they are consumed (a CSV is streamed)."""

    def __init__(
        self, name: str, header_row: int, columns: dict[str, int], rows: Iterable[Row], blank_rows: int = 0
    ) -> None:
        self.name = name  # file name
        self.header_row = header_row
        self.columns = columns  # field -> 0-based column index
        self.rows = rows  # (1-based row number, cells)
        self.blank_rows = blank_rows  # blank rows skipped so far (all of them once ``rows`` is used up)


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


def _read_xlsx_fast(path: Path) -> list[list[Cell]]:
    """calamine for values, the sheet XML for hyperlinks (see ``xlsx``); openpyxl for sparse giants."""
    from agencyref.roster.ice287g.xlsx import read_xlsx

    def has_header(rows: list[list[Cell]]) -> bool:
        return _find_header([[v for v, _ in row] for row in rows[:HEADER_SCAN_ROWS]]) is not None

    return read_xlsx(
        path,
        max_cells=MAX_CELLS,
        max_uncompressed=MAX_UNCOMPRESSED_BYTES,
        has_header=has_header,
        fallback=_read_xlsx,
    )


MAX_LINE = 1024 * 1024  # a physical line of a CSV; ICE's rows are under 1 kB


def _read_csv(path: Path, encoding: str | None = None) -> Iterator[list[Cell]]:
    """The CSV's rows, streamed: memory stays that of one line, whatever the file's size.

    A CSV is UTF-8 (with or without a BOM) or, with ``encoding``, that encoding throughout;
    a line that does not decode, or a UTF-8 line in a file declared otherwise, is a DataError
    naming the line: a silent guess would turn names into mojibake.
    """
    import csv

    lines = _csv_lines(path, encoding)
    try:
        for row in csv.reader(lines):
            yield [(v, None) for v in row]
    except csv.Error as exc:
        raise _fail(path.name, None, f"not a readable CSV file: {exc}") from exc


def _codec(encoding: str | None) -> str:
    import codecs

    if encoding is None:
        return "utf-8"
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding {encoding!r}") from None
    if "\n,STATE".encode(codec, errors="replace") != b"\n,STATE":
        raise UsageError(f"--encoding {encoding}: only encodings that write ASCII as ASCII are supported (not UTF-16)")
    return codec


def _too_long(name: str, line: int) -> DataError:
    return _fail(name, line, f"line is longer than {MAX_LINE // 1024} kB; not an ICE sheet")


def _csv_lines(path: Path, encoding: str | None) -> Iterator[str]:
    from agencyref import files

    name = path.name
    codec = _codec(encoding)
    utf8 = codec in ("utf-8", "utf-8-sig")
    pending = b""
    number = 0

    def decode(raw: bytes) -> str:
        if number == 1:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise _fail(name, 1, "UTF-16 text is not supported; save the sheet as CSV (UTF-8)")
            if raw.startswith(b"\xef\xbb\xbf"):
                if not utf8:
                    raise _fail(name, 1, f"the file starts with a UTF-8 mark but --encoding {encoding} was given")
                raw = raw[3:]
        if b"\x00" in raw:
            raise _fail(name, number, "not a CSV text file (contains NUL bytes)")
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            what = "UTF-8" if utf8 and encoding is None else encoding
            hint = "; give --encoding (e.g. cp1252) if the whole file uses another" if encoding is None else ""
            raise _fail(
                name, number, f"not valid {what}: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}{hint}"
            ) from None
        if not utf8 and not raw.isascii():
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise _fail(name, number, f"this line is UTF-8 but the file was declared {encoding}: mixed encodings")
        return text + "\n"

    for chunk in files.iter_chunks(path, MAX_FILE_BYTES, "an ICE sheet"):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            number += 1
            if len(raw) > MAX_LINE:
                raise _too_long(name, number)
            yield decode(raw)
        if len(pending) > MAX_LINE:
            raise _too_long(name, number + 1)
    if pending:
        number += 1
        yield decode(pending)


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


def is_pending_sheet(sheet: _Sheet) -> bool:
    """A pending-requests sheet: so named, or without the participating sheet's SIGNED and MOA columns."""
    if sheet.name.casefold().startswith("pending"):
        return True
    if sheet.name.casefold().startswith("participating"):
        return False
    return "signed" not in sheet.columns and "moa" not in sheet.columns


def _load_sheet(path: Path, encoding: str | None = None) -> _Sheet:
    name = path.name
    raw: Iterator[list[Cell]]
    if path.suffix.casefold() == ".csv":
        raw = _read_csv(path, encoding)  # streamed and bounded: any kind of file will do
    else:
        _check_size(path)
        raw = iter(_read_xlsx_fast(path))
    top = list(islice(raw, HEADER_SCAN_ROWS))
    found = _find_header([[v for v, _ in row] for row in top])
    if found is None:
        first = next((row for row in top if not _blank(row)), [])
        seen = [clean_text(v) for v, _ in first if clean_text(v)]
        missing = ", ".join(_REQUIRED.values())
        raise _fail(name, None, f"no header row: missing column(s) {missing}; first row has {seen[:12]}")
    index, columns = found
    missing_cols = [label for key, label in _REQUIRED.items() if key not in columns]
    if missing_cols:
        seen = [clean_text(v) for v, _ in top[index] if clean_text(v)]
        raise _fail(name, index + 1, f"missing column(s) {', '.join(missing_cols)}; columns found: {seen}")
    sheet = _Sheet(name, index + 1, columns, ())
    numbered = enumerate(chain(top[index + 1 :], raw), start=index + 2)

    def data_rows() -> Iterator[Row]:
        for number, cells in numbered:
            if _blank(cells):
                sheet.blank_rows += 1
            else:
                yield number, cells

    rows = data_rows()
    first_row = next(rows, None)  # read up to the first data row now, so an empty sheet fails early
    if first_row is None:
        if not is_pending_sheet(sheet):  # ICE publishes an empty pending list when nothing is pending
            raise _fail(name, index + 1, "no data rows below the header")
        sheet.rows = iter(())
        return sheet
    sheet.rows = chain([first_row], rows)
    return sheet
