"""`export --format sqlite`: a database Datasette can serve as it is, checked by querying it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from .conftest import REPO, Runner

ROSTER = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from agencyref import cli

    path = tmp_path_factory.mktemp("sqlite") / "agencyref.db"
    assert cli.run(["-q", "export", "--format", "sqlite", "-o", str(path)]) == 0
    return path


def test_agreements_join_states_and_count_like_the_roster(db: Path) -> None:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT s.code, count(*) FROM agreements a JOIN states s ON s.code = a.state "
            "WHERE a.status = 'participating' GROUP BY s.code"
        ).fetchall()
    expected = Counter(a["state"] for a in ROSTER["agreements"] if a["status"] == "participating")
    assert dict(rows) == dict(expected)


def test_keys_and_foreign_keys_hold(db: Path) -> None:
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = {row[2] for row in con.execute("PRAGMA foreign_key_list(laws)")}
        assert fks == {"states"}
        pk = [row[1] for row in con.execute("PRAGMA table_info(sources)") if row[5]]
        assert pk == ["id"]
        indexes = {row[1] for row in con.execute("PRAGMA index_list(agreements)")}
        assert {"idx_agreements_state", "idx_agreements_model"} <= indexes


def test_every_law_is_sourced_through_citations(db: Path) -> None:
    with sqlite3.connect(db) as con:
        unsourced = con.execute(
            "SELECT l.id FROM laws l LEFT JOIN citations c ON c.record_table = 'laws' AND c.record_key = CAST(l.id AS TEXT) "
            "WHERE c.source_id IS NULL"
        ).fetchall()
        joined = con.execute(
            "SELECT count(*) FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.record_table = 'states'"
        ).fetchone()[0]
    assert unsourced == [] and joined > 0


def test_full_text_search_and_metadata(db: Path) -> None:
    with sqlite3.connect(db) as con:
        hits = con.execute("SELECT title FROM events_fts WHERE events_fts MATCH 'detainer'").fetchall()
        meta = json.loads(con.execute("SELECT value FROM _metadata WHERE key = 'datasette'").fetchone()[0])
    assert hits
    tables = meta["databases"]["agencyref"]["tables"]
    assert tables["agreements"]["fts_table"] == "agreements_fts" and "license" in meta
    assert json.loads(db.with_name(db.name + ".metadata.json").read_text()) == meta


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command-line shell")
def test_the_sqlite3_shell_reads_it(db: Path) -> None:
    out = subprocess.run(
        ["sqlite3", str(db), "SELECT count(*) FROM agreements WHERE state = 'TX' AND status = 'participating'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(out) == sum(1 for a in ROSTER["agreements"] if a["state"] == "TX" and a["status"] == "participating")


def test_refuses_to_replace_what_is_not_an_export(run: Runner, tmp_path: Path) -> None:
    precious = tmp_path / "notes.db"
    precious.write_text("my notes")
    r = run("-q", "export", "--format", "sqlite", "-o", str(precious))
    assert r.code == 2 and precious.read_text() == "my notes"
    assert run("-q", "export", "--format", "sqlite").code == 2  # needs --output
    again = tmp_path / "again.db"
    assert run("-q", "export", "--format", "sqlite", "-o", str(again)).code == 0
    assert run("-q", "export", "--format", "sqlite", "-o", str(again)).code == 0  # an export over an export


def test_history_tables_agree_with_the_history_and_the_roster(db: Path) -> None:
    from agencyref.roster.history.store import open_history

    history = open_history()
    participating = [a for a in ROSTER["agreements"] if a["status"] == "participating"]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM listings").fetchone()[0] == len(history.agreements)
        assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == len(history.snapshots)
        newest = history.participating[-1]
        total = con.execute(
            "SELECT agreements FROM participation WHERE date = ? AND state IS NULL AND model IS NULL", (newest.date,)
        ).fetchone()[0]
        by_state = dict(
            con.execute(
                "SELECT state, agreements FROM participation WHERE date = ? AND state IS NOT NULL AND model IS NULL",
                (newest.date,),
            ).fetchall()
        )
        joined = con.execute(
            "SELECT count(*) FROM listings l JOIN states s ON s.code = l.state WHERE l.listed_now = 1"
        ).fetchone()[0]
    assert total == newest.rows
    if newest.date == ROSTER["as_of"]:  # the bundled roster is the history's newest list
        assert total == len(participating)
        assert {s: n for s, n in by_state.items() if n} == dict(Counter(a["state"] for a in participating))
    assert joined > 0


def test_the_sqlite_export_goes_through_the_safe_writer(run: Runner, tmp_path: Path) -> None:
    import os
    import shutil

    from .conftest import MINI

    knowledge = tmp_path / "kb.yaml"  # a copy in use via --data: a test never aims a write at the repository
    shutil.copyfile(MINI, knowledge)
    before = knowledge.read_bytes()
    r = run("-q", "--data", str(knowledge), "export", "--format", "sqlite", "-o", str(knowledge), "--force")
    assert r.code == 2 and knowledge.read_bytes() == before  # never the knowledge file in use, even with --force
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    assert run("-q", "export", "--format", "sqlite", "-o", str(fifo)).code == 2
    db = tmp_path / "ok.db"
    side = tmp_path / "ok.db.metadata.json"
    side.write_text("my own notes")
    r = run("-q", "export", "--format", "sqlite", "-o", str(db))
    assert r.code == 2 and side.read_text() == "my own notes" and not db.exists()  # checked before writing
    real = tmp_path / "real.db"
    link = tmp_path / "link.db"
    link.symlink_to(real)
    assert run("-q", "export", "--format", "sqlite", "-o", str(link)).code == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"SQLite format 3\x00")
