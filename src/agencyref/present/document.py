"""A format-neutral result: blocks for people, a plain dict for programs, and numbered sources.

Commands build a ``Document``; renderers (``render/``) turn it into table, markdown,
csv, json or yaml text. Commands never format text for one output alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import msgspec

from agencyref.knowledge import model as m


class Cell(msgspec.Struct, frozen=True):
    """A piece of text and the numbers of the sources behind it."""

    text: str
    refs: tuple[int, ...] = ()


class Heading(msgspec.Struct, frozen=True):
    text: str
    level: int = 1


class Paragraph(msgspec.Struct, frozen=True):
    cell: Cell
    title: str = ""


class Fields(msgspec.Struct, frozen=True):
    rows: Sequence[tuple[str, Cell]]
    title: str = ""


class LazyRows(Sequence[Sequence[Cell]]):
    """Table rows built when a renderer first reads them: a JSON answer never builds its table's cells."""

    def __init__(self, build: Callable[[], list[Sequence[Cell]]]) -> None:
        self._build: Callable[[], list[Sequence[Cell]]] | None = build
        self._rows: list[Sequence[Cell]] = []

    def _all(self) -> list[Sequence[Cell]]:
        if self._build is not None:
            self._rows, self._build = self._build(), None
        return self._rows

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Sequence[Cell]]:
        return iter(self._all())


class Table(msgspec.Struct, frozen=True):
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    title: str = ""
    # first column is a row label (compare): rendered bold, no wrapping
    row_labels: bool = False


class Bullets(msgspec.Struct, frozen=True):
    items: Sequence[Cell]
    title: str = ""


class BarChart(msgspec.Struct, frozen=True):
    rows: Sequence[tuple[str, float, str]]  # label, value, text shown after the bar
    title: str = ""
    unit: str = ""


class Timeline(msgspec.Struct, frozen=True):
    """Dated entries, oldest first, drawn as a timeline grouped by year."""

    rows: Sequence[tuple[str, str, Cell]]  # date, title, what happened
    title: str = ""


Block = Heading | Paragraph | Fields | Table | Bullets | BarChart | Timeline


class Citations(msgspec.Struct):
    """Numbers sources in order of first use, as footnotes are numbered."""

    known: Mapping[str, m.Source]
    order: list[str] = msgspec.field(default_factory=list)
    extra: dict[str, m.Source] = msgspec.field(default_factory=dict)  # sources not in the knowledge file

    def cite(self, ids: Iterable[str]) -> tuple[int, ...]:
        out = []
        for sid in ids:
            if sid not in self.order:
                self.order.append(sid)
            out.append(self.order.index(sid) + 1)
        return tuple(sorted(set(out)))

    def cell(self, text: str, ids: Iterable[str] = ()) -> Cell:
        return Cell(text, self.cite(ids))

    def fact(self, fact: m.Fact | None) -> Cell:
        return Cell("—") if fact is None else self.cell(fact.text, fact.sources)

    @property
    def sources(self) -> list[m.Source]:
        out = []
        for sid in self.order:
            if sid in self.extra:
                out.append(self.extra[sid])
            elif sid in self.known:
                out.append(self.known[sid])
        return out


def source_dict(s: m.Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "publisher": s.publisher,
        "url": s.url,
        "kind": s.kind,
        "date": s.date,
        "published": s.published,
        "accessed": s.accessed,
    }


class Document(msgspec.Struct):
    kind: str  # e.g. "comparison", "agency", "program"; becomes JSON "kind"
    title: str
    blocks: list[Block]
    data: dict[str, Any]
    sources: list[m.Source] = msgspec.field(default_factory=list)
    csv: Table | None = None  # the one table a csv export gives, if any
    notes: list[str] = msgspec.field(default_factory=list)  # one-line remarks shown under the answer
