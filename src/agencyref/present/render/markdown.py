"""Markdown a journalist can paste: GitHub tables and numbered source footnotes.

Text from data is escaped for markdown: HTML (``<``, ``>``, ``&``) becomes entities, and link,
footnote, code and table syntax is backslash-escaped, so a name can neither inject HTML nor
make a link. Only http(s) URLs that ``text.safe_url`` accepts are linked.
"""

from __future__ import annotations

import re

from agencyref.knowledge.model import Source
from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline
from agencyref.text import safe_url, strip_unsafe

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "[": "\\[", "]": "\\]", "`": "\\`", "|": "\\|"}
_SPECIAL = re.compile(r"[&<>\\\[\]`|]")


def md(text: str) -> str:
    """Data text as inline markdown: one line, no HTML, no links, no table breaks."""
    one_line = " ".join(strip_unsafe(text).split())
    return _SPECIAL.sub(lambda m: _ESCAPES[m[0]], one_line)


def _label(prefix: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", prefix)  # footnote labels take no markdown of their own


def _cite(cell: Cell, prefix: str = "") -> str:
    return md(cell.text) + "".join(f"[^{_label(prefix)}{n}]" for n in cell.refs)


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    """Cells already escaped (``md`` escapes ``|`` too)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def footnote(label: str, s: Source) -> str:
    """``[^3]: (ice-287g-roster · official) Title. Publisher, date. <url>``: the id to look it up, and what it is."""
    from agencyref.knowledge.sourcekinds import label as kind

    date = f", {s.published}" if s.published else (f", accessed {s.accessed}" if s.accessed else "")
    url = safe_url(s.url)
    where = f"<{url}>" if url else md(s.url)
    what = f"({md(s.id)} · {md(kind(s))})"
    return f"[^{_label(label)}]: {what} {md(s.title)}. {md(s.publisher)}{md(date)}. {where}"


def to_markdown(doc: Document, notice: str = "", prefix: str = "", level: int = 1) -> str:
    """``prefix`` namespaces the footnote labels and ``level`` the headings, so several
    documents can be joined into one file (see ``views.export``)."""

    def cite(cell: Cell) -> str:
        return _cite(cell, prefix)

    out: list[str] = [f"{'#' * level} {md(doc.title)}", ""]
    sub = "#" * min(level + 1, 6)
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * min(block.level + level, 6)} {md(block.text)}", ""]
            continue
        if getattr(block, "title", ""):
            out += [f"{sub} {md(block.title)}", ""]
        if isinstance(block, Paragraph):
            out += [cite(block.cell), ""]
        elif isinstance(block, Fields):
            out += [*_table(["", ""], [[f"**{md(label)}**", cite(cell)] for label, cell in block.rows]), ""]
        elif isinstance(block, Table):
            out += [*_table([md(c) for c in block.columns], [[cite(c) for c in row] for row in block.rows]), ""]
        elif isinstance(block, Bullets):
            out += [f"- {cite(c)}" for c in block.items] + [""]
        elif isinstance(block, BarChart):
            rows = [[md(lbl), f"{v:g}", md(txt)] for lbl, v, txt in block.rows]
            out += _table(["", md(block.unit) or "value", ""], rows)
            out += [""]
        elif isinstance(block, Timeline):
            year = ""
            for date, title, cell in block.rows:
                if date[:4] != year:
                    year = date[:4]
                    out += ["", f"{sub}# {md(year)}" if len(sub) < 6 else f"**{md(year)}**", ""]
                out.append(f"- **{md(date)}** — {md(title)}: {cite(cell)}")
            out.append("")
    out += [f"_{md(note)}_" for note in doc.notes] + ([""] if doc.notes else [])
    if notice:
        out += [f"> {md(notice)}", ""]
    out += [footnote(f"{prefix}{i}", s) for i, s in enumerate(doc.sources, 1)]
    return "\n".join(out).rstrip() + "\n"
