"""Plain text for piped output: aligned columns, no box drawing, colour or wrapping.

When stdout is not a terminal, people are grepping, saving or paging the answer, so each
row stays on one line and nothing depends on a terminal width (the convention of `gh`,
tldr clients and clig.dev). Rich draws the same document at a terminal.
"""

from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline

BAR_WIDTH = 40


def _text(cell: Cell) -> str:
    text = " ".join(cell.text.split())
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
    out = [doc.title]
    for block in doc.blocks:
        out.append("")
        if isinstance(block, Heading):
            out.append(block.text)
            continue
        if getattr(block, "title", ""):
            out.append(block.title)
        if isinstance(block, Paragraph):
            out.append(_text(block.cell))
        elif isinstance(block, Fields):
            out += _columns(None, [[label, _text(cell)] for label, cell in block.rows])
        elif isinstance(block, Table):
            out += _columns(list(block.columns), [[_text(c) for c in row] for row in block.rows])
        elif isinstance(block, Bullets):
            out += [f"- {_text(c)}" for c in block.items]
        elif isinstance(block, BarChart):
            top = max((v for _, v, _ in block.rows), default=0) or 1
            rows = [
                [label, f"{v:,.0f}", "#" * max(1 if v else 0, round(BAR_WIDTH * v / top)), extra]
                for label, v, extra in block.rows
            ]
            out += _columns(None, rows)
        elif isinstance(block, Timeline):
            year = ""
            for date, title, cell in block.rows:
                if date[:4] != year:
                    year = date[:4]
                    out.append(year)
                out.append(f"  {date:<10}  {title} — {_text(cell)}")
    out += doc.notes
    if doc.sources:
        out += ["", "Sources"]
        for n, s in enumerate(doc.sources, 1):
            when = s.published or (f"accessed {s.accessed}" if s.accessed else "undated")
            out.append(f"[{n}] {s.title}. {s.publisher}, {when}. {s.url}")
    return "\n".join(out) + "\n"
