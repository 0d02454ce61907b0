"""CSV: the document's one table, header first, source numbers dropped.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)``), so such cells get a leading ``'`` (OWASP's advice); controls and line
breaks in a cell become spaces.
"""

from __future__ import annotations

import csv
import io

from agencyref.errors import UsageError
from agencyref.present.document import Document
from agencyref.text import strip_unsafe

# Full-width forms too: some spreadsheets read them as the ASCII sign.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(text: str) -> str:
    """One cell as a spreadsheet may open it safely: one line, never a formula."""
    cell = strip_unsafe(text.replace("\t", " "))
    if cell.lstrip().startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def to_csv(doc: Document, delimiter: str = ",") -> str:
    """CSV, or with ``delimiter="\t"`` TSV (tabs inside cells become spaces either way)."""
    name = "tsv" if delimiter == "\t" else "csv"
    if doc.csv is None:
        raise UsageError(f"--format {name} needs a table, and this {doc.kind} result is not one; use json or yaml")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", delimiter=delimiter)
    writer.writerow([csv_cell(c) for c in doc.csv.columns])
    for row in doc.csv.rows:
        writer.writerow([csv_cell(cell.text) for cell in row])
    return buf.getvalue()
