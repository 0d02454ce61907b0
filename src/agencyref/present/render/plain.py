"""Plain text for piped output: prose filled to a readable width, tables aligned or as records.

When stdout is not a terminal people are saving, grepping or paging the answer. Prose is filled
to ``width`` (100 columns unless ``COLUMNS`` says otherwise) without breaking a word or a URL;
a table whose rows fit that width stays an aligned table, one row per line; a wider one becomes
records, one after another. No box drawing, colour or Rich (start-up matters).
"""

from __future__ import annotations

from agencyref.present.document import Document, Table
from agencyref.present.render.layout import Line, natural_widths
from agencyref.present.render.lines import block_lines, cell_text, footnote, heading, one
from agencyref.text import terminal_safe

WIDTH = 100  # a readable line for piped text
GAP = 2


def _join(line: Line) -> str:
    return "".join(text for text, _ in line).rstrip()


def _aligned(block: Table, width: int) -> list[str] | None:
    """The table with each row on one line, or None when its rows are wider than ``width``."""
    header = [one(c) for c in block.columns]
    rows = [[cell_text(c) for c in row] for row in block.rows]
    widths = natural_widths(header, rows)
    if sum(widths) + GAP * (len(widths) - 1) > width:
        return None
    lines = [_join(t) for t in heading(block.title, width)] if block.title else []
    for n, row in enumerate([header, *rows]):
        lines.append((" " * GAP).join(text.ljust(w) for text, w in zip(row, widths, strict=False)).rstrip())
        if n == 0:
            lines.append((" " * GAP).join("-" * w for w in widths))
    return lines


def to_plain(doc: Document, width: int = WIDTH) -> str:
    out = [_join(line) for line in heading(doc.title, width, "title")]
    for block in doc.blocks:
        out.append("")
        table = _aligned(block, width) if isinstance(block, Table) else None
        out += table if table is not None else [_join(line) for line in block_lines(block, width)]
    for note in doc.notes:
        out += [_join(line) for line in heading(note, width, "note")]
    if doc.sources:
        out += ["", "Sources"]
        for n, s in enumerate(doc.sources, 1):
            out += [_join(line) for line in footnote(n, s, width)]
    return terminal_safe("\n".join(out) + "\n")  # the last guard: only line breaks are control characters
