"""Turn a plain YAML tree into a ``KnowledgeBase`` and check what types cannot.

Type errors come from msgspec, one per record, so that a file with several bad
records reports each of them in one run. Cross-reference rules (every source id
resolves, keys and aliases are unique, see-also points somewhere) follow.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from typing import Any, get_args

import msgspec
import yaml

from agencyref.errors import Problem
from agencyref.knowledge import model as m
from agencyref.knowledge.names import normalize
from agencyref.knowledge.sourcekinds import OFFICIAL_KINDS, is_ip_host, is_official_host, url_key
from agencyref.knowledge.yamlsafe import line_of, path_text, printable

Path = tuple[str | int, ...]

_SECTIONS: dict[str, Any] = {"meta": m.Meta, **m.RECORD_TYPES, "events": m.Event}
_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_FIELD = re.compile(r"(unknown|missing required) field `([^`]+)`")
_REGEX = re.compile(r"Expected `str` matching regex '(.*)'$")
# Friendly words for the schema's patterns (msgspec reports the raw regex).
_PATTERN_WORDS = {
    get_args(m.PartialDate)[1].pattern: "expected a date written YYYY, YYYY-MM or YYYY-MM-DD",
    get_args(m.Key)[1].pattern: "expected a lower-case key (letters, digits, '-', '_' or '.')",
}


def _parse_path(text: str) -> Path:
    return tuple(int(i) if i else name for name, i in _SEGMENT.findall(text))


def _fields_at(root_type: Any, path: Path) -> list[str]:
    """Field names of the struct found at ``path`` (for did-you-mean)."""
    from msgspec import inspect as mi

    info: Any = mi.type_info(root_type)
    for part in path:
        while isinstance(info, (mi.UnionType,)):
            info = next((t for t in info.types if not isinstance(t, mi.NoneType)), info)
        if isinstance(part, int) and isinstance(info, mi.ListType):
            info = info.item_type
        elif isinstance(part, str) and isinstance(info, mi.StructType):
            info = next((f.type for f in info.fields if f.name == part), None)
        else:
            return []
        if isinstance(info, mi.Metadata):
            info = info.type
    while isinstance(info, mi.Metadata):
        info = info.type
    return [f.name for f in info.fields] if isinstance(info, mi.StructType) else []


class Checker:
    def __init__(self, file: str, root: yaml.Node | None) -> None:
        self.file = file
        self.root = root
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.file, line_of(self.root, path), path_text(path), printable(message)))

    def type_error(self, base: Path, record_type: Any, exc: msgspec.ValidationError) -> None:
        match = _AT.match(str(exc))
        assert match is not None
        message, rel = match["msg"], _parse_path(match["path"] or "")
        regex = _REGEX.match(message)
        if regex:
            pattern = regex[1].replace("\\\\", "\\")
            message = _PATTERN_WORDS.get(pattern, f"does not match the pattern {pattern}")
        path = (*base, *rel)
        field = _FIELD.search(message)
        if field and field[1] == "unknown":
            known = _fields_at(record_type, rel)
            close = difflib.get_close_matches(field[2], known, n=1)
            if close:
                message += f" (did you mean `{close[0]}`?)"
            path = (*path, field[2])
        self.add(path, message)


def to_knowledge_base(tree: Any, file: str, root: yaml.Node | None) -> tuple[m.KnowledgeBase | None, list[Problem]]:
    checker = Checker(file, root)
    if not isinstance(tree, dict):
        kind = "empty" if tree is None else type(tree).__name__
        checker.add((), f"the knowledge file must be a mapping with {', '.join(_SECTIONS)} (got {kind})")
        return None, checker.problems
    try:
        return msgspec.convert(tree, m.KnowledgeBase), []
    except msgspec.ValidationError:
        pass
    # Slow path, only for invalid files: validate record by record to report every bad record.
    for name in tree.keys() - _SECTIONS.keys():
        close = difflib.get_close_matches(name, list(_SECTIONS), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        checker.add((name,), f"unknown section{hint}")
    for name, record_type in _SECTIONS.items():
        value = tree.get(name)
        if name in ("meta", "sources", "agencies", "programs") and value is None:
            checker.add((), f"missing required section `{name}`")
            continue
        if name == "meta":
            _convert_one(checker, (name,), value, record_type)
        elif value is not None and not isinstance(value, list):
            checker.add((name,), f"Expected `array`, got `{type(value).__name__}`")
        else:
            for i, item in enumerate(value or []):
                _convert_one(checker, (name, i), item, record_type)
    _check_raw_source_ids(checker, tree)
    return None, checker.problems


def _check_raw_source_ids(checker: Checker, tree: dict[str, Any]) -> None:
    """Dangling source ids, found on the raw tree so they are reported beside type errors."""
    listed = tree.get("sources")
    known = (
        {s.get("id") for s in listed if isinstance(s, dict) and isinstance(s.get("id"), str)}
        if isinstance(listed, list)
        else set()
    )

    def walk(node: Any, path: Path) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and path and isinstance(value, list):
                    for j, sid in enumerate(value):
                        if isinstance(sid, str) and sid not in known:
                            checker.add((*path, key, j), f"unknown source id {sid!r}")
                else:
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*path, i))

    walk({k: v for k, v in tree.items() if k != "sources"}, ())


def _convert_one(checker: Checker, path: Path, value: Any, record_type: Any) -> None:
    try:
        msgspec.convert(value, record_type)
    except msgspec.ValidationError as exc:
        checker.type_error(path, record_type, exc)


def _entity_names(kb: m.KnowledgeBase) -> Iterator[tuple[Path, str, str, list[str]]]:
    """(path, kind, key, aliases) of every named entity."""
    for i, a in enumerate(kb.agencies):
        yield ("agencies", i), "agency", a.key, [a.name, *a.aliases]
        for j, c in enumerate(a.components):
            yield ("agencies", i, "components", j), "component", c.key, [c.name, *c.aliases]
    for i, p in enumerate(kb.programs):
        yield ("programs", i), "program", p.key, [p.name, *p.aliases]
    for i, mt in enumerate(kb.matters):
        yield ("matters", i), "matter", mt.key, [mt.name, *mt.aliases]
    for i, t in enumerate(kb.terms):
        yield ("terms", i), "term", t.key, [t.term, *t.aliases]


def check_references(kb: m.KnowledgeBase, file: str, root: yaml.Node | None) -> list[Problem]:
    c = Checker(file, root)
    if kb.meta.schema_version != m.SCHEMA_VERSION:
        c.add(("meta", "schema_version"), f"schema_version {kb.meta.schema_version} is not {m.SCHEMA_VERSION}")

    source_ids: dict[str, int] = {}
    for i, s in enumerate(kb.sources):
        if s.id in source_ids:
            c.add(("sources", i, "id"), f"duplicate source id {s.id!r} (also sources[{source_ids[s.id]}])")
        source_ids.setdefault(s.id, i)

    keys: dict[str, Path] = {}
    names: dict[str, tuple[Path, str]] = {}
    kinds: dict[str, str] = {}
    for path, kind, key, aliases in _entity_names(kb):
        if key in keys:
            c.add((*path, "key"), f"duplicate key {key!r} (also {path_text(keys[key])})")
        keys.setdefault(key, path)
        kinds.setdefault(key, kind)
        for alias in {normalize(a) for a in [key, *aliases]} - {""}:
            other = names.get(alias)
            if other and other[1] != key:
                c.add((*path, "aliases"), f"name {alias!r} also names {other[1]!r} ({path_text(other[0])})")
            names.setdefault(alias, (path, key))

    state_codes = {s.code.lower() for s in kb.states}
    codes = [st.code for st in kb.states]
    for i, code in enumerate(codes):
        if codes.index(code) != i:
            c.add(("states", i, "code"), f"duplicate state {code!r}")

    agency_like = {k for k, kind in kinds.items() if kind in ("agency", "component")}
    programs = {k for k, kind in kinds.items() if kind == "program"}
    anything = set(keys) | state_codes

    def expect(path: Path, ref: str, allowed: set[str], what: str) -> None:
        if ref not in allowed:
            close = difflib.get_close_matches(ref, sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            c.add(path, f"unknown {what} {ref!r}{hint}")

    for i, a in enumerate(kb.agencies):
        for j, ref in enumerate(a.related):
            expect(("agencies", i, "related", j), ref, agency_like, "agency")
    for i, p in enumerate(kb.programs):
        for j, ref in enumerate(p.administering):
            expect(("programs", i, "administering", j), ref, agency_like, "agency")
        for j, ref in enumerate(p.related):
            expect(("programs", i, "related", j), ref, programs, "program")
        variant_keys = [v.key for v in p.variants]
        for j, v in enumerate(p.variants):
            if variant_keys.index(v.key) != j:
                c.add(("programs", i, "variants", j, "key"), f"duplicate variant {v.key!r}")
    for i, mt in enumerate(kb.matters):
        for field in ("primary", "supporting"):
            for j, ref in enumerate(getattr(mt, field)):
                expect(("matters", i, field, j), ref, agency_like, "agency")
    for i, t in enumerate(kb.terms):
        for j, ref in enumerate(t.see_also):
            expect(("terms", i, "see_also", j), ref, anything, "entry")
    for i, e in enumerate(kb.events):
        for j, ref in enumerate(e.concerns):
            expect(("events", i, "concerns", j), ref, anything, "entry")

    # Infinity and NaN are valid YAML floats but no count; they would break every view of the figure.
    figures = [(("agencies", i, "size", j), f) for i, a in enumerate(kb.agencies) for j, f in enumerate(a.size)]
    figures += [
        (("programs", i, "participation", j), f)
        for i, p in enumerate(kb.programs)
        for j, f in enumerate(p.participation)
    ]
    for path, figure in figures:
        if not math.isfinite(figure.value):
            c.add((*path, "value"), f"expected a finite number, got {figure.value}")

    known_sources = set(source_ids)
    for path, ids in _cited(kb):
        for j, sid in enumerate(ids):
            expect((*path, "sources", j), sid, known_sources, "source id")
    return c.problems


def _cited(node: Any, path: Path = ()) -> Iterator[tuple[Path, list[str]]]:
    """Every ``sources`` list of ids in the tree, with its path."""
    if isinstance(node, msgspec.Struct):
        for name in node.__struct_fields__:
            value = getattr(node, name)
            if name == "sources" and not isinstance(node, m.KnowledgeBase):
                yield path, value
            elif isinstance(value, (list, msgspec.Struct)):
                yield from _cited(value, (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (list, msgspec.Struct)):
                yield from _cited(item, (*path, i))


_BOUND_WORDS = re.compile(
    r"\b(over|more than|at least|fewer than|less than|about|approximately|roughly|nearly)\b", re.I
)


def source_problems(s: m.Source, seen_urls: dict[str, str]) -> list[str]:
    """The editorial rules on one source's URL and kind."""
    out = []
    if not s.url.startswith("https://"):
        out.append(f"source {s.id!r}: use https")
    if is_ip_host(s.url):
        out.append(f"source {s.id!r}: a raw IP address is not a citable host")
    if url_key(s.url) in seen_urls:
        out.append(f"source {s.id!r}: same URL as source {seen_urls[url_key(s.url)]!r} (one entry per URL)")
    if s.kind in OFFICIAL_KINDS and not s.copy_of and not is_official_host(s.url):
        out.append(f"source {s.id!r}: kind {s.kind!r} on a non-official host; set copy_of or use the host's kind")
    return out


def _figures(kb: m.KnowledgeBase) -> Iterator[tuple[Path, m.Figure]]:
    for i, a in enumerate(kb.agencies):
        for j, f in enumerate(a.size):
            yield ("agencies", i, "size", j), f
    for i, p in enumerate(kb.programs):
        for j, f in enumerate(p.participation):
            yield ("programs", i, "participation", j), f


def strict_problems(kb: m.KnowledgeBase, file: str, root: yaml.Node | None) -> list[Problem]:
    """Editorial rules that ``validate --strict`` (and CI) enforce on top of the schema."""
    c = Checker(file, root)
    seen_urls: dict[str, str] = {}
    for i, s in enumerate(kb.sources):
        if not s.date:
            c.add(("sources", i), f"source {s.id!r} has neither a published nor an accessed date")
        for problem in source_problems(s, seen_urls):
            c.add(("sources", i, "url"), problem)
        seen_urls.setdefault(url_key(s.url), s.id)
    for i, a in enumerate(kb.agencies):
        if not a.size:
            c.add(("agencies", i, "size"), f"agency {a.key!r} has no size figure")
    for i, p in enumerate(kb.programs):
        if p.contested and not (p.arguments_for and p.arguments_against):
            c.add(("programs", i), f"contested program {p.key!r} needs arguments for and against")
    for i, st in enumerate(kb.states):
        if (st.laws or st.stance != "none_recorded") and not (st.sources or all(law.sources for law in st.laws)):
            c.add(("states", i), f"state {st.code} records a stance without a source")
        in_force = [law for law in st.laws if law.status in ("in_force", "partly_blocked") and law.effect != "other"]
        if st.stance == "none_recorded" and in_force:
            c.add(("states", i, "stance"), f"state {st.code} lists laws in force but its stance is none_recorded")
        if st.stance == "none_recorded" and not (st.sources and st.checked):
            c.add(("states", i), f"state {st.code}: none_recorded needs a source showing the search and a checked date")
    for path, figure in _figures(kb):
        # The label says "over 1,500" / "about 6,000": the value is not exact.
        if figure.qualifier is None and _BOUND_WORDS.search(figure.label):
            c.add(path, f"figure {figure.label!r} reads as a bound or estimate but has no qualifier")
    return c.problems
