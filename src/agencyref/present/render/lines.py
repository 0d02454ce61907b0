"""A document's blocks as lines of a given width, with roles for styling: shared by plain and Rich.

Tables are the renderers' own choice (aligned when they fit); everything else, and a table too
wide for the width, is laid out here: prose filled to the width, fields as ``label  value``,
tables as records (cards), one after another, each value under its column's name.
"""

from __future__ import annotations

from collections.abc import Sequence

from agencyref.knowledge.model import Source
from agencyref.present.document import BarChart, Bullets, Cell, Fields, Heading, Paragraph, Table, Timeline
from agencyref.present.render.layout import GLUED, URL, Line, Span, cells, flow, words
from agencyref.text import strip_unsafe

PACK_GAP = "   "  # between short fields sharing a line in a record
TITLE_JOIN = 14  # a first column this narrow (a status, a rank, a kind) joins the next in a record's title
BAR_WIDTH = 40


def one(text: str) -> str:
    """Data text on one line, with nothing a terminal would act on (escapes, bidi, line breaks)."""
    return " ".join(strip_unsafe(text).split())


def refs(cell: Cell) -> str:
    return "".join(f"[{n}]" for n in cell.refs)


def cell_text(cell: Cell) -> str:
    """A cell as one string: its text and its footnote numbers."""
    text = one(cell.text)
    return f"{text} {refs(cell)}" if cell.refs else text


def cell_words(cell: Cell, role: str = "") -> list[Span]:
    return [*words(one(cell.text), role), *((f"[{n}]", GLUED) for n in cell.refs)]


def heading(text: str, width: int, role: str = "heading") -> list[Line]:
    return flow(words(one(text), role), width)


def paragraph(block: Paragraph, width: int) -> list[Line]:
    title = heading(block.title, width) if block.title else []
    return title + flow(cell_words(block.cell), width)


def fields(rows: Sequence[tuple[str, Cell]], width: int, indent: int = 0) -> list[Line]:
    """``label  value`` lines, labels in a column (at most a third of the width), values filled beside."""
    labels = [one(label) for label, _ in rows]
    column = min(max((cells(label) for label in labels), default=0), max(8, width // 3))
    out: list[Line] = []
    lead = [(" " * indent, "")] if indent else []
    hang = indent + column + 2
    for label, (_, cell) in zip(labels, rows, strict=True):
        if cells(label) <= column:
            first = [*lead, (label, "label"), (" " * (column - cells(label) + 2), "")]
        else:  # a label wider than the column: on its own line, the value below
            out += flow(words(label, "label"), width, lead, indent)
            first = [(" " * hang, "")]
        out += flow(cell_words(cell), width, first, hang) or [first]
    return out


def bullets(items: Sequence[Cell], width: int, mark: str) -> list[Line]:
    out: list[Line] = []
    for cell in items:
        out += flow(cell_words(cell), width, [(mark, "bullet")], cells(mark))
    return out


def record(title: list[Span], rows: Sequence[tuple[str, Cell]], width: int) -> list[Line]:
    """One table row as a card: its title, then ``label: value`` for each other column.

    Short values share a line; a long one gets its own lines, continued under a deeper indent;
    a URL never shares its line with another field.
    """
    out = flow(title, width)
    packed: Line = []
    used = 0
    for label, cell in rows:
        items = cell_words(cell)
        if not items:
            continue
        name = f"{one(label)}:" if one(label) else ""
        size = (cells(name) + 1 if name else 0) + _spaced_width(items)
        if 2 + size <= width and not any(role == URL for _, role in items):
            alone = [(name, "label"), (" ", ""), *_spaced(items)] if name else _spaced(items)
            if packed and used + len(PACK_GAP) + size <= width:
                packed += [(PACK_GAP, ""), *alone]
                used += len(PACK_GAP) + size
                continue
            if packed:
                out.append(packed)
            packed, used = [("  ", ""), *alone], 2 + size
            continue
        if packed:
            out.append(packed)
            packed = []
        out += flow([*words(name, "label"), *items], width, [("  ", "")], 4)  # a long label wraps too
    if packed:
        out.append(packed)
    return out


def _spaced_width(items: list[Span]) -> int:
    """The width of ``_spaced(items)``: words one space apart, footnote marks glued together."""
    width, previous = 0, None
    for text, role in items:
        width += cells(text) + (previous is not None and not (role == previous == GLUED))
        previous = role
    return width


def _spaced(items: list[Span]) -> Line:
    """Words on one line, spaced as ``flow`` spaces them."""
    return flow(items, 1 << 30)[0] if items else []


def records(block: Table, width: int) -> list[Line]:
    """A table too wide for ``width``: each row as a card, a blank line between cards."""
    columns = [one(c) for c in block.columns]
    lead = 2 if len(columns) > 2 and all(cells(cell_text(r[0])) <= TITLE_JOIN for r in block.rows if r) else 1
    out: list[Line] = heading(block.title, width) if block.title else []
    for n, row in enumerate(block.rows):
        if n or block.title:
            out.append([])
        title: list[Span] = []
        for cell in row[:lead]:
            title += ([("·", "dim")] if title else []) + cell_words(cell, "title")
        out += record(title, list(zip(columns[lead:], row[lead:], strict=False)), width)
    return out


def timeline(block: Timeline, width: int) -> list[Line]:
    out: list[Line] = heading(block.title, width) if block.title else []
    year = ""
    hang = 14 if width >= 40 else 4
    for date, title, cell in block.rows:
        if date[:4] != year:
            year = date[:4]
            out.append([(one(year), "year")])
        first: Line = [("  ", ""), (one(date).ljust(10), "date"), ("  ", "")]
        out += flow([*words(one(title), "strong"), ("—", ""), *cell_words(cell)], width, first, hang)
    return out


def barchart(block: BarChart, width: int, bar: str) -> list[Line]:
    """Label, value, a bar scaled to the largest value (narrower at narrow widths), and a remark."""
    out: list[Line] = heading(block.title, width) if block.title else []
    rows = [(one(label), f"{value:,.0f}", value, one(extra)) for label, value, extra in block.rows]
    label_w = max((cells(r[0]) for r in rows), default=0)
    value_w = max((len(r[1]) for r in rows), default=0)
    extra_w = max((cells(r[3]) for r in rows), default=0)
    bar_w = max(5, min(BAR_WIDTH, width - label_w - value_w - extra_w - 6))
    top = max((r[2] for r in rows), default=0) or 1
    for label, shown, value, extra in rows:
        line: Line = [(label + " " * (label_w - cells(label)), "label"), ("  ", ""), (shown.rjust(value_w), "")]
        line += [("  ", ""), (bar * max(1 if value else 0, round(bar_w * value / top)), "bar")]
        if extra and sum(cells(t) for t, _ in line) + 2 + cells(extra) <= width:
            out.append([*line, ("  ", ""), (extra, "dim")])
        else:
            out.append(line)
            if extra:
                out += flow(words(extra, "dim"), width, [(" " * 4, "")], 4)
    return out


def footnote(n: int, s: Source, width: int) -> list[Line]:
    """``[3] (ice-287g-roster · official) Title. Publisher, 2026-05-18. https://…``"""
    from agencyref.knowledge.sourcekinds import label

    when = s.published or (f"accessed {s.accessed}" if s.accessed else "undated")
    mark = f"[{n}] "
    items = [*words(f"({one(s.id)} · {one(label(s))})", "source"), *words(one(f"{s.title}. {s.publisher}, {when}."))]
    items += words(one(s.url))  # an address is one word: never broken, alone when it must be
    return flow(items, width, [(mark, "dim")], cells(mark))


def block_lines(block: object, width: int, bar: str = "#", mark: str = "- ") -> list[Line]:
    """Any block but a table that fits (the renderers draw those), as lines."""
    if isinstance(block, Heading):
        return heading(block.text, width, "title" if block.level == 1 else "heading")
    if isinstance(block, Paragraph):
        return paragraph(block, width)
    if isinstance(block, Fields):
        return (heading(block.title, width) if block.title else []) + fields(block.rows, width)
    if isinstance(block, Table):
        return records(block, width)
    if isinstance(block, Bullets):
        return (heading(block.title, width) if block.title else []) + bullets(block.items, width, mark)
    if isinstance(block, BarChart):
        return barchart(block, width, bar)
    if isinstance(block, Timeline):
        return timeline(block, width)
    raise TypeError(f"unknown block {block!r}")
