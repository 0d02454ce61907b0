"""Layouts that fit the width: the real answers drawn by a recording Rich console at 60-200 columns.

At every width: no line is wider than the console (except a line that is one URL, never broken),
no word, date or number of the answer is split across lines, and every URL appears whole.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

from agencyref.knowledge.sourcekinds import label
from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline
from agencyref.present.render.layout import cells, flow, is_url, plan_columns, words
from agencyref.present.render.markdown import to_markdown
from agencyref.present.render.plain import to_plain
from agencyref.present.render.table import to_renderable

from .conftest import Runner

WIDTHS = (60, 80, 120, 200)
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
COMMANDS = [
    ("program", "287g"),
    ("compare", "ice", "police"),
    ("jurisdiction", "FL"),
    ("jurisdiction", "Pinellas County, FL"),
    ("jurisdiction", "--by-state"),
    ("history",),
    ("changes",),
    ("sources", "ice-287g"),
    ("search", "warrant"),
    ("glossary",),
]


def document_of(run: Runner, monkeypatch: pytest.MonkeyPatch, *args: str) -> Document:
    """The Document a command hands to the output layer (the real answer, on the bundled data)."""
    seen: list[Document] = []
    monkeypatch.setattr("agencyref.cli.app.emit", lambda doc, *a, **k: seen.append(doc))
    r = run("-q", *args)
    assert r.code == 0, r.err
    return seen[0]


def drawn(doc: Document, width: int, *, colour: bool = False, links: bool = False) -> str:
    console = Console(
        file=io.StringIO(), width=width, record=True, force_terminal=colour, no_color=not colour, highlight=False
    )
    console.print(to_renderable(doc, links=links), crop=False)
    return console.export_text(styles=False) if not colour else console.file.getvalue()  # type: ignore[attr-defined]


def texts(doc: Document) -> Iterator[str]:
    """Every piece of text from the data that the answer shows."""
    yield doc.title
    for block in doc.blocks:
        if isinstance(block, Heading):
            yield block.text
        elif isinstance(block, Paragraph):
            yield block.cell.text
        elif isinstance(block, Fields):
            yield from (c.text for _, c in block.rows)
        elif isinstance(block, Table):
            yield from (c.text for row in block.rows for c in row)
        elif isinstance(block, Bullets):
            yield from (c.text for c in block.items)
        elif isinstance(block, BarChart):
            yield from (extra for _, _, extra in block.rows)
        elif isinstance(block, Timeline):
            yield from (f"{d} {t} {c.text}" for d, t, c in block.rows)


def check_fits(doc: Document, out: str, width: int) -> None:
    lines = out.splitlines()
    too_wide = [line for line in lines if cells(line) > width and not is_url(line.strip())]
    assert not too_wide, too_wide[:3]
    tokens = set(out.split())
    for text in texts(doc):
        for word in text.split():
            if is_url(word) or cells(word) <= width - 4:  # a longer non-URL word may only be folded
                assert word in tokens, f"{word!r} split or missing at {width} columns"
        for date in DATE.findall(text):
            assert date in out
    for s in doc.sources:
        assert s.url in tokens, f"URL {s.url} broken at {width} columns"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_answers_fit_every_width_without_splitting_words(
    run: Runner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    doc = document_of(run, monkeypatch, *args)
    for width in WIDTHS:
        check_fits(doc, drawn(doc, width), width)
        check_fits(doc, to_plain(doc, width), width)


def test_a_wide_table_becomes_records_and_a_narrow_one_stays_a_table() -> None:
    url = "https://www.ice.gov/doclib/287gMOA/AlachuaCoSheriffsOfficeFL_TFM_MOA_02262025.pdf"
    wide = Table(
        ["agency", "signed", "MOA"], [[Cell("Alachua County Sheriff's Office"), Cell("2025-02-26"), Cell(url)]]
    )
    narrow = Table(["state", "agreements"], [[Cell("TX"), Cell("387")], [Cell("FL"), Cell("348")]])
    doc = Document("test", "T", [wide, narrow], {})
    out = drawn(doc, 80)
    assert "Alachua County Sheriff's Office\n  signed: 2025-02-26\n" in out  # a record: label: value
    assert "  MOA:" in out.splitlines() and url in [line.strip() for line in out.splitlines()]  # whole, alone
    assert re.search(r"^TX\s+387\s*$", out, re.M)  # the narrow table keeps its rows
    plain = to_plain(doc, 200)
    assert re.search(r"^Alachua County Sheriff's Office\s+2025-02-26\s+https://", plain, re.M)


def test_a_url_longer_than_the_width_stands_alone_and_whole() -> None:
    url = "https://example.gov/" + "a" * 90
    lines = ["".join(t for t, _ in line) for line in flow(words(f"see {url} for more"), 40)]
    assert lines == ["see", url, "for more"]
    lines = ["".join(t for t, _ in line) for line in flow(words("a" * 50), 20)]  # not a URL: folded, last resort
    assert lines == ["a" * 20, "a" * 20, "a" * 10]


def test_columns_never_narrower_than_their_longest_word() -> None:
    header = ["key", "summary"]
    rows = [["fl/alachua-county-sheriffs-office", "word " * 60]]
    widths = plan_columns(header, rows, 80, 2)
    assert widths is not None and widths[0] == len("fl/alachua-county-sheriffs-office") and sum(widths) + 2 <= 80
    assert plan_columns(header, rows, 40, 2) is None  # 33 + 2 + 20 > 40: records instead


def test_links_only_when_asked(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = document_of(run, monkeypatch, "sources", "ice-287g")
    assert "\x1b]8;" in drawn(doc, 80, colour=True, links=True)
    assert "\x1b]8;" not in drawn(doc, 80, colour=True, links=False)


def footnote_marks(doc: Document) -> list[str]:
    return [f"({s.id} · {label(s)})" for s in doc.sources]


def test_footnotes_show_id_and_kind_in_every_human_format(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = document_of(run, monkeypatch, "program", "287g")
    assert len(doc.sources) > 5
    rich_out, plain_out, markdown_out = drawn(doc, 200), to_plain(doc, 200), to_markdown(doc)
    for n, mark in enumerate(footnote_marks(doc), 1):
        assert re.search(rf"^\[{n}\] {re.escape(mark)} ", rich_out, re.M), mark
        assert re.search(rf"^\[{n}\] {re.escape(mark)} ", plain_out, re.M), mark
        assert f"[^{n}]: {mark} " in markdown_out
    kinds: set[Any] = {label(s) for s in doc.sources}
    assert "official" in kinds and len(kinds) > 2
