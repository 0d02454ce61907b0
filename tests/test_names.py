"""Name resolution: keys, names and aliases, case-insensitive; did-you-mean for typos."""

from __future__ import annotations

import pytest

from agencyref.errors import AmbiguousNameError, NotFoundError
from agencyref.knowledge.names import Entry, NameIndex, normalize


def index() -> NameIndex:
    return NameIndex(
        [
            (
                Entry("agency", "ice", "U.S. Immigration and Customs Enforcement"),
                ["ICE", "immigration and customs enforcement"],
            ),
            (Entry("agency", "police", "Local police department"), ["local police", "pd"]),
            (Entry("program", "287g", "287(g) program"), ["287(g)", "section 287(g)"]),
            (Entry("term", "warrant", "Warrant"), []),
            (Entry("matter", "warrant", "Warrant"), []),
        ]
    )


@pytest.mark.parametrize("typed", ["287g", "287(g)", "Section 287(g)", "287 G", "287(g) program"])
def test_287g_spellings_resolve_to_one_program(typed: str) -> None:
    assert index().resolve(typed, ["program"], "program").key == "287g"


@pytest.mark.parametrize(
    "typed", ["ICE", "ice", "Immigration and Customs Enforcement", "U.S. Immigration and Customs Enforcement"]
)
def test_ice_spellings(typed: str) -> None:
    assert index().resolve(typed, ["agency"], "agency").key == "ice"


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(NotFoundError) as exc:
        index().resolve("polise", ["agency"], "agency")
    assert exc.value.suggestions[0] == "police"


def test_ambiguous_name_lists_candidates() -> None:
    with pytest.raises(AmbiguousNameError) as exc:
        index().resolve("warrant", ["term", "matter"], "entry")
    assert len(exc.value.candidates) == 2


def test_kinds_restrict_resolution() -> None:
    with pytest.raises(NotFoundError):
        index().resolve("287g", ["agency"], "agency")


@pytest.mark.parametrize("junk", ["", "   ", "\x00\x01", "x" * 10_000, "\u202eecilop", "💥"])
def test_junk_names_never_crash(junk: str) -> None:
    with pytest.raises(NotFoundError):
        index().resolve(junk, ["agency"], "agency")


def test_normalize_folds_punctuation_and_case() -> None:
    assert normalize("Sheriff's Office") == normalize("sheriffs office")
    assert normalize("The U.S. Marshals") == normalize("marshals")
