"""Markdown a journalist can paste: GitHub tables and numbered source footnotes."""

from __future__ import annotations

from agencyref.knowledge.model import Source
from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline


def _cite(cell: Cell, prefix: str = "") -> str:
    return cell.text + "".join(f"[^{prefix}{n}]" for n in cell.refs)


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_esc(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in rows]
    return lines


def footnote(label: str, s: Source) -> str:
    date = f", {s.published}" if s.published else (f", accessed {s.accessed}" if s.accessed else "")
    return f"[^{label}]: {s.title}. {s.publisher}{date}. <{s.url}>"


def to_markdown(doc: Document, notice: str = "", prefix: str = "", level: int = 1) -> str:
    """``prefix`` namespaces the footnote labels and ``level`` the headings, so several
    documents can be joined into one file (see ``views.export``)."""

    def cite(cell: Cell) -> str:
        return _cite(cell, prefix)

    out: list[str] = [f"{'#' * level} {doc.title}", ""]
    sub = "#" * min(level + 1, 6)
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * min(block.level + level, 6)} {block.text}", ""]
            continue
        if getattr(block, "title", ""):
            out += [f"{sub} {block.title}", ""]
        if isinstance(block, Paragraph):
            out += [cite(block.cell), ""]
        elif isinstance(block, Fields):
            out += [*_table(["", ""], [[f"**{label}**", cite(cell)] for label, cell in block.rows]), ""]
        elif isinstance(block, Table):
            out += [*_table(list(block.columns), [[cite(c) for c in row] for row in block.rows]), ""]
        elif isinstance(block, Bullets):
            out += [f"- {cite(c)}" for c in block.items] + [""]
        elif isinstance(block, BarChart):
            out += _table(["", block.unit or "value", ""], [[lbl, f"{v:g}", txt] for lbl, v, txt in block.rows])
            out += [""]
        elif isinstance(block, Timeline):
            year = ""
            for date, title, cell in block.rows:
                if date[:4] != year:
                    year = date[:4]
                    out += ["", f"{sub}# {year}" if len(sub) < 6 else f"**{year}**", ""]
                out.append(f"- **{date}** — {title}: {cite(cell)}")
            out.append("")
    out += [f"_{note}_" for note in doc.notes] + ([""] if doc.notes else [])
    if notice:
        out += [f"> {notice}", ""]
    out += [footnote(f"{prefix}{i}", s) for i, s in enumerate(doc.sources, 1)]
    return "\n".join(out).rstrip() + "\n"
