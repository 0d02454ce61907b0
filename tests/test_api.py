"""The Python API gives the same answers as the command line, as typed objects."""

from __future__ import annotations

import json

import msgspec
import pytest

import agencyref
from agencyref.errors import NotFoundError, UsageError
from agencyref.knowledge import model as m
from agencyref.roster.model import Agreement

from .conftest import MINI, REPO, Runner


@pytest.fixture(scope="module")
def ref() -> agencyref.Reference:
    return agencyref.load()


def test_records_are_typed(ref: agencyref.Reference) -> None:
    ice = ref.agency("ice")
    assert isinstance(ice, m.Agency)
    assert ref.agency("Immigration and Customs Enforcement") == ice  # names and aliases, like the CLI
    assert str(ice.established) == ice.established.date
    assert isinstance(ref.program("287(g)"), m.Program)
    assert ref.state("Texas") == ref.state("TX")


def test_compare_builtins_equal_cli_json(ref: agencyref.Reference, run: Runner) -> None:
    cli = run("-q", "compare", "ice", "police", "--json").json()
    assert ref.compare("ice", "police").to_builtins() == cli
    aspects = ["arrest_powers"]
    cli = run("-q", "compare", "ice", "police", "--aspect", "arrest_powers", "--json").json()
    assert ref.compare("ice", "police", aspects=aspects).to_builtins() == cli


def test_profile_builtins_equal_cli_json(ref: agencyref.Reference, run: Runner) -> None:
    assert ref.profile("hsi").to_builtins() == run("-q", "agency", "hsi", "--json").json()


def test_roster_matches_bundled_file(ref: agencyref.Reference) -> None:
    bundled = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))
    tx = [a for a in bundled["agreements"] if a["state"] == "TX"]
    got = ref.roster.in_state("TX")
    assert all(isinstance(a, Agreement) for a in got)
    assert len(got) == len(tx) and ref.roster.as_of == bundled["as_of"]


def test_misses_raise_with_suggestions(ref: agencyref.Reference) -> None:
    with pytest.raises(NotFoundError) as err:
        ref.agency("icee")
    assert err.value.suggestions
    with pytest.raises(UsageError):
        ref.compare("ice", "ice")


def test_other_data_file() -> None:
    small = agencyref.load(data=str(MINI))
    assert small.knowledge.path == MINI
    assert msgspec.to_builtins(small.agency(next(iter(small.knowledge.agencies))))["key"]
