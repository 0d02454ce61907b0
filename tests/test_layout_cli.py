"""Piped text that reads well, machine formats untouched by width, and `sources N` after an answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agencyref.present.render.layout import cells, is_url

from .conftest import Runner
from .test_startup import _modules


def long_lines(out: str, width: int) -> list[str]:
    return [line for line in out.splitlines() if cells(line) > width and not is_url(line.strip())]


@pytest.mark.parametrize("args", [("compare", "ice", "police"), ("program", "287g")])
def test_piped_text_is_filled_to_100_columns_or_COLUMNS(run: Runner, args: tuple[str, ...]) -> None:
    r = run("-q", *args)
    assert r.code == 0 and "\x1b" not in r.out
    assert not long_lines(r.out, 100)
    assert max(cells(line) for line in r.out.splitlines()) > 80  # filled to 100, not to 80
    narrow = run("-q", *args, env={"COLUMNS": "60"}).out
    assert not long_lines(narrow, 60)
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", narrow)) == set(re.findall(r"\d{4}-\d{2}-\d{2}", r.out))


def test_piped_narrow_table_stays_aligned(run: Runner) -> None:
    out = run("-q", "jurisdiction", "--by-state").out
    assert re.search(r"^rank\s+state\s+name\s+agreements\s+agencies\s+jem\s+tfm\s+wso$", out, re.M)
    assert re.search(r"^1\s+[A-Z]{2}\s+\S.*\s\d+\s+\d+\s+\d+\s+\d+\s+\d+$", out, re.M)  # a row, one line


@pytest.mark.parametrize("fmt", ["csv", "json", "yaml", "markdown"])
def test_machine_formats_do_not_depend_on_the_width(mini: Runner, fmt: str) -> None:
    wide = mini("-q", "compare", "ice", "police", "--format", fmt).out
    assert mini("-q", "compare", "ice", "police", "--format", fmt, env={"COLUMNS": "30"}).out == wide


def test_piped_program_does_not_import_rich(tmp_path: Path) -> None:
    assert "rich" not in _modules(["program", "287g"], tmp_path)


def footnote_ids(out: str) -> dict[int, str]:
    return {int(n): sid for n, sid in re.findall(r"^\[(\d+)\] \(([^ ]+) · ", out, re.M)}


def test_sources_n_follows_the_footnote_of_the_last_answer(mini: Runner) -> None:
    answer = mini("-q", "compare", "ice", "police")
    ids = footnote_ids(answer.out)
    assert len(ids) >= 3
    r = mini("-q", "sources", "3")
    assert r.code == 0, r.err
    assert r.out.startswith(f"{ids[3]}\n")
    assert "Footnote [3] of the last answer with footnotes: agencyref --data" in r.out
    assert "compare ice police" in r.out
    # Following a footnote (or listing sources) does not replace the answer they came from.
    assert mini("-q", "sources", ids[1]).code == 0
    assert mini("-q", "sources").code == 0
    doc = mini("-q", "sources", "2", "--json").json()
    assert doc["source"]["id"] == ids[2] and doc["footnote"]["number"] == 2
    assert doc["footnote"]["answer"].endswith("-q compare ice police")
    # A script's JSON call does not either: only answers that show numbered footnotes are kept.
    mini("-q", "agency", "ice", "--json")
    assert mini("-q", "sources", "1").out.startswith(f"{ids[1]}\n")


def test_sources_n_without_an_earlier_answer_points_to_ids(mini: Runner) -> None:
    r = mini("-q", "sources", "3")
    assert r.code == 1 and r.out == ""
    assert "give the source's id" in r.err
    mini("-q", "compare", "ice", "police")
    r = mini("-q", "sources", "999")
    assert r.code == 1 and "has footnotes [1] to" in r.err


def test_an_unusable_cache_folder_never_fails_the_answer(mini: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    env = {"AGENCYREF_CACHE_DIR": str(blocker / "cache")}
    assert mini("-q", "compare", "ice", "police", env=env).code == 0
    assert mini("-q", "sources", "1", env=env).code == 1


def test_footnotes_kept_are_the_answer_s_own(mini: Runner, tmp_path: Path) -> None:
    mini("-q", "compare", "ice", "police")
    import os

    kept = json.loads((Path(os.environ["AGENCYREF_CACHE_DIR"]) / "last-footnotes.json").read_text())
    assert kept["command"].endswith("compare ice police") and kept["footnotes"][0]["url"].startswith("https://")
