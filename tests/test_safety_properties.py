"""Properties: whatever text sits in whatever field, no renderer emits what its medium would act on."""

from __future__ import annotations

import csv
import io
import json
import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencyref.knowledge.model import Source
from agencyref.present.document import BarChart, Bullets, Cell, Document, Fields, Heading, Paragraph, Table, Timeline
from agencyref.present.render.csv_ import to_csv
from agencyref.present.render.data import to_json, to_yaml
from agencyref.present.render.markdown import to_markdown
from agencyref.present.render.plain import to_plain

from .test_safety_text import PAYLOADS, SGR_OR_LINK, bad_chars

# Any text (lone surrogates cannot come out of a strict decoder), hostile snippets, and mixes of both.
any_text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(PAYLOADS),
    st.lists(st.one_of(st.sampled_from(PAYLOADS), st.sampled_from(list("=+-@<>&[]()|`\\*_#\t\r\n\x1b\u202e\u200b"))),
             min_size=1, max_size=6).map("".join),
)  # fmt: skip


@st.composite
def documents(draw: st.DrawFn) -> tuple[Document, str]:
    t = lambda: draw(any_text)  # noqa: E731  # a fresh text for every field
    table = Table(columns=[t(), t()], rows=[[Cell(t(), (1,)), Cell(t())], [Cell(t()), Cell(t())]], title=t())
    blocks = [
        Heading(t()),
        Paragraph(Cell(t(), (1,)), title=t()),
        Fields([(t(), Cell(t()))], title=t()),
        table,
        Bullets([Cell(t())], title=t()),
        BarChart([(t(), 3.0, t()), (t(), 0.0, t())], title=t(), unit=t()),
        Timeline([(t(), t(), Cell(t()))], title=t()),
    ]
    source = Source(id="s1", title=t(), publisher=t(), url=t(), kind="news", published=t())
    doc = Document(kind="test", title=t(), blocks=blocks, data={"text": t(), "more": {t(): [t()]}}, sources=[source],
                   csv=table, notes=[t()])  # fmt: skip
    return doc, t()


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents())
def test_plain_and_terminal_output_carry_no_control_characters(case: tuple[Document, str]) -> None:
    from rich.console import Console

    from agencyref.present.render.table import to_renderable

    doc, _ = case
    assert not bad_chars(to_plain(doc))
    for colour, width in ((False, 80), (True, 50)):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=colour, no_color=not colour, highlight=False,
                          emoji=False, markup=False)  # fmt: skip
        console.print(to_renderable(doc, wrap=True, narrow=width < 60))
        assert not bad_chars(buffer.getvalue(), ours=colour)


@SETTINGS
@given(documents())
def test_csv_never_starts_a_cell_with_a_formula(case: tuple[Document, str]) -> None:
    out = to_csv(case[0])
    assert not bad_chars(out)
    for row in csv.reader(io.StringIO(out)):
        for cell in row:
            assert not cell.lstrip().startswith(
                ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
            )


@SETTINGS
@given(documents())
def test_markdown_has_no_raw_html_and_no_links_but_ours(case: tuple[Document, str]) -> None:
    doc, notice = case
    out = to_markdown(doc, notice=notice)
    assert not bad_chars(out)
    body = re.sub(r"<https?://[^\s<>]+>", "", out)  # footnote autolinks, only to URLs safe_url accepts
    body = "\n".join(line[2:] if line.startswith("> ") else line for line in body.splitlines())
    assert "<" not in body and ">" not in body
    assert not re.search(r"(?<!\\)\]\(", out)  # no inline link built from data


@SETTINGS
@given(documents())
def test_json_and_yaml_escape_and_round_trip(case: tuple[Document, str]) -> None:
    doc = case[0]
    out = to_json(doc)
    assert not bad_chars(out)
    assert json.loads(out)["text"] == doc.data["text"]  # escaped, not lost
    ascii_yaml = to_yaml(doc, ascii_only=True)
    assert ascii_yaml.isascii() and not bad_chars(ascii_yaml)
    assert not bad_chars(to_yaml(doc))
    yaml.safe_load(ascii_yaml)


def test_colour_codes_are_recognised_by_the_check() -> None:
    # The property above strips Rich's own colour and link codes; make sure that is all it strips.
    assert SGR_OR_LINK.sub("", "\x1b[1mbold\x1b[0m") == "bold"
    assert bad_chars("\x1b]52;c;x\x07", ours=True)
