"""JSON Schema of the data files, generated from the typed models (so it cannot drift from them)."""

from typing import Any

import msgspec

from agencyref.knowledge.model import KnowledgeBase
from agencyref.roster.model import Roster

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _document(typ: Any, title: str) -> str:
    schema = msgspec.json.schema(typ)
    ordered = {"$schema": DIALECT, "title": title, **schema}
    return msgspec.json.format(msgspec.json.encode(ordered), indent=2).decode() + "\n"


def knowledge_schema() -> str:
    return _document(KnowledgeBase, "agencyref knowledge file (data/agencies.yaml)")


def roster_schema() -> str:
    return _document(Roster, "agencyref 287(g) roster (data/roster-287g.json)")
