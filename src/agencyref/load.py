"""Find and load the knowledge file (through the compiled cache) and the 287(g) roster."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import msgspec

from . import model as m
from .cache import cached
from .errors import DataError, Problem
from .names import Entry, NameIndex
from .paths import KNOWLEDGE_FILE, ROSTER_FILE, bundled, user_data_dir


def knowledge_path(override: str | None = None) -> Path:
    chosen = override or os.environ.get("AGENCYREF_DATA")
    return Path(chosen) if chosen else bundled(KNOWLEDGE_FILE)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, "", "no such file")]) from None
    except IsADirectoryError:
        raise DataError([Problem(str(path), None, "", "is a directory, not a file")]) from None
    except OSError as exc:
        raise DataError([Problem(str(path), None, "", f"cannot read: {exc.strerror or exc}")]) from None


def parse_knowledge(data: bytes, file: str, strict: bool = False) -> m.KnowledgeBase:
    """YAML bytes → validated KnowledgeBase, or DataError with every problem."""
    from .validate import check_references, strict_problems, to_knowledge_base
    from .yamlsafe import read_yaml

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


SECTIONS = ("sources", "agencies", "programs", "matters", "states", "terms", "events")


class CompiledKnowledge(msgspec.Struct, frozen=True):
    """What the cache holds: each section encoded on its own, and the name index as plain rows.

    A call decodes only the sections it reads (``compare`` never decodes the states or the
    timeline), and name lookups need no section at all.
    """

    meta: m.Meta
    sections: dict[str, msgspec.Raw]  # every section but sources
    sources: dict[str, msgspec.Raw]  # one entry per source id, in file order: a call decodes only those it cites
    names: msgspec.Raw  # NameIndex.table(), decoded untyped on first lookup


def compile_knowledge(kb: m.KnowledgeBase) -> CompiledKnowledge:
    encode = msgspec.msgpack.encode
    return CompiledKnowledge(
        meta=kb.meta,
        sections={name: msgspec.Raw(encode(getattr(kb, name))) for name in SECTIONS if name != "sources"},
        sources={s.id: msgspec.Raw(encode(s)) for s in kb.sources},
        names=msgspec.Raw(encode(build_names(kb).table())),
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


_SECTION_TYPES: dict[str, Any] = {
    "sources": list[m.Source],
    "agencies": list[m.Agency],
    "programs": list[m.Program],
    "matters": list[m.Matter],
    "states": list[m.State],
    "terms": list[m.Term],
    "events": list[m.Event],
}


class SourceMap(Mapping[str, m.Source]):
    """Sources by id, each decoded the first time it is looked up."""

    def __init__(self, raw: dict[str, msgspec.Raw]) -> None:
        self._raw = raw
        self._decoded: dict[str, m.Source] = {}

    def __getitem__(self, sid: str) -> m.Source:
        found = self._decoded.get(sid)
        if found is None:
            found = self._decoded[sid] = msgspec.msgpack.decode(self._raw[sid], type=m.Source)
        return found

    def __contains__(self, sid: object) -> bool:
        return sid in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class Sections:
    """The knowledge base's sections, each decoded on first use."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        self.meta = compiled.meta
        self._raw = compiled.sections
        self._raw_sources = compiled.sources

    def _decode(self, name: str) -> Any:
        return msgspec.msgpack.decode(self._raw[name], type=_SECTION_TYPES[name])

    @cached_property
    def sources(self) -> list[m.Source]:
        return list(self._sources.values())

    @cached_property
    def _sources(self) -> SourceMap:
        return SourceMap(self._raw_sources)

    @cached_property
    def agencies(self) -> list[m.Agency]:
        return self._decode("agencies")  # type: ignore[no-any-return]

    @cached_property
    def programs(self) -> list[m.Program]:
        return self._decode("programs")  # type: ignore[no-any-return]

    @cached_property
    def matters(self) -> list[m.Matter]:
        return self._decode("matters")  # type: ignore[no-any-return]

    @cached_property
    def states(self) -> list[m.State]:
        return self._decode("states")  # type: ignore[no-any-return]

    @cached_property
    def terms(self) -> list[m.Term]:
        return self._decode("terms")  # type: ignore[no-any-return]

    @cached_property
    def events(self) -> list[m.Event]:
        return self._decode("events")  # type: ignore[no-any-return]


class Knowledge:
    """The loaded knowledge base plus lookup tables built on first use."""

    def __init__(self, compiled: CompiledKnowledge, path: Path) -> None:
        self.compiled = compiled
        self.kb = Sections(compiled)
        self.path = path

    @property
    def sources(self) -> Mapping[str, m.Source]:
        return self.kb._sources

    @cached_property
    def agencies(self) -> dict[str, m.Agency]:
        return {a.key: a for a in self.kb.agencies}

    @cached_property
    def components(self) -> dict[str, tuple[m.Agency, m.Component]]:
        return {c.key: (a, c) for a in self.kb.agencies for c in a.components}

    @cached_property
    def programs(self) -> dict[str, m.Program]:
        return {p.key: p for p in self.kb.programs}

    @cached_property
    def matters(self) -> dict[str, m.Matter]:
        return {x.key: x for x in self.kb.matters}

    @cached_property
    def terms(self) -> dict[str, m.Term]:
        return {t.key: t for t in self.kb.terms}

    @cached_property
    def states(self) -> dict[str, m.State]:
        return {s.code: s for s in self.kb.states}

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
        lambda: read_bytes(path),
        lambda data: compile_knowledge(parse_knowledge(data, str(path))),
    )
    return Knowledge(compiled, path)


def roster_path(override: str | None = None) -> tuple[Path, str]:
    """The roster in use and where it came from: option/env, the user's import, or bundled."""
    chosen = override or os.environ.get("AGENCYREF_ROSTER")
    if chosen:
        return Path(chosen), "override"
    user = user_data_dir() / ROSTER_FILE
    if user.is_file():
        return user, "user"
    return bundled(ROSTER_FILE), "bundled"
