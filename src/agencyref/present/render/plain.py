"""Plain text for piped output: aligned columns, no box drawing, colour or wrapping.

When stdout is not a terminal, people are grepping, saving or paging the answer, so each
row stays on one line and nothing depends on a terminal width (the convention of `gh`,
tldr clients and clig.dev). Rich draws the same document at a terminal.
"""

from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline
from agencyref.text import strip_unsafe, terminal_safe

BAR_WIDTH = 40


def _one(text: str) -> str:
    """Data text on one line, with nothing a terminal would act on (escapes, bidi, line breaks)."""
    return " ".join(strip_unsafe(text).split())


def _text(cell: Cell) -> str:
    text = _one(cell.text)
    return text + (" " + "".join(f"[{n}]" for n in cell.refs) if cell.refs else "")


def _columns(header: list[str] | None, rows: list[list[str]]) -> list[str]:
    lines = [header] if header else []
    lines += rows
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))] if lines else []
    out = []
    for n, row in enumerate(lines):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if header and n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def to_plain(doc: Document) -> str:
    out = [_one(doc.title)]
    for block in doc.blocks:
        out.append("")
        if isinstance(block, Heading):
            out.append(_one(block.text))
            continue
        if getattr(block, "title", ""):
            out.append(_one(block.title))
        if isinstance(block, Paragraph):
            out.append(_text(block.cell))
        elif isinstance(block, Fields):
            out += _columns(None, [[_one(label), _text(cell)] for label, cell in block.rows])
        elif isinstance(block, Table):
            out += _columns([_one(c) for c in block.columns], [[_text(c) for c in row] for row in block.rows])
        elif isinstance(block, Bullets):
            out += [f"- {_text(c)}" for c in block.items]
        elif isinstance(block, BarChart):
            top = max((v for _, v, _ in block.rows), default=0) or 1
            rows = [
                [_one(label), f"{v:,.0f}", "#" * max(1 if v else 0, round(BAR_WIDTH * v / top)), _one(extra)]
                for label, v, extra in block.rows
            ]
            out += _columns(None, rows)
        elif isinstance(block, Timeline):
            year = ""
            for date, title, cell in block.rows:
                if date[:4] != year:
                    year = date[:4]
                    out.append(_one(year))
                out.append(f"  {_one(date):<10}  {_one(title)} — {_text(cell)}")
    out += [_one(note) for note in doc.notes]
    if doc.sources:
        out += ["", "Sources"]
        for n, s in enumerate(doc.sources, 1):
            when = s.published or (f"accessed {s.accessed}" if s.accessed else "undated")
            out.append(_one(f"[{n}] {s.title}. {s.publisher}, {when}. {s.url}"))
    return terminal_safe("\n".join(out) + "\n")  # the last guard: only line breaks are control characters
