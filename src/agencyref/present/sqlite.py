"""The whole reference as a SQLite database that Datasette can browse as it is.

    agencyref export --format sqlite -o agencyref.db && datasette agencyref.db

Real tables with primary and foreign keys, indexes on what people filter by, full-text search
(FTS5, in the ``<table>_fts`` form Datasette detects) on the text columns, a ``citations`` table
linking every record to its sources, and ``_metadata`` (also written beside the file as
``<name>.metadata.json`` for ``datasette -m``) with the licences, sources and column descriptions.

The standard library's sqlite3 does all of it: sqlite-utils would add five packages to install
for a one-shot write, and its conveniences (schema inference, upserts) are not needed here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import msgspec

from agencyref import __version__
from agencyref.knowledge import model as m
from agencyref.knowledge.sourcekinds import label as source_label
from agencyref.knowledge.store import Knowledge
from agencyref.present.sqlite_tables import HISTORY_TABLES, INDEXES, TABLES
from agencyref.roster.history.store import OpenHistory
from agencyref.roster.model import MODELS, Agreement
from agencyref.roster.store import OpenRoster
from agencyref.usps import STATE_NAMES


def write_database(
    path: Path, k: Knowledge, roster: OpenRoster | None, history: OpenHistory | None = None
) -> dict[str, Any]:
    """Create the database at ``path`` (which must not exist); returns the Datasette metadata."""
    tables = {**TABLES, **(HISTORY_TABLES if history is not None else {})}
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        with con:
            for table, (columns, _, _) in tables.items():
                con.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
            _fill(con, k, roster)
            if history is not None:
                _fill_history(con, history)
            for table, cols in INDEXES:
                if table in tables:
                    con.execute(f"CREATE INDEX idx_{table}_{'_'.join(cols)} ON {table} ({', '.join(cols)})")
            for table, (_, _, text_columns) in tables.items():
                if text_columns:
                    _full_text(con, table, text_columns)
            meta = metadata(k, roster, tables)
            con.execute("CREATE TABLE _metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute("INSERT INTO _metadata VALUES ('datasette', ?)", (json.dumps(meta),))
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # a bug in this module, not in the data: say so loudly
            raise RuntimeError(f"foreign key check failed: {problems[:5]}")
    finally:
        con.close()
    return meta


def _insert(con: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]]) -> None:
    columns = (TABLES.get(table) or HISTORY_TABLES[table])[0]
    width = len([c for c in columns if not c.startswith("PRIMARY KEY")])
    con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * width)})", rows)


def _fact(f: m.Fact | None) -> str | None:
    return f.text if f is not None else None


def _fill(con: sqlite3.Connection, k: Knowledge, roster: OpenRoster | None) -> None:
    sources = list(k.sources.values())
    _insert(
        con,
        "sources",
        (
            (
                s.id,
                s.title,
                s.publisher,
                s.url,
                s.kind,
                source_label(s),
                s.published,
                s.accessed,
                s.copy_of,
                s.side,
                s.note,
            )
            for s in sources
        ),
    )
    agencies = list(k.agencies.values())
    _insert(
        con,
        "agencies",
        (
            (
                a.key,
                a.name,
                a.level,
                a.established.date,
                _fact(a.parent),
                _fact(a.legal_basis),
                _fact(a.geographic_jurisdiction),
                _fact(a.subject_matter_jurisdiction),
                _fact(a.mission),
                _fact(a.arrest_powers),
                _fact(a.warrants),
                _fact(a.detention),
                _fact(a.oversight),
                _fact(a.immigration_role),
                _fact(a.community_role),
            )
            for a in agencies
        ),
    )
    _insert(con, "components", ((c.key, a.key, c.name, c.summary) for a in agencies for c in a.components))
    programs = list(k.programs.values())
    _insert(
        con,
        "programs",
        (
            (p.key, p.name, p.kind, int(p.contested), _fact(p.legal_basis), _fact(p.status), _fact(p.summary))
            for p in programs
        ),
    )
    _insert(con, "models", _model_rows(programs))
    _insert(con, "figures", _figure_rows(agencies, programs))
    arguments = [
        (p.key, side, arg.claim, arg.by)
        for p in programs
        for side, args in (("for", p.arguments_for), ("against", p.arguments_against))
        for arg in args
    ]
    _insert(con, "arguments", ((i, *row) for i, row in enumerate(arguments, 1)))
    matters = list(k.matters.values())
    _insert(con, "matters", ((x.key, x.name, ", ".join(x.primary), ", ".join(x.supporting), x.note) for x in matters))
    states = list(k.states.values())
    _insert(con, "states", ((s.code, s.name, s.stance, s.summary, s.checked) for s in states))
    laws = [(s.code, law) for s in states for law in s.laws]
    _insert(
        con,
        "laws",
        (
            (i, code, x.name, x.citation, x.year, x.date, x.kind, x.effect, x.status, x.summary)
            for i, (code, x) in enumerate(laws, 1)
        ),
    )
    terms = list(k.terms.values())
    _insert(con, "terms", ((t.key, t.term, t.definition) for t in terms))
    events = sorted(k.events, key=lambda e: e.date)
    _insert(con, "events", ((i, e.date, e.title, e.summary) for i, e in enumerate(events, 1)))
    con.executemany("INSERT OR IGNORE INTO citations VALUES (?, ?, ?)", _citations(k, laws, events))
    if roster is not None:
        agreements = roster.all_agreements()
        known = {s.code for s in states}
        territories = sorted({a.state for a in agreements if a.state and a.state not in known})
        _insert(con, "states", ((code, STATE_NAMES.get(code, code), None, None, None) for code in territories))
        _insert(con, "agreements", _agreement_rows(agreements, known | set(territories)))


def _model_rows(programs: list[m.Program]) -> Iterator[tuple[Any, ...]]:
    seen = set()
    for p in programs:
        for v in p.variants:
            if v.key not in seen:
                seen.add(v.key)
                yield (v.key, p.key, v.name, v.summary.text, v.started, v.status)
    for key, info in MODELS.items():  # the roster's models, even if the knowledge file lacks them
        if key not in seen:
            yield (key, "287g", info.name, None, None, None)


def _figure_rows(agencies: list[m.Agency], programs: list[m.Program]) -> Iterator[tuple[Any, ...]]:
    owned = [("agencies", a.key, f) for a in agencies for f in a.size]
    owned += [("programs", p.key, f) for p in programs for f in p.participation]
    for i, (table, key, f) in enumerate(owned, 1):
        yield (i, table, key, f.label, f.value, f.unit, f.as_of, f.qualifier, f.model, f.note)


def _citations(
    k: Knowledge, laws: list[tuple[str, m.StateLaw]], events: list[m.Event]
) -> Iterator[tuple[str, str, str]]:
    def cited(node: Any) -> Iterator[str]:
        """Every source id anywhere in a record (its facts, figures, arguments…)."""
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "sources" and isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
                else:
                    yield from cited(value)
        elif isinstance(node, list):
            for item in node:
                yield from cited(item)

    known = set(k.sources)
    sections: list[tuple[str, Iterable[tuple[str, Any]]]] = [
        ("agencies", ((a.key, a) for a in k.agencies.values())),
        ("programs", ((p.key, p) for p in k.programs.values())),
        ("matters", ((x.key, x) for x in k.matters.values())),
        ("states", ((s.code, s) for s in k.states.values())),
        ("terms", ((t.key, t) for t in k.terms.values())),
        ("laws", ((str(i), law) for i, (_, law) in enumerate(laws, 1))),
        ("events", ((str(i), e) for i, e in enumerate(events, 1))),
    ]
    for table, records in sections:
        for key, record in records:
            for sid in cited(msgspec.to_builtins(record)):
                if sid in known:
                    yield table, key, sid


def _agreement_rows(agreements: list[Agreement], states: set[str]) -> Iterator[tuple[Any, ...]]:
    for i, a in enumerate(agreements, 1):
        yield (
            i,
            a.state if a.state in states else None,
            a.agency,
            a.agency_type,
            a.county or None,
            a.model if a.model in MODELS else None,
            a.status,
            a.signed,
            a.signed_raw,
            a.moa_url,
            a.moa_status,
            a.addendum_url,
            a.sheet or None,
            a.row or None,
        )


def _fill_history(con: sqlite3.Connection, history: OpenHistory) -> None:
    """ICE's weekly lists: the snapshots, every agreement's listing dates, and the counts per list."""
    from agencyref.roster.history.store import NATIONAL, ever_listed

    known = {row[0] for row in con.execute("SELECT code FROM states")}
    states = sorted({x.state for x in history.agreements if x.state and x.state not in known})
    _insert(con, "states", ((code, STATE_NAMES.get(code, code), None, None, None) for code in states))
    known.update(states)
    _insert(
        con,
        "snapshots",
        ((i, s.date, s.list, s.rows, s.dated_by, s.note or None) for i, s in enumerate(history.snapshots, 1)),
    )
    rows = [
        (
            i,
            r.state if r.state in known else None,
            r.agency_key,
            r.agency,
            r.agency_type,
            r.county,
            r.model if r.model in MODELS else None,
            r.first_listed,
            r.last_listed,
            r.ended,
            int(r.listed_now),
        )
        for i, r in enumerate(ever_listed(history), 1)
    ]
    _insert(con, "listings", rows)
    counts = []
    dates = [s.date for s in history.participating]
    for where in sorted(history.compiled.series):
        state = None if where == NATIONAL else where
        if state is not None and state not in known:
            continue
        for name, values in history.counts(where if state else None).items():
            model = None if name == "total" else name.partition(":")[2] if name.startswith("model:") else ""
            if model == "" or (model is not None and model not in MODELS):
                continue  # agency-type splits and unknown models stay in `agencyref history --by type`
            counts += [(date, state, model, n) for date, n in zip(dates, values, strict=False)]
    _insert(con, "participation", ((i, *row) for i, row in enumerate(counts, 1)))


def _full_text(con: sqlite3.Connection, table: str, columns: list[str]) -> None:
    """An external-content FTS5 index named ``<table>_fts``, the form Datasette finds by itself."""
    cols = ", ".join(columns)
    con.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5({cols}, content='{table}', content_rowid='rowid')")
    con.execute(f"INSERT INTO {table}_fts (rowid, {cols}) SELECT rowid, {cols} FROM {table}")


def metadata(
    k: Knowledge, roster: OpenRoster | None, defined: dict[str, tuple[list[str], str, list[str]]] | None = None
) -> dict[str, Any]:
    """Datasette metadata: title, licences, where the data comes from, what each table and column holds."""
    tables: dict[str, Any] = {}
    for table, (_columns, description, text_columns) in (defined or TABLES).items():
        entry: dict[str, Any] = {"description": description}
        if text_columns:
            entry["fts_table"] = f"{table}_fts"
        tables[table] = entry
    if roster is not None:
        tables["agreements"]["source"] = f"ICE 287(g) participating and pending agencies, list of {roster.as_of}"
        tables["agreements"]["source_url"] = roster.compiled.source_url
        tables["agreements"]["license"] = "U.S. government work (not subject to copyright in the U.S.)"
    return {
        "title": f"agencyref {__version__}: who does what where immigration and local policing meet",
        "description": f"{k.meta.notice} Knowledge as of {k.meta.data_as_of}"
        + (f"; ICE's 287(g) list as of {roster.as_of}." if roster is not None else "."),
        "license": "Data CC BY 4.0 (agencyref); cited sources keep their own terms",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": "agencyref knowledge file and ICE's 287(g) sheets",
        "source_url": "https://www.ice.gov/identify-and-arrest/287g",
        "databases": {"agencyref": {"tables": tables}},
    }
