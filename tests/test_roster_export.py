"""`agencyref roster`: the whole list as one flat table, checked against the bundled file."""

from __future__ import annotations

import csv
import io
import json
import re

from .conftest import REPO, Runner

ROSTER = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))


def test_csv_has_one_row_per_agreement_and_clean_cells(run: Runner) -> None:
    r = run("-q", "roster", "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert len(rows) == len(ROSTER["agreements"])
    assert list(rows[0]) == json.loads(run("-q", "roster", "--state", "RI", "--json").out)["columns"]
    for row in rows:
        assert "—" not in row.values()
        assert row["signed"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["signed"])
        assert row["moa_url"] == "" or row["moa_url"].startswith(("https://", "http://"))
        assert row["moa_status"] in ("link", "pending", "none")
        assert row["agency_key"].startswith(row["state"].lower() + "/") or not row["state"]
    placed = sum(1 for row in rows if row["ori"])
    assert placed > len(rows) * 0.8  # most agencies carry their FBI ORI


def test_state_filter_tsv_and_json_agree(run: Runner) -> None:
    tx = [a for a in ROSTER["agreements"] if a["state"] == "TX"]
    tsv = run("-q", "roster", "--state", "Texas", "--format", "tsv").out.splitlines()
    assert len(tsv) == len(tx) + 1 and "\t" in tsv[0]
    doc = run("-q", "roster", "--state", "TX", "--json").json()
    assert doc["as_of"] == ROSTER["as_of"] and len(doc["agreements"]) == len(tx)
    assert {a["signed"] for a in doc["agreements"]} == {a["signed"] for a in tx}


def test_history_export_lists_ended_agreements(run: Runner) -> None:
    rows = list(csv.DictReader(io.StringIO(run("-q", "roster", "--history", "--format", "csv").out)))
    assert rows and {"first_listed", "last_listed", "ended", "listed_now"} <= set(rows[0])
    now = [r for r in rows if r["listed_now"] == "True"]
    participating = [a for a in ROSTER["agreements"] if a["status"] == "participating"]
    assert len(now) <= len(participating) + len(ROSTER["agreements"])
    assert any(r["ended"] for r in rows)  # agreements that left the list are kept, with the date they went


def test_unknown_state_is_a_usage_error(run: Runner) -> None:
    assert run("-q", "roster", "--state", "Narnia").code == 2
