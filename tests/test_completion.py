"""Shell completion of values, through bash's completion protocol (COMP_WORDS, COMP_CWORD, _AGENCYREF_COMPLETE)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from agencyref.knowledge.query import ASPECT_KEYS
from agencyref.present.render import FORMATS
from agencyref.present.schema import result_kinds
from agencyref.usps import STATE_NAMES

from .conftest import MINI, Runner


def complete(run: Runner, line: str, cword: int | None = None) -> list[str]:
    """What `agencyref …<TAB>` offers in bash: ``line`` is everything typed, up to the cursor;
    ``cword`` the index of the word being completed (default: the last, words split at spaces)."""
    cword = len(line.split(" ")) - 1 if cword is None else cword
    r = run(env={"_AGENCYREF_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)})
    assert r.code == 0, r.err
    return [w for w in r.out.split("\n") if w]


Tab = Callable[..., list[str]]


@pytest.fixture
def tab(run: Runner, monkeypatch: pytest.MonkeyPatch) -> Tab:
    monkeypatch.setenv("AGENCYREF_DATA", str(MINI))
    return lambda line, cword=None: complete(run, line, cword)


def test_format_offers_the_formats(tab: Tab) -> None:
    assert tab("agencyref --format ") == list(FORMATS)
    assert tab("agencyref compare ice police --format ") == list(FORMATS)
    assert tab("agencyref compare ice police -f m") == ["markdown"]
    assert tab("agencyref jurisdiction TX --format J") == ["json"]  # any case
    assert tab("agencyref export --format ") == ["json", "markdown", "sqlite"]


def test_a_closed_set_is_offered_whole_rather_than_nothing(tab: Tab) -> None:
    """With no match bash would fall back to file names; the words the option takes are listed instead."""
    assert tab("agencyref --format xml") == list(FORMATS)
    assert tab("agencyref --color x") == ["auto", "always", "never"]


def test_aspect_model_type_and_color(tab: Tab) -> None:
    assert tab("agencyref compare ice police --aspect ") == list(ASPECT_KEYS)
    assert tab("agencyref compare ice police -a arr") == ["arrest_powers"]
    assert tab("agencyref program 287g --model ") == ["jem", "tfm", "wso"]
    assert tab("agencyref jurisdiction TX --model T") == ["tfm"]
    assert tab("agencyref history --by ") == ["model", "type"]
    agency_types = ["county", "municipal", "state", "federal", "tribal", "other"]
    assert tab("agencyref jurisdiction TX --type ") == agency_types
    assert tab("agencyref changes --type mu") == ["municipal"]
    assert tab("agencyref --color ") == ["auto", "always", "never"]
    assert tab("agencyref jurisdiction TX --color al") == ["always"]  # the global option after the command
    assert tab("agencyref search x --kind pro") == ["program"]
    assert tab("agencyref schema ") == result_kinds()


def test_states_complete_as_codes_and_names(tab: Tab) -> None:
    assert tab("agencyref history t") == ["TN", "TX", "Tennessee", "Texas"]
    assert tab("agencyref history new") == [n for n in STATE_NAMES.values() if n.startswith("New ")]
    assert tab("agencyref changes --state fl") == ["FL", "Florida"]


def test_jurisdiction_offers_states_counties_cities_and_agency_keys(tab: Tab) -> None:
    flo = tab("agencyref jurisdiction flo")
    assert flo[0] == "Florida" and "Florida City, FL" in flo and "Floyd County, GA" in flo
    assert tab("agencyref jurisdiction fl")[:2] == ["FL", "Florida"]
    assert tab("agencyref jurisdiction Tex")[0] == "Texas"
    pinellas = tab("agencyref jurisdiction pinel")
    assert "Pinellas County, FL" in pinellas and "Pinellas Park, FL" in pinellas
    assert "St. Petersburg, FL" in tab('agencyref jurisdiction "St. Pete', 2)
    keys = tab("agencyref jurisdiction fl/pinellas-county")
    assert keys == ["fl/pinellas-county-sheriffs-office"]
    assert tab("agencyref jurisdiction ic") == ["ice"]  # the knowledge file's agencies
    assert tab("agencyref jurisdiction --case hum") == ["human-trafficking"]


def test_commands_and_knowledge_names_still_complete(tab: Tab) -> None:
    assert "jurisdiction" in tab("agencyref jur")
    assert tab("agencyref compare ") == ["ero", "hsi", "ice", "police", "sheriff"]
    assert tab("agencyref glossary adm") == ["administrative-warrant"]


def test_completion_in_a_fresh_process() -> None:
    """The same protocol as the shell uses it: a new interpreter, the words in the environment."""
    env = dict(os.environ, _AGENCYREF_COMPLETE="complete_bash", COMP_WORDS="agencyref jurisdiction flo", COMP_CWORD="2")
    env["AGENCYREF_DATA"] = str(MINI)
    r = subprocess.run([sys.executable, "-m", "agencyref"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.split("\n")[0] == "Florida"


# ---- the scripts: the shell named is the shell whose script is printed -------------------------


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("--show-completion", "zsh"), "#compdef agencyref"),
        (("--show-completion=zsh",), "#compdef agencyref"),
        (("--show-completion", "fish"), "complete --command agencyref"),
        (("--show-completion", "bash"), "_agencyref_completion() {"),
        (("-q", "--show-completion", "zsh"), "#compdef agencyref"),
    ],
)
def test_show_completion_prints_the_named_shells_script(run: Runner, args: tuple[str, ...], start: str) -> None:
    r = run(*args, env={"SHELL": "/bin/bash"})
    assert r.code == 0 and r.out.startswith(start), r.out[:200]


def test_show_completion_refuses_an_unknown_shell(run: Runner) -> None:
    r = run("--show-completion", "ksh")
    assert r.code == 2 and "ksh" in r.err and r.out == ""
