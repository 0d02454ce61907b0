"""Rich output for people at a terminal (also plain text when piped)."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline
from agencyref.text import safe_url, strip_unsafe

BAR_WIDTH = 40


def _one(text: str) -> str:
    """Data text with nothing a terminal would act on: Rich passes escape sequences through."""
    return " ".join(strip_unsafe(text).split())


def _text(cell: Cell) -> Text:
    text = Text(_one(cell.text))
    if cell.refs:
        text.append(" " + "".join(f"[{n}]" for n in cell.refs), style="dim")
    return text


def _stacked(block: Table) -> RenderableType:
    """A table for a narrow terminal: one record per row, each value under its column's name."""
    lines: list[RenderableType] = [Text(_one(block.title), style="bold")] if block.title else []
    for row in block.rows:
        head = Text(f"{_one(block.columns[0])}: ", style="dim")
        head.append_text(_text(row[0]))
        head.stylize("bold", len(_one(block.columns[0])) + 2)
        lines.append(head)
        for column, cell in zip(block.columns[1:], row[1:], strict=False):
            line = Text(f"  {_one(column)}: ", style="dim")
            line.append_text(_text(cell))
            lines.append(line)
    return Group(*lines)


def _block(block: object, wrap: bool, narrow: bool = False) -> RenderableType:
    if isinstance(block, Heading):
        return Text(_one(block.text), style="bold underline" if block.level == 1 else "bold")
    if isinstance(block, Paragraph):
        return _text(block.cell) if not block.title else Group(Text(_one(block.title), style="bold"), _text(block.cell))
    if isinstance(block, Fields):
        grid = RichTable(
            box=box.SIMPLE, show_header=False, title=_one(block.title) or None, title_justify="left", pad_edge=False
        )
        grid.add_column(style="bold", no_wrap=not narrow, ratio=1 if narrow else None)
        grid.add_column(overflow="fold", no_wrap=not wrap, ratio=2 if narrow else None)
        for label, cell in block.rows:
            grid.add_row(Text(_one(label)), _text(cell))
        return grid
    if isinstance(block, Table) and narrow:
        return _stacked(block)
    if isinstance(block, Table):
        table = RichTable(
            box=box.SIMPLE_HEAD, title=_one(block.title) or None, title_justify="left", title_style="bold"
        )
        for i, column in enumerate(block.columns):
            first = block.row_labels and i == 0
            # Row labels stay on one line unless the terminal is too narrow for them and the answer.
            table.add_column(
                Text(_one(column)),
                style="bold" if first else None,
                no_wrap=(first and not narrow) or not wrap,
                overflow="fold",
            )
        for row in block.rows:
            table.add_row(*(_text(c) for c in row))
        return table
    if isinstance(block, Bullets):
        lines = [Text(_one(block.title), style="bold")] if block.title else []
        for cell in block.items:
            line = Text("• ")
            line.append_text(_text(cell))
            lines.append(line)
        return Group(*lines)
    if isinstance(block, BarChart):
        table = RichTable(
            box=None, title=_one(block.title) or None, title_justify="left", title_style="bold", show_header=False
        )
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold", no_wrap=not wrap)
        top = max((v for _, v, _ in block.rows), default=0) or 1
        for label, value, extra in block.rows:
            bar = "█" * max(1 if value else 0, round(BAR_WIDTH * value / top))
            table.add_row(Text(_one(label)), f"{value:,.0f}", Text(bar, style="cyan"), Text(_one(extra), style="dim"))
        return table
    if isinstance(block, Timeline):
        grid = RichTable(
            box=None, show_header=False, pad_edge=False, title=_one(block.title) or None, title_justify="left"
        )
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(no_wrap=True, style="cyan")
        grid.add_column(overflow="fold", no_wrap=not wrap)
        year = ""
        for date, title, cell in block.rows:
            if date[:4] != year:
                year = date[:4]
                grid.add_row(Text(_one(year), style="bold"), "┃", "")
            line = Text(_one(title), style="bold")
            line.append(" — ")
            line.append_text(_text(cell))
            grid.add_row(Text(_one(date[5:])), "●", line)
        return grid
    raise TypeError(f"unknown block {block!r}")


def to_renderable(doc: Document, wrap: bool = True, narrow: bool = False) -> RenderableType:
    """``wrap=False`` when the width is unbounded (piped output): skips Rich's line wrapping work.
    ``narrow`` when the terminal is under 60 columns: row labels wrap too, so answers keep their room."""
    parts: list[RenderableType] = [Text(_one(doc.title), style="bold")]
    for block in doc.blocks:
        parts += [Text(""), _block(block, wrap, narrow)]
    for note in doc.notes:
        parts.append(Text(_one(note), style="italic"))
    if doc.sources:
        parts += [Text(""), Text("Sources", style="bold")]
        for n, s in enumerate(doc.sources, 1):
            when = s.published or (f"accessed {s.accessed}" if s.accessed else "undated")
            line = Text(f"[{n}] ", style="dim")
            line.append(_one(f"{s.title}. {s.publisher}, {when}. "))
            url = safe_url(s.url)  # a terminal hyperlink only to a plain http(s) address
            if url:
                line.append(url, style=f"link {url}")
            else:
                line.append(_one(s.url))
            parts.append(line)
    return Group(*parts)
