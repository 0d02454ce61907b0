"""The command line against the small test knowledge file: output contract and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from .conftest import BAD, MINI, Runner

ANSI = re.compile(r"\x1b\[")


def test_compare_table_has_one_column_per_agency_and_sources(mini: Runner) -> None:
    r = mini("compare", "ice", "police")
    assert r.code == 0
    # Piped at 100 columns this table is too wide for one line per row: one record per aspect.
    level = r.out.split("Level of government\n", 1)[1].split("\n\n", 1)[0]
    assert "U.S. Immigration and Customs Enforcement: federal" in level and "Local police department: " in level
    assert "Sources" in r.out and "https://www.ice.gov/about-ice" in r.out
    assert not ANSI.search(r.out)


def test_compare_json_is_one_document_with_sources(mini: Runner) -> None:
    r = mini("compare", "ice", "police", "--format", "json")
    doc = r.json()
    assert doc["schema_version"] == 1 and doc["kind"] == "comparison"
    assert [a["key"] for a in doc["agencies"]] == ["ice", "police"]
    ids = {s["id"] for s in doc["sources"]}
    cited = {sid for a in doc["agencies"] for v in a["aspects"].values() for sid in v["sources"]}
    assert cited <= ids and all(s["url"].startswith("https://") for s in doc["sources"])


def test_json_shorthand_and_env_default_agree(mini: Runner) -> None:
    a = mini("compare", "ice", "pd", "--json").out
    b = mini("compare", "ice", "pd", env={"AGENCYREF_FORMAT": "json"}).out
    assert json.loads(a) == json.loads(b)


def test_three_agencies_three_columns(mini: Runner) -> None:
    doc = mini("compare", "ice", "sheriff", "police", "--json").json()
    assert len(doc["agencies"]) == 3


def test_aspect_filter_and_unknown_aspect(mini: Runner) -> None:
    doc = mini("compare", "ice", "police", "-a", "warrants", "--aspect", "Arrest powers", "--json").json()
    assert doc["aspects"] == ["warrants", "arrest_powers"]
    r = mini("compare", "ice", "police", "--aspect", "warants")
    assert r.code == 2 and "did you mean warrants" in r.err


def test_unknown_agency_exits_1_with_suggestion_and_empty_stdout(mini: Runner) -> None:
    r = mini("compare", "ice", "polise")
    assert r.code == 1 and r.out == ""
    assert "police" in r.err and "Did you mean" in r.err


def test_component_is_compared_as_its_parent(mini: Runner) -> None:
    r = mini("compare", "hsi", "police", "--json")
    assert r.code == 0 and r.json()["agencies"][0]["key"] == "ice"
    assert "part of U.S. Immigration and Customs Enforcement" in r.err


def test_program_spellings_give_the_same_answer(mini: Runner) -> None:
    a = mini("program", "287g", "--json").json()
    b = mini("program", "287(g)", "--json").json()
    assert a == b and a["program"]["key"] == "287g"


def test_program_model_filter(mini: Runner) -> None:
    doc = mini("program", "287g", "--model", "tfm", "--json").json()
    assert [v["key"] for v in doc["program"]["variants"]] == ["tfm"]
    assert mini("program", "287g", "--model", "xyz").code == 2


def test_csv_only_for_tables(mini: Runner) -> None:
    r = mini("agency", "ice", "--format", "csv")
    assert r.code == 2 and "csv" in r.err and r.out == ""
    rows = list(csv.reader(io.StringIO(mini("compare", "ice", "police", "--format", "csv").out)))
    assert rows[0] == ["aspect", "ice", "police"] and len(rows) == 16


@pytest.mark.parametrize("fmt", ["table", "json", "yaml", "markdown"])
def test_every_format_for_profiles(mini: Runner, fmt: str) -> None:
    r = mini("agency", "ice", "--format", fmt)
    assert r.code == 0 and "Immigration and Customs Enforcement" in r.out


def test_markdown_has_numbered_footnotes(mini: Runner) -> None:
    out = mini("compare", "ice", "police", "--format", "markdown").out
    assert out.startswith("# ") and "[^1]" in out
    assert re.search(r"^\[\^1\]: .+<https://", out, re.M)


def test_yaml_output_parses(mini: Runner) -> None:
    import yaml

    doc = yaml.safe_load(mini("program", "287g", "--format", "yaml").out)
    assert doc["program"]["key"] == "287g" and doc["sources"]


def test_bad_format_is_usage_error(mini: Runner) -> None:
    assert mini("compare", "ice", "police", "--format", "xml").code == 2
    assert mini("compare", "ice", "police", env={"AGENCYREF_FORMAT": "xml"}).code == 2


def test_case_lookup_names_hsi(mini: Runner) -> None:
    r = mini("jurisdiction", "--case", "human trafficking")
    assert r.code == 0 and "Homeland Security Investigations" in r.out
    assert mini("jurisdiction", "--case", "stolen car", "--json").json()["matters"][0]["key"] == "theft"
    assert mini("jurisdiction", "--case", "zzzz").code == 1


def test_agency_jurisdiction(mini: Runner) -> None:
    doc = mini("jurisdiction", "ice", "--json").json()
    assert doc["agency"]["key"] == "ice" and doc["matters"][0]["key"] == "human-trafficking"


def test_glossary_timeline_search_sources(mini: Runner) -> None:
    assert "immigration officer" in mini("glossary", "administrative warrant").out
    events = mini("timeline", "--since", "2000", "--json").json()["events"]
    assert [e["date"] for e in events] == ["2003-03-01"]
    assert mini("timeline", "--program", "287g", "--json").json()["events"][0]["title"] == "IIRIRA enacted"
    hits = mini("search", "warrant", "--json").json()["results"]
    assert hits and hits[0]["key"] == "administrative-warrant"
    assert mini("sources", "ice-about", "--json").json()["source"]["url"] == "https://www.ice.gov/about-ice"
    assert mini("sources", "ice-abot").code == 1


def test_lists_without_names(mini: Runner) -> None:
    assert [a["key"] for a in mini("agency", "--json").json()["agencies"]] == ["ice", "police", "sheriff"]
    assert mini("program", "--json").json()["programs"][0]["key"] == "287g"
    assert mini("glossary", "--format", "csv").out.startswith("term,definition")


def test_notice_on_stderr_once_and_quiet_hides_it(mini: Runner) -> None:
    r = mini("agency", "ice")
    assert r.err.count("not legal advice") == 1 and "not legal advice" not in r.out
    assert mini("-q", "agency", "ice").err == ""
    assert mini("agency", "ice", env={"AGENCYREF_QUIET": "1"}).err == ""


def test_validate_ok_and_invalid(run: Runner) -> None:
    assert run("validate", str(MINI)).code == 0
    r = run("validate", str(BAD / "duplicate_key.yaml"))
    assert r.code == 3 and "duplicate_key.yaml:29" in r.err
    r = run("validate", str(BAD / "dangling_source.yaml"))
    assert r.code == 3 and ":54:" in r.err and "no-such-source" in r.err


def test_bad_data_file_gives_exit_3_not_traceback(run: Runner) -> None:
    r = run("--data", str(BAD / "several_problems.yaml"), "agency", "ice")
    assert r.code == 3 and "Traceback" not in r.err and r.err.count("several_problems.yaml:") == 3
    assert run("--data", "/nonexistent/x.yaml", "agency").code == 3


def test_version_and_help(run: Runner) -> None:
    from agencyref import __version__

    assert run("--version").out.strip() == f"agencyref {__version__}"
    r = run("compare", "--help")
    assert r.code == 0 and "Example" in r.out


def test_missing_argument_is_usage_error(run: Runner) -> None:
    r = run("compare")
    assert r.code == 2 and "Missing argument" in r.err


def test_internal_error_is_exit_4_without_traceback(mini: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from agencyref.present.views import agencies

    def boom(*_: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(agencies, "agency_list", boom)
    r = mini("agency")
    assert r.code == 4 and "please report" in r.err.lower() and "Traceback" not in r.err


@pytest.mark.parametrize("junk", ["", " ", "\x07\x1b[31m", "x" * 10_000, "\u202eecilop", "ice\npolice"])
def test_odd_names_give_clean_not_found(mini: Runner, junk: str) -> None:
    r = mini("agency", junk)
    assert r.code == 1 and r.out == "" and "Traceback" not in r.err
    assert "\x1b" not in r.err.replace("\\x1b", "")


def test_search_matches_words_not_fragments(mini: Runner) -> None:
    keys = [h["key"] for h in mini("-q", "search", "ice", "--kind", "agency", "--json").json()["results"]]
    assert keys == ["ice"]  # "police" contains "ice" but is not about it
    assert mini("-q", "search", "287g", "--json").json()["results"][0]["key"] == "287g"  # matches "287(g)"
    assert mini("-q", "search", "warr", "--json").json()["results"]  # a word's beginning is enough
