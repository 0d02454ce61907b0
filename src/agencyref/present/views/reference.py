"""glossary, timeline, search, sources and info."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.knowledge import model as m
from agencyref.knowledge.query import Hit
from agencyref.knowledge.sourcekinds import label
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import (
    Bullets,
    Cell,
    Citations,
    Document,
    Fields,
    Paragraph,
    Table,
    Timeline,
    source_dict,
)
from agencyref.roster.store import RosterInfo


def term_list(k: Knowledge) -> Document:
    cite = Citations(k.sources)
    rows = [
        [Cell(t.term), cite.cell(t.definition, t.sources)]
        for t in sorted(list(k.terms.values()), key=lambda t: t.term.casefold())
    ]
    data = {"terms": [msgspec.to_builtins(t) for t in list(k.terms.values())]}
    return Document(
        "glossary",
        "Glossary",
        [Table(["term", "definition"], rows, row_labels=True)],
        data,
        cite.sources,
        csv=Table(["term", "definition"], rows),
    )


def term(k: Knowledge, t: m.Term) -> Document:
    cite = Citations(k.sources)
    blocks: list[Any] = [Paragraph(cite.cell(t.definition, t.sources))]
    if t.aliases:
        blocks.append(Fields([("Also called", Cell(", ".join(t.aliases)))]))
    if t.see_also:
        blocks.append(Bullets([Cell(f"{k.label(r)} ({r})") for r in t.see_also], title="See also"))
    return Document("term", t.term, blocks, {"term": msgspec.to_builtins(t)}, cite.sources)


def entity_as_term(k: Knowledge, kind: str, key: str) -> Document:
    """A glossary answer for a word that names a program, agency, component or case type (287g, ERO, HSI):
    its own summary, sourced, and the command that tells the rest."""
    cite = Citations(k.sources)
    if kind == "program":
        p = k.programs[key]
        name, text, ids, aliases, more = (
            p.name,
            p.summary.text,
            p.summary.sources,
            p.aliases,
            f"agencyref program {key}",
        )
    elif kind == "agency":
        a = k.agencies[key]
        name, text, ids, aliases, more = a.name, a.mission.text, a.mission.sources, a.aliases, f"agencyref agency {key}"
    elif kind == "component":
        parent, c = k.components[key]
        name, text, ids, aliases = f"{c.name} ({parent.name})", c.summary, c.sources, c.aliases
        more = f"agencyref agency {key}"
    else:
        x = k.matters[key]
        name, text, ids, aliases, more = x.name, x.note, x.sources, x.aliases, f"agencyref jurisdiction --case {key}"
    blocks: list[Any] = [Paragraph(cite.cell(text, ids))]
    if aliases:
        blocks.append(Fields([("Also called", Cell(", ".join(aliases)))]))
    blocks.append(Fields([("More", Cell(f"`{more}`"))]))
    data = {
        "term": {"key": key, "term": name, "aliases": aliases, "definition": text, "sources": list(ids)},
        "see": more,
    }
    return Document("term", name, blocks, data, cite.sources)


def timeline(k: Knowledge, events: list[m.Event], title: str) -> Document:
    cite = Citations(k.sources)
    rows = [(e.date, e.title, cite.cell(e.summary, e.sources)) for e in events]
    data = {"events": [msgspec.to_builtins(e) for e in events]}
    csv = Table(["date", "event", "summary"], [[Cell(d), Cell(t), c] for d, t, c in rows])
    return Document("timeline", title, [Timeline(rows)], data, cite.sources, csv=csv)


def search_results(query: str, hits: list[Hit]) -> Document:
    rows = [[Cell(h.kind), Cell(h.key), Cell(h.label), Cell(h.snippet)] for h in hits]
    data = {
        "query": query,
        "results": [
            {"kind": h.kind, "key": h.key, "name": h.label, "score": h.score, "snippet": h.snippet} for h in hits
        ],
    }
    table = Table(["kind", "key", "name", "match"], rows)
    return Document("search", f"Search: {query}", [table], data, csv=table)


def source_list(k: Knowledge) -> Document:
    from agencyref.knowledge.sourcekinds import label

    every = list(k.sources.values())
    # People see what each source is (official, news, advocacy and its side…); csv keeps the raw kind.
    shown = [
        [Cell(s.id), Cell(label(s)), Cell(s.title), Cell(s.publisher), Cell(s.date or ""), Cell(s.url)] for s in every
    ]
    raw = [[Cell(s.id), Cell(s.kind), Cell(s.title), Cell(s.publisher), Cell(s.date or ""), Cell(s.url)] for s in every]
    return Document(
        "source_list",
        "Sources",
        [Table(["id", "what", "title", "publisher", "date", "url"], shown)],
        {"sources_list": [source_dict(s) for s in every]},
        csv=Table(["id", "kind", "title", "publisher", "date", "url"], raw),
    )


def source(k: Knowledge, s: m.Source, footnote: tuple[int, str] | None = None) -> Document:
    """One source and what cites it; ``footnote`` (number, command) when reached as footnote [n] of an answer."""
    from agencyref.knowledge.sourcekinds import label

    cited_by = [p for p in _citers(k, s.id)]
    blocks: list[Any] = [
        Fields(
            [
                ("Title", Cell(s.title)),
                ("Publisher", Cell(s.publisher)),
                ("What it is", Cell(label(s) + (f" (a copy of {s.copy_of})" if s.copy_of else ""))),
                ("Kind", Cell(s.kind)),
                ("Published", Cell(s.published or "—")),
                ("Accessed", Cell(s.accessed or "—")),
                ("URL", Cell(s.url)),
                *([("Note", Cell(s.note))] if s.note else []),
            ]
        )
    ]
    if cited_by:
        blocks.append(Bullets([Cell(x) for x in cited_by], title="Cited by"))
    data: dict[str, Any] = {"source": source_dict(s), "cited_by": cited_by}
    if footnote is not None:
        number, command = footnote
        data["footnote"] = {"number": number, "answer": command}
        blocks.insert(0, Paragraph(Cell(f"Footnote [{number}] of the last answer with footnotes: {command}")))
    return Document("source", s.id, blocks, data, [s])


def _citers(k: Knowledge, sid: str) -> list[str]:
    """Every entry that cites source ``sid``, anywhere inside it."""
    needle = f'"{sid}"'.encode()
    sections: list[tuple[str, list[Any], str]] = [
        ("agency", list(k.agencies.values()), "key"),
        ("program", list(k.programs.values()), "key"),
        ("matter", list(k.matters.values()), "key"),
        ("state", list(k.states.values()), "code"),
        ("term", list(k.terms.values()), "key"),
        ("event", k.events, "date"),
    ]
    out = []
    for kind, records, key in sections:
        for record in records:
            if needle in msgspec.json.encode(record):
                label = f"{record.date} {record.title}" if kind == "event" else getattr(record, key)
                out.append(f"{kind} {label}")
    return out


def coverage(k: Knowledge) -> dict[str, int]:
    return {
        "agencies": len(list(k.agencies.values())),
        "components": sum(len(a.components) for a in list(k.agencies.values())),
        "programs": len(list(k.programs.values())),
        "contested_programs": sum(p.contested for p in list(k.programs.values())),
        "matters": len(list(k.matters.values())),
        "states": len(list(k.states.values())),
        "states_with_laws": sum(1 for s in list(k.states.values()) if s.laws),
        "terms": len(list(k.terms.values())),
        "events": len(k.events),
        "sources": len(list(k.sources.values())),
        # official = the government's or a court's own page; a copy of one elsewhere is counted as a copy
        "official_sources": sum(1 for s in k.sources.values() if label(s) in ("official", "court")),
        **{f"sources_{name.split(' ')[0]}": n for name, n in _labels(k).items()},
    }


def _labels(k: Knowledge) -> dict[str, int]:
    from collections import Counter

    counts = Counter(label(s).split(" ")[0] for s in k.sources.values())
    return dict(sorted(counts.items()))


def _dated_figures(k: Knowledge) -> list[tuple[str, str, str, str]]:
    """(entry, figure, value, as-of) for every count in the knowledge file, newest first."""
    rows = [(a.key, f.label, f"{f.value:,.0f} {f.unit}", f.as_of) for a in list(k.agencies.values()) for f in a.size]
    rows += [
        (p.key, f.label, f"{f.value:,.0f} {f.unit}", f.as_of)
        for p in list(k.programs.values())
        for f in p.participation
    ]
    return sorted(rows, key=lambda r: r[3], reverse=True)


def info(k: Knowledge, roster: RosterInfo | None, version: str) -> Document:
    counts = coverage(k)
    newest_source = max((s.date or "" for s in list(k.sources.values())), default="")
    newest_event = max((e.date for e in k.events), default="")
    fields = [
        ("Version", Cell(version)),
        ("Knowledge file", Cell(str(k.path))),
        ("Knowledge as of", Cell(k.meta.data_as_of)),
        ("Schema version", Cell(str(k.meta.schema_version))),
        ("Newest source date", Cell(newest_source or "—")),
        ("Newest timeline event", Cell(newest_event or "—")),
    ]
    if roster:

        def shown(value: object) -> str:
            return "—" if value is msgspec.UNSET or value is None else str(value)

        age = roster.age_days if isinstance(roster.age_days, int) else None
        fields += [
            ("287(g) roster", Cell(f"{roster.path} ({roster.origin})")),
            ("Roster as of (ICE list)", Cell(shown(roster.as_of) + (f" ({age} days ago)" if age is not None else ""))),
            ("Roster agreements", Cell(f"{shown(roster.agreements)} participating, {shown(roster.pending)} pending")),
            ("Roster agencies", Cell(shown(roster.agencies))),
        ]
        if roster.error is not msgspec.UNSET:
            fields.append(("Roster problem", Cell(str(roster.error))))
    figures = _dated_figures(k)
    rows = [[Cell(name), Cell(str(n))] for name, n in counts.items()]
    figure_rows = [[Cell(e), Cell(label), Cell(value), Cell(as_of)] for e, label, value, as_of in figures]
    data = {
        "version": version,
        "knowledge_file": str(k.path),
        "data_as_of": k.meta.data_as_of,
        "newest_source_date": newest_source,
        "newest_event_date": newest_event,
        "coverage": counts,
        "roster": msgspec.to_builtins(roster) if roster is not None else None,
        "dated_figures": [
            {"entry": e, "label": label, "value": value, "as_of": as_of} for e, label, value, as_of in figures
        ],
    }
    blocks: list[Any] = [
        Fields(fields),
        Table(["entries", "count"], rows, title="Coverage"),
        Table(["entry", "figure", "value", "as of"], figure_rows, title="Every dated figure (newest first)"),
    ]
    return Document("info", "agencyref", blocks, data, csv=Table(["entries", "count"], rows))
