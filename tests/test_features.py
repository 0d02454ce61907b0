"""Scripting and ecosystem features: get, schema, export, docs, completion, pager, freshness, views."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MINI, REPO, Runner

DATA = REPO / "data"


def test_get_prints_one_bare_value(mini: Runner) -> None:
    r = mini("-q", "get", "ice", "established")
    assert (r.code, r.out, r.err) == (0, "2003-03-01\n", "")
    assert mini("-q", "get", "ice", "established.law").out == "Homeland Security Act of 2002\n"
    assert mini("-q", "get", "TX", "stance").out == "requires\n"
    assert mini("-q", "get", "287g", "participation", "--latest").out == "135\n"


def test_get_missing_field_exits_1_with_suggestions(mini: Runner) -> None:
    r = mini("-q", "get", "ice", "establishd")
    assert r.code == 1 and r.out == "" and "established" in r.err


def test_get_latest_prefers_overall_figures(run: Runner) -> None:
    # The shipped data has per-model counts dated after the newest overall count.
    r = run("-q", "get", "287g", "participation", "--latest", "--json")
    figure = json.loads(r.out)
    assert figure.get("model") is None and figure["unit"] in ("agreements", "agencies")


def test_schema_matches_the_committed_file(run: Runner) -> None:
    r = run("schema")
    assert r.code == 0
    assert r.out == (DATA / "agencies.schema.json").read_text(encoding="utf-8")
    schema = json.loads(r.out)
    assert "Agency" in schema["$defs"] and schema["$defs"]["Agency"]["additionalProperties"] is False


def test_knowledge_file_points_editors_at_the_schema() -> None:
    first = (DATA / "agencies.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./agencies.schema.json"


def test_shipped_file_validates_against_its_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from agencyref.knowledge.yamlsafe import read_yaml

    tree, _ = read_yaml((DATA / "agencies.yaml").read_bytes(), "agencies.yaml")
    schema = json.loads((DATA / "agencies.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(tree, schema)


def test_docs_cli_md_is_generated_from_the_app() -> None:
    from agencyref.cli.docgen import generate

    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == generate(), (
        "docs/cli.md is stale: run `python -m agencyref.cli.docgen > docs/cli.md`"
    )


def test_every_command_has_a_summary_and_an_example(run: Runner) -> None:
    from agencyref.cli.main import COMMAND_MODULES

    for name in COMMAND_MODULES:
        r = run(name, "--help")
        assert r.code == 0, name
        body = r.out.split("\n\n")
        assert len(body) > 2 and body[1].strip(), f"{name} has no summary"
        assert "Example" in r.out, f"{name} has no example"


def test_command_table_lists_every_registered_command() -> None:
    from agencyref.cli.main import COMMAND_MODULES, _command_name, full_app

    assert [_command_name(c) for c in full_app().registered_commands] == list(COMMAND_MODULES)


def _complete(words: str, cword: int) -> list[str]:
    env = dict(os.environ, _AGENCYREF_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
    env["AGENCYREF_DATA"] = str(MINI)
    r = subprocess.run([sys.executable, "-m", "agencyref"], env=env, capture_output=True, text=True, timeout=60)
    return r.stdout.split()


def test_completion_offers_commands_agencies_programs_and_terms() -> None:
    assert "compare" in _complete("agencyref com", 1)
    assert _complete("agencyref compare ", 2) == ["ero", "hsi", "ice", "police", "sheriff"]
    assert _complete("agencyref compare ice s", 3) == ["sheriff"]
    assert _complete("agencyref program 2", 2) == ["287g"]
    assert _complete("agencyref glossary adm", 2) == ["administrative-warrant"]
    assert _complete("agencyref program 287g --model ", 4) == ["jem", "tfm", "wso"]


def test_markdown_export_has_namespaced_footnotes(mini: Runner, tmp_path: Path) -> None:
    out = tmp_path / "ref.md"
    r = mini("-q", "export", "--format", "markdown", "--output", str(out))
    assert r.code == 0 and r.out == ""
    text = out.read_text(encoding="utf-8")
    labels = re.findall(r"^\[\^([\w-]+)\]:", text, re.M)
    assert labels and len(labels) == len(set(labels))
    for label in set(re.findall(r"\[\^([\w-]+)\](?!:)", text)):
        assert label in labels, f"footnote {label} has no definition"


def test_json_export_is_the_whole_reference(mini: Runner) -> None:
    doc = mini("-q", "export", "--json").json()
    assert [a["key"] for a in doc["agencies"]] == ["ice", "police", "sheriff"]
    assert doc["roster"]["summary"]["agreements"] > 0
    assert mini("-q", "export", "--format", "csv").code == 2


def test_timeline_reads_as_a_timeline(mini: Runner) -> None:
    out = mini("-q", "timeline").out
    assert re.search(r"^1996\n\s+1996-09-30\s+IIRIRA enacted — ", out, re.M)
    md = mini("-q", "timeline", "--format", "markdown").out
    assert "- **2003-03-01** — ICE begins operations" in md


def test_piped_table_output_is_plain(mini: Runner) -> None:
    out = mini("-q", "compare", "ice", "police").out
    assert "\x1b[" not in out and "│" not in out and "━" not in out
    assert max(len(line) for line in out.splitlines()) > 80  # not wrapped at 80 columns


def test_forced_colour_goes_through_rich(mini: Runner) -> None:
    out = mini("-q", "--color", "always", "compare", "ice", "police").out
    assert "\x1b[" in out
    assert "\x1b[" not in mini("-q", "compare", "ice", "police", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).out


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {"COLUMNS": "20"}, {"NO_COLOR": "1", "COLUMNS": "40"}])
def test_narrow_and_dumb_terminals_render(mini: Runner, env: dict[str, str]) -> None:
    r = mini("-q", "program", "287g", env=env)
    assert r.code == 0 and "Jail" in r.out
    assert "\x1b[" not in r.out


def test_pager_runs_only_for_long_output_and_can_be_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agencyref.cli import output

    seen = tmp_path / "paged.txt"
    monkeypatch.setenv("AGENCYREF_PAGER", f"tee {seen}")
    monkeypatch.setattr("shutil.get_terminal_size", lambda *a, **k: os.terminal_size((80, 10)))
    assert output._page("short\n", forced=False) is False and not seen.exists()
    long = "".join(f"line {i}\n" for i in range(50))
    assert output._page(long, forced=False) is True
    assert seen.read_text() == long
    monkeypatch.setenv("AGENCYREF_PAGER", "no-such-pager-binary")
    assert output._page(long, forced=True) is False  # falls back to printing


def test_stale_roster_notice_and_quiet(run: Runner) -> None:
    r = run("jurisdiction", "TX", env={"AGENCYREF_STALE_DAYS": "30"})
    assert "days old" in r.err and "import-287g" in r.err and "https://www.ice.gov/identify-and-arrest/287g" in r.err
    assert "days old" not in run("jurisdiction", "TX", env={"AGENCYREF_STALE_DAYS": "100000"}).err
    assert run("-q", "jurisdiction", "TX", env={"AGENCYREF_STALE_DAYS": "30"}).err == ""


def test_info_reports_roster_in_use_and_dates(run: Runner) -> None:
    doc = run("-q", "info", "--json").json()
    bundled = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))
    assert doc["roster"]["origin"] == "bundled" and doc["roster"]["as_of"] == bundled["as_of"]
    assert doc["coverage"]["agencies"] >= 12 and doc["coverage"]["states"] == 51
    assert all(re.match(r"^\d{4}(-\d{2}){0,2}$", f["as_of"]) for f in doc["dated_figures"])


def test_get_figures_say_what_they_count(run: Runner) -> None:
    import msgspec

    from agencyref import load

    ice = load().agency("ice")
    lines = run("-q", "get", "ice", "size").out.splitlines()
    assert len(lines) == len(ice.size)
    for line, figure in zip(lines, ice.size, strict=True):
        number, unit, as_of, label = line.split("\t")
        prefix = {"at_least": ">=", "at_most": "<=", "about": "~"}.get(figure.qualifier or "", "")
        assert number == f"{prefix}{int(figure.value)}" and (unit, as_of, label) == (
            figure.unit,
            figure.as_of,
            figure.label,
        )
    bound = next(f for f in ice.size if f.qualifier == "at_least")
    assert msgspec.to_builtins(bound)["qualifier"] == "at_least"
    single = run("get", "ice", "size.0")
    assert single.out == f">={int(ice.size[0].value)}\n" and ice.size[0].unit in single.err
    assert ice.size[0].unit not in run("-q", "get", "ice", "size.0").err


@pytest.mark.parametrize(
    "word",
    [
        "WSO",
        "warrant service officer",
        "TFM",
        "JEM",
        "I-247A",
        "I-200",
        "I-205",
        "sanctuary",
        "287g",
        "ERO",
        "HSI",
        "detainer",
    ],
)
def test_glossary_answers_the_words_people_type(run: Runner, word: str) -> None:
    r = run("-q", "glossary", word, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["kind"] == "term" and doc["term"]["definition"] and doc["sources"]


def test_info_counts_copies_apart_from_official_sources(run: Runner) -> None:
    from agencyref import load
    from agencyref.knowledge.sourcekinds import label

    coverage = run("-q", "info", "--json").json()["coverage"]
    sources = list(load().knowledge.sources.values())
    assert coverage["sources_copy"] == sum(1 for s in sources if s.copy_of)
    assert coverage["official_sources"] == sum(1 for s in sources if label(s) in ("official", "court"))
    assert sum(v for k, v in coverage.items() if k.startswith("sources_")) == coverage["sources"]
