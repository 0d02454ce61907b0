"""JSON Schemas generated from the typed models (so they cannot drift from them).

The data files: the knowledge file (``KnowledgeBase``) and the roster (``Roster``). The output:
one schema per ``kind`` of JSON document the commands print, from ``present/results.py``.
"""

from __future__ import annotations

from typing import Any

import msgspec

DIALECT = "https://json-schema.org/draft/2020-12/schema"
REF_TEMPLATE = "#/$defs/{name}"


def _text(schema: dict[str, Any]) -> str:
    return msgspec.json.format(msgspec.json.encode(schema), indent=2).decode() + "\n"


def _document(typ: Any, title: str) -> str:
    schema = msgspec.json.schema(typ)
    return _text({"$schema": DIALECT, "title": title, **schema})


def knowledge_schema() -> str:
    from agencyref.knowledge.model import KnowledgeBase

    return _document(KnowledgeBase, "agencyref knowledge file (data/agencies.yaml)")


def roster_schema() -> str:
    from agencyref.roster.model import Roster

    return _document(Roster, "agencyref 287(g) roster (data/roster-287g.json)")


def result_kinds() -> list[str]:
    """Every kind of JSON document agencyref prints (``agencyref schema KIND``)."""
    from agencyref.present.results import RESULTS

    return list(RESULTS)


def _either_members(typ: Any) -> tuple[Any, ...]:
    from agencyref.present.results import Either

    return typ.members if isinstance(typ, type) and issubclass(typ, Either) else ()


def _generated(typ: Any) -> dict[str, Any]:
    """msgspec's schema of ``typ``, with every ``Either`` written as ``anyOf`` its members."""
    eithers: list[Any] = []

    def collect(t: Any) -> None:
        if _either_members(t) and t not in eithers:
            eithers.append(t)
        if isinstance(t, type) and issubclass(t, msgspec.Struct):
            for field in msgspec.structs.fields(t):
                collect(field.type)
        for arg in getattr(t, "__args__", ()):
            collect(arg)

    collect(typ)
    members = [member for e in eithers for member in _either_members(e)]

    def hook(t: Any) -> dict[str, Any]:
        options = _either_members(t)
        if not options:
            raise NotImplementedError
        schemas, _ = msgspec.json.schema_components(options, schema_hook=hook, ref_template=REF_TEMPLATE)
        return {"anyOf": list(schemas)}

    (main, *_), defs = msgspec.json.schema_components([typ, *members], schema_hook=hook, ref_template=REF_TEMPLATE)
    out = dict(main)
    if _either_members(typ):  # a bare value (``get``): its alternatives at the top
        out = hook(typ)
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


def result_schema(kind: str) -> str:
    """The JSON Schema of one kind of document; UsageError for a kind there is none of."""
    from agencyref.present.results import RESULTS

    typ = RESULTS.get(kind)
    if typ is None:
        from agencyref.errors import UsageError

        raise UsageError(f"no document of kind {kind!r}; `agencyref schema --list` lists them")
    title = f"agencyref JSON output: kind {kind}"
    return _text({"$schema": DIALECT, "title": title, **_generated(typ)})
