"""Find and load the knowledge file through the compiled cache."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from agencyref.cache import cached
from agencyref.errors import DataError
from agencyref.files import KNOWLEDGE_LIMIT, read_bytes
from agencyref.knowledge import model as m
from agencyref.knowledge.names import Entry, NameIndex
from agencyref.paths import KNOWLEDGE_FILE, bundled


def knowledge_path(override: str | None = None) -> Path:
    chosen = override or os.environ.get("AGENCYREF_DATA")
    return Path(chosen) if chosen else bundled(KNOWLEDGE_FILE)


def parse_knowledge(data: bytes, file: str, strict: bool = False) -> m.KnowledgeBase:
    """YAML bytes → validated KnowledgeBase, or DataError with every problem."""
    from agencyref.knowledge.validate import check_references, strict_problems, to_knowledge_base
    from agencyref.knowledge.yamlsafe import read_yaml

    tree, root = read_yaml(data, file)
    kb, problems = to_knowledge_base(tree, file, root)
    if kb is None:
        raise DataError(problems)
    problems = check_references(kb, file, root)
    if strict:
        problems += strict_problems(kb, file, root)
    if problems:
        raise DataError(problems)
    return kb


class CompiledKnowledge(msgspec.Struct, frozen=True):
    """What the cache holds: every record encoded on its own, keyed, plus the name table.

    A call decodes only the records it reads: `program 287g` decodes one program and the
    sources it cites, not the other programs, states or timeline.
    """

    meta: m.Meta
    # Encoded values are msgpack `bin` blobs decoded as zero-copy memoryviews: skipping over a blob
    # costs nothing, so opening the cache does not walk records the call will not read.
    records: dict[str, dict[str, memoryview]]  # section -> key -> encoded record, in file order
    events: memoryview  # the timeline, read as a whole
    names: memoryview  # NameIndex.table(), decoded untyped on first lookup


def _record_key(section: str, record: Any) -> str:
    return str(record.id if section == "sources" else record.code if section == "states" else record.key)


def compile_knowledge(kb: m.KnowledgeBase) -> CompiledKnowledge:
    encode = msgspec.msgpack.encode
    records = {
        section: {_record_key(section, r): memoryview(encode(r)) for r in getattr(kb, section)}
        for section in m.RECORD_TYPES
    }
    return CompiledKnowledge(
        meta=kb.meta,
        records=records,
        events=memoryview(encode(kb.events)),
        names=memoryview(encode(build_names(kb).table())),
    )


def build_names(kb: m.KnowledgeBase) -> NameIndex:
    entries: list[tuple[Entry, list[str]]] = []
    for a in kb.agencies:
        entries.append((Entry("agency", a.key, a.name), a.aliases))
        entries += [(Entry("component", c.key, c.name), c.aliases) for c in a.components]
    entries += [(Entry("program", p.key, p.name), p.aliases) for p in kb.programs]
    entries += [(Entry("matter", x.key, x.name), x.aliases) for x in kb.matters]
    entries += [(Entry("term", t.key, t.term), t.aliases) for t in kb.terms]
    entries += [(Entry("state", s.code, s.name), []) for s in kb.states]
    return NameIndex(entries)


V = TypeVar("V")


class LazyRecords(Mapping[str, V]):
    """Records by key, each decoded the first time it is looked up."""

    def __init__(self, raw: dict[str, memoryview], typ: type[V]) -> None:
        self._raw = raw
        self._type = typ
        self._decoded: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        if key not in self._decoded:
            self._decoded[key] = msgspec.msgpack.decode(self._raw[key], type=self._type)
        return self._decoded[key]

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class Knowledge:
    """The loaded knowledge base: records by key (decoded lazily), lists, and the name index."""

    def __init__(self, compiled: CompiledKnowledge, path: Path) -> None:
        self.compiled = compiled
        self.path = path
        records = compiled.records
        self.sources: Mapping[str, m.Source] = LazyRecords(records["sources"], m.Source)
        self.agencies: Mapping[str, m.Agency] = LazyRecords(records["agencies"], m.Agency)
        self.programs: Mapping[str, m.Program] = LazyRecords(records["programs"], m.Program)
        self.matters: Mapping[str, m.Matter] = LazyRecords(records["matters"], m.Matter)
        self.states: Mapping[str, m.State] = LazyRecords(records["states"], m.State)
        self.terms: Mapping[str, m.Term] = LazyRecords(records["terms"], m.Term)
        self.meta: m.Meta = compiled.meta

    @cached_property
    def events(self) -> list[m.Event]:
        """The timeline, in file order (decoded as a whole on first use)."""
        return msgspec.msgpack.decode(self.compiled.events, type=list[m.Event])

    @cached_property
    def components(self) -> dict[str, tuple[m.Agency, m.Component]]:
        return {c.key: (a, c) for a in list(self.agencies.values()) for c in a.components}

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex.from_table(msgspec.msgpack.decode(self.compiled.names))

    def label(self, key: str) -> str:
        """Display name of any agency, component, program, term or state key."""
        entries = self.names.lookup(key, ("agency", "component", "program", "term", "state", "matter"))
        exact = [e for e in entries if e.key in (key, key.upper())]
        if not exact:
            return key
        entry = exact[0]
        if entry.kind == "component":
            agency, comp = self.components[entry.key]
            return f"{comp.name} ({agency.name})"
        return entry.label


def load_knowledge(override: str | None = None) -> Knowledge:
    path = knowledge_path(override)
    compiled = cached(
        "kb",
        path,
        CompiledKnowledge,
        lambda: read_bytes(path, KNOWLEDGE_LIMIT, "a knowledge file"),
        lambda data: compile_knowledge(parse_knowledge(data, str(path))),
    )
    return Knowledge(compiled, path)
