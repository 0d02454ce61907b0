"""The whole reference as one markdown document or one JSON document."""

from typing import Any

import msgspec

from agencyref.knowledge.model import SCHEMA_VERSION
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import source_dict
from agencyref.roster.store import OpenRoster

MARKDOWN_TITLE = "# agencyref — reference as of"


def export_json(k: Knowledge, opened: OpenRoster | None) -> str:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "export",
        "meta": msgspec.to_builtins(k.meta),
        "agencies": msgspec.to_builtins(list(k.agencies.values())),
        "programs": msgspec.to_builtins(list(k.programs.values())),
        "matters": msgspec.to_builtins(list(k.matters.values())),
        "states": msgspec.to_builtins(list(k.states.values())),
        "terms": msgspec.to_builtins(list(k.terms.values())),
        "events": msgspec.to_builtins(k.events),
        "sources": [source_dict(s) for s in list(k.sources.values())],
    }
    if opened is not None:
        c = opened.compiled
        doc["roster"] = {
            "as_of": c.as_of,
            "source_url": c.source_url,
            "source_files": c.source_files,
            "summary": msgspec.to_builtins(opened.summary()),
            "agreements": msgspec.to_builtins(opened.all_agreements()),
        }
    from agencyref.present.render.data import json_text

    return json_text(msgspec.json.encode(doc))


def export_markdown(k: Knowledge, opened: OpenRoster | None) -> str:
    """Every entry rendered as its own section; footnote labels are namespaced per section."""
    from agencyref.present.render.markdown import md, to_markdown
    from agencyref.present.views.agencies import agency_profile
    from agencyref.present.views.jurisdiction import state_list, who_handles
    from agencyref.present.views.nationwide import by_state_document, program_roster_blocks
    from agencyref.present.views.programs import program_profile
    from agencyref.present.views.reference import term_list, timeline

    parts = [
        f"{MARKDOWN_TITLE} {k.meta.data_as_of}",
        "",
        f"> {md(k.meta.notice)}",
        "",
    ]

    def add(doc: Any, label: str) -> None:
        parts.append(to_markdown(doc, prefix=f"{label}-", level=3))

    parts += ["## Agencies", ""]
    for a in list(k.agencies.values()):
        add(agency_profile(k, a), a.key)
    parts += ["## Programs and policies", ""]
    for p in list(k.programs.values()):
        roster_part = (lambda cite: program_roster_blocks(opened, None, cite)) if p.key == "287g" else None
        add(program_profile(k, p, None, roster_part), p.key)
    parts += ["## Who handles what", ""]
    add(who_handles(k, "all case types", list(list(k.matters.values()))), "matters")
    parts += ["## States", ""]
    add(state_list(k), "states")
    if opened is not None:
        add(by_state_document(k, opened, None, None), "roster")
    parts += ["## Glossary", ""]
    add(term_list(k), "glossary")
    parts += ["## Timeline", ""]
    add(timeline(k, sorted(k.events, key=lambda e: e.date), "Timeline"), "timeline")
    return "\n".join(parts).rstrip() + "\n"


def looks_like_export(head: bytes) -> bool:
    """Whether a file's first bytes are an export (markdown or JSON), so ``export -o`` may replace it."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(MARKDOWN_TITLE.encode()):
        return True
    return text.startswith(b"{") and b'"kind": "export"' in text[:200]
