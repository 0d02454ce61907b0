"""A workbook (.xlsx) → rows of (value, hyperlink target), fast, with the importer's guards.

openpyxl builds a Python object per cell and takes ~0.4-0.6 s for ICE's 1,800-row sheet. Here
python-calamine (Rust) reads the values (~20 ms, Excel dates already decoded), and one expat pass
over the sheet's XML reads what calamine does not give: the cells' hyperlinks (``<hyperlink ref
r:id>`` resolved through the sheet's ``.rels``), and the extent of the sheet for the guards:

- the file size (checked by the caller), the zip's expanded size (zip bombs), no DTD (entity bombs);
- merged and linked ranges may span at most ``max_cells`` cells (a few bytes can name 17 billion);
- the sheet's rows, each as wide as its last cell, at most ``max_cells`` (as before).

calamine fills a dense rectangle, so a sheet whose used rectangle is huge while its cells are few
(one stray cell at XFD1048576) is read by the older openpyxl path instead, which walks only the
cells the sheet has. Row numbers and blank rows are the sheet's, as openpyxl reports them: rows
run to the last row holding a cell element or a hyperlink.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agencyref.errors import DataError, Problem

Cell = tuple[object, str | None]  # (value, hyperlink target); the same shape as sheets.Cell

_REL_NS = "relationships"  # the r:id attribute's namespace ends so, transitional or strict


def _fail(file: str, message: str) -> DataError:
    return DataError([Problem(file, None, "", message)])


class SheetScan:
    """What one pass over a worksheet's XML learns: extent, spanned ranges and hyperlinks."""

    def __init__(self) -> None:
        self.last_row = 0  # highest row holding a cell element or a hyperlink
        self.last_col = 0
        self.row_widths: dict[int, int] = {}  # row -> its last cell's column
        self.spanned = 0  # cells covered by ranged merges and hyperlinks
        self.links: list[tuple[str, str]] = []  # (ref, relationship id)
        self.errors: dict[tuple[int, int], str] = {}  # (row, col) -> '#N/A' etc.; calamine blanks them


_COLUMN_CACHE: dict[str, int] = {}
_DIGITS = "0123456789"


def _col_row(ref: str) -> tuple[int, int]:
    """``'AB12'`` → (28, 12); (0, 0) when unreadable. Called for every cell: letters are cached."""
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters) :]
    col = _COLUMN_CACHE.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            if not "A" <= ch <= "Z":
                return 0, 0
            col = col * 26 + ord(ch) - 64
        if len(_COLUMN_CACHE) < 20_000:
            _COLUMN_CACHE[letters] = col
    return (col, int(digits)) if digits.isdigit() and col else (0, 0)


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """``'A1:C3'`` → (1, 1, 3, 3); whole columns (A:C) or rows (1:3) span the sheet."""
    first, _, last = ref.partition(":")
    c1, r1 = _col_row(first) if first[:1].isalpha() and first[-1:].isdigit() else (0, 0)
    c2, r2 = _col_row(last) if last[:1].isalpha() and last[-1:].isdigit() else (0, 0)
    if c1 and c2:
        return c1, r1, c2, r2
    if first.isalpha() and last.isalpha():  # A:C
        return _col_row(first + "1")[0], 1, _col_row(last + "1")[0], 1_048_576
    if first.isdigit() and last.isdigit():  # 1:3
        return 1, int(first), 16_384, int(last)
    return None


def _range(scan: SheetScan, local: str, ref: str, rid: str) -> None:
    box = _bounds(ref) if ":" in ref else None
    if box is not None:
        c1, r1, c2, r2 = box
        scan.spanned += (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
    if local == "hyperlink" and rid and ref:
        scan.links.append((ref, rid))


def _finish(scan: SheetScan) -> None:
    for r, width in scan.row_widths.items():
        scan.last_row = max(scan.last_row, r)
        scan.last_col = max(scan.last_col, width)


def scan_sheet(xml: bytes) -> SheetScan:
    """One expat pass; raises ``ValueError`` on a DTD (entity expansion) and ExpatError on bad XML.

    Tags are matched on their local name (``c`` or ``x:c``) without namespace processing,
    which halves the pass; a regular-expression scan was slower still, once each match
    had to be turned into Python values.
    """
    from xml.parsers import expat

    scan = SheetScan()
    row = col = 0
    widths = scan.row_widths
    error_cell: tuple[int, int] | None = None  # inside <c t="e">: its <v> is the error's text

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, error_cell
        local = tag if ":" not in tag else tag.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                col, r = _col_row(ref)
                row = r or row
            else:
                col += 1
            if col > widths.get(row, 0):
                widths[row] = col
            error_cell = (row, col) if attrs.get("t") == "e" else None
        elif local == "row":
            number = attrs.get("r", "")
            row = int(number) if number.isdigit() else row + 1
            col = 0
        elif local in ("mergeCell", "hyperlink"):
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            _range(scan, local, attrs.get("ref", ""), rid)

    def no_dtd(*_: Any) -> None:
        raise ValueError("a DTD in a worksheet (entity expansion) is not allowed")

    def text(data: str) -> None:
        if error_cell is not None:
            scan.errors[error_cell] = scan.errors.get(error_cell, "") + data

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = no_dtd
    parser.Parse(xml, True)
    _finish(scan)
    return scan


def _relationships(xml: bytes) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last word, target)."""
    from xml.etree import ElementTree

    out: dict[str, tuple[str, str]] = {}
    for el in ElementTree.fromstring(xml):
        if el.tag.rpartition("}")[2] == "Relationship":
            kind = el.get("Type", "").rpartition("/")[2]
            out[el.get("Id", "")] = (kind, el.get("Target", ""))
    return out


def _worksheets(zf: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, part path) of each worksheet, in workbook order."""
    from xml.etree import ElementTree

    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))  # corrupt XML raises: not a readable workbook
    if "xl/_rels/workbook.xml.rels" not in names:
        raise ValueError("no xl/_rels/workbook.xml.rels")
    rels = _relationships(zf.read("xl/_rels/workbook.xml.rels"))
    out = []
    for el in book.iter():
        if el.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.endswith(_REL_NS + "}id")), "")
        kind, target = rels.get(rid, ("", ""))
        if kind != "worksheet":
            continue  # chart sheets and the like hold no rows
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in names:
            out.append((el.get("name", ""), part))
    return out


def _sheet_links(zf: zipfile.ZipFile, part: str, names: set[str], scan: SheetScan) -> dict[tuple[int, int], str]:
    """(row, col) → external hyperlink target, for every cell a hyperlink's range covers."""
    if not scan.links:
        return {}
    folder, _, file = part.rpartition("/")
    rels_part = f"{folder}/_rels/{file}.rels"
    rels = _relationships(zf.read(rels_part)) if rels_part in names else {}
    out: dict[tuple[int, int], str] = {}
    for ref, rid in scan.links:
        target = rels.get(rid, ("", ""))[1]
        box = _bounds(ref) if ":" in ref else (*_col_row(ref), *_col_row(ref))
        if not target or box is None or not box[0]:
            continue
        c1, r1, c2, r2 = box
        for r in range(min(r1, r2), max(r1, r2) + 1):
            for c in range(min(c1, c2), max(c1, c2) + 1):
                out.setdefault((r, c), target)  # the first hyperlink on a cell wins, as in openpyxl
    return out


def read_xlsx(
    path: Path,
    *,
    max_cells: int,
    max_uncompressed: int,
    has_header: Callable[[list[list[Cell]]], bool],
    fallback: Callable[[Path], list[list[Cell]]],
) -> list[list[Cell]]:
    """Rows 1..last of the first worksheet whose top rows ``has_header`` (else the first worksheet).

    ``fallback`` reads a sheet calamine would have to expand into a huge dense rectangle.
    Raises :class:`DataError` for anything that is not a readable, reasonably sized workbook.
    """
    name = path.name
    if not zipfile.is_zipfile(path):
        raise _fail(name, "not an Excel workbook (.xlsx is a zip file; this is not one)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > max_uncompressed:
                raise _fail(
                    name,
                    f"workbook expands to {total / 1e6:.0f} MB; refusing anything over {max_uncompressed // 2**20} MB",
                )
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                if "xl/workbook.bin" in names:
                    raise _fail(name, "binary .xlsb workbooks are not supported; save as .xlsx")
                raise _fail(name, "zip file is not an Excel workbook (no xl/workbook.xml)")
            sheets = _worksheets(zf, names)
            if not sheets:
                raise _fail(name, "workbook has no worksheets")
            scans = []
            for sheet_name, part in sheets:
                scan = scan_sheet(zf.read(part))
                if scan.spanned > max_cells:
                    raise _fail(
                        name,
                        f"merged or linked ranges span {scan.spanned:,} cells; refusing anything over {max_cells:,}",
                    )
                scans.append((sheet_name, part, scan, _sheet_links(zf, part, names, scan)))
    except DataError:
        raise
    except Exception as exc:  # zipfile, zlib and expat each raise their own kinds on corrupt input
        raise _fail(name, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from exc
    chosen: list[list[Cell]] | None = None
    for sheet_name, _part, scan, links in scans:
        last_row = max([scan.last_row, *(r for r, _ in links)])
        spanned = sum(scan.row_widths.values())
        if spanned > max_cells:
            raise _fail(name, f"sheet spans {spanned:,} cells; refusing anything over {max_cells:,}")
        if last_row * max(scan.last_col, 1) > max_cells:
            return fallback(path)  # sparse but wide apart: walk only the cells it has
        rows = _values(path, sheet_name, last_row, links, scan.errors)
        if chosen is None:
            chosen = rows
        if has_header(rows):
            return rows
    assert chosen is not None
    return chosen


def _values(
    path: Path, sheet_name: str, last_row: int, links: dict[tuple[int, int], str], errors: dict[tuple[int, int], str]
) -> list[list[Cell]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheet = wb.get_sheet_by_name(sheet_name)
        grid: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        top, left = sheet.start or (0, 0)
    except Exception as exc:  # calamine reports corrupt parts as its own error kinds
        raise _fail(path.name, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from exc
    link_width: dict[int, int] = {}
    for lr, lc in links:
        link_width[lr] = max(lc, link_width.get(lr, 0))
    rows: list[list[Cell]] = []
    empty: list[Cell] = []  # shared: rows are only read
    for r in range(1, last_row + 1):
        i = r - 1 - top
        values = grid[i] if 0 <= i < len(grid) else ()
        width = left + len(values)
        while width > left and values[width - left - 1] in ("", None):
            width -= 1  # calamine pads rows to the rectangle; a row ends at its last value
        width = max(width, link_width.get(r, 0))
        if not width:
            rows.append(empty)
            continue
        cells: list[Cell] = []
        for c in range(1, width + 1):
            j = c - 1 - left
            value = values[j] if 0 <= j < len(values) else None
            if value == "":
                value = errors.get((r, c)) if errors else None
            cells.append((value, links.get((r, c))))
        rows.append(cells)
    return rows
