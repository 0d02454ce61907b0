"""Markdown a journalist can paste: GitHub tables and numbered source footnotes."""

from __future__ import annotations

from ..document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table
from ..model import Source


def _cite(cell: Cell) -> str:
    return cell.text + "".join(f"[^{n}]" for n in cell.refs)


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_esc(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in rows]
    return lines


def footnote(n: int, s: Source) -> str:
    date = f", {s.published}" if s.published else (f", accessed {s.accessed}" if s.accessed else "")
    return f"[^{n}]: {s.title}. {s.publisher}{date}. <{s.url}>"


def to_markdown(doc: Document, notice: str = "") -> str:
    out: list[str] = [f"# {doc.title}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * min(block.level + 1, 6)} {block.text}", ""]
            continue
        if getattr(block, "title", ""):
            out += [f"## {block.title}", ""]
        if isinstance(block, Paragraph):
            out += [_cite(block.cell), ""]
        elif isinstance(block, Fields):
            out += [*_table(["", ""], [[f"**{label}**", _cite(cell)] for label, cell in block.rows]), ""]
        elif isinstance(block, Table):
            out += [*_table(list(block.columns), [[_cite(c) for c in row] for row in block.rows]), ""]
        elif isinstance(block, Bullets):
            out += [f"- {_cite(c)}" for c in block.items] + [""]
        elif isinstance(block, BarChart):
            out += _table(["", block.unit or "value", ""], [[lbl, f"{v:g}", txt] for lbl, v, txt in block.rows])
            out += [""]
    out += [f"_{note}_" for note in doc.notes] + ([""] if doc.notes else [])
    if notice:
        out += [f"> {notice}", ""]
    out += [footnote(i, s) for i, s in enumerate(doc.sources, 1)]
    return "\n".join(out).rstrip() + "\n"
