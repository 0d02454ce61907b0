"""CSV: the document's one table, header first, source numbers dropped."""

from __future__ import annotations

import csv
import io

from agencyref.errors import UsageError
from agencyref.present.document import Document


def to_csv(doc: Document) -> str:
    if doc.csv is None:
        raise UsageError(f"--format csv needs a table, and this {doc.kind} result is not one; use json or yaml")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(doc.csv.columns)
    for row in doc.csv.rows:
        writer.writerow([cell.text for cell in row])
    return buf.getvalue()
