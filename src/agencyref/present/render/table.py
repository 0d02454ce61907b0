"""Rich output for people at a terminal: the layout of ``lines``, styled, and tables that fit.

The document is laid out when Rich knows the width (``__rich_console__``): a table whose columns
fit without breaking a word is drawn with column widths from ``layout.plan_columns``; a wider
one becomes records. URLs are whole and, where ``links`` is on, terminal hyperlinks (OSC 8).
"""

from __future__ import annotations

from collections.abc import Iterator

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from agencyref.present.document import Document, Table
from agencyref.present.render.layout import URL, Line, Span, flow, plan_columns, words
from agencyref.present.render.lines import block_lines, cell_text, cell_words, footnote, heading, one
from agencyref.text import safe_url

GAP = 2  # between two columns of a table: right padding, then the (blank) rule
STYLES = {
    "title": "bold",
    "heading": "bold",
    "strong": "bold",
    "year": "bold",
    "label": "bold",
    "ref": "dim",
    "dim": "dim",
    "source": "dim",
    "date": "dim",
    "bar": "cyan",
    "bullet": "",
    "note": "italic",
}


class Layout:
    """The document as Rich renders it at the width of the console it is printed on."""

    def __init__(self, doc: Document, links: bool) -> None:
        self.doc, self.links = doc, links

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        width = options.max_width
        doc = self.doc
        yield self.text(heading(doc.title, width, "title"))
        for block in doc.blocks:
            yield Text("")
            table = self.table(block, width) if isinstance(block, Table) else None
            yield table if table is not None else self.text(block_lines(block, width, bar="█", mark="• "))
        for note in doc.notes:
            yield self.text(heading(note, width, "note"))
        if doc.sources:
            yield Text("")
            yield Text("Sources", style="bold")
            lines: list[Line] = []
            for n, s in enumerate(doc.sources, 1):
                lines += footnote(n, s, width)
            yield self.text(lines)

    def span(self, text: Text, span: Span) -> None:
        value, role = span
        if role == URL:
            url = safe_url(value)  # a hyperlink only to a plain http(s) address
            text.append(value, style=f"link {url}" if url and self.links else "")
        else:
            text.append(value, style=STYLES.get(role, ""))

    def text(self, lines: list[Line]) -> Text:
        """Lines already fitted to the width: Rich must neither wrap nor crop them (a long URL stays whole)."""
        text = Text(no_wrap=True, overflow="ignore", end="\n")
        for n, line in enumerate(lines):
            if n:
                text.append("\n")
            for span in line:
                self.span(text, span)
        return text

    def cell(self, items: list[Span], width: int) -> Text:
        """A cell filled to its column's width here, as everywhere else, so no word is split."""
        return self.text(flow(items, width))

    def table(self, block: Table, width: int) -> RichTable | None:
        """The table at widths that break no word, or None when it cannot fit."""
        header = [one(c) for c in block.columns]
        widths = plan_columns(header, [[cell_text(c) for c in row] for row in block.rows], width, GAP)
        if widths is None:
            return None
        table = RichTable(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
            title=one(block.title) or None,
            title_justify="left",
            title_style="bold",
        )
        for i, (name, w) in enumerate(zip(header, widths, strict=True)):
            table.add_column(
                self.cell(words(name), w),
                width=w,
                style="bold" if block.row_labels and i == 0 else None,
                no_wrap=True,  # cells come filled to the width
            )
        for row in block.rows:
            table.add_row(*(self.cell(cell_words(c), w) for c, w in zip(row, widths, strict=False)))
        return table


def to_renderable(doc: Document, wrap: bool = True, narrow: bool = False, links: bool = True) -> RenderableType:
    """The document for a Rich console; laid out at the console's width when printed.

    (``wrap`` and ``narrow`` are accepted for older callers: the width now decides both.)
    """
    return Layout(doc, links)
