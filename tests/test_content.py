"""The shipped knowledge file answers the common questions correctly, dated and sourced."""

from __future__ import annotations

import re
from typing import Any

import pytest

from agencyref.knowledge.store import parse_knowledge

from .conftest import REPO, Runner

KB = parse_knowledge((REPO / "data" / "agencies.yaml").read_bytes(), "agencies.yaml", strict=True)


def test_coverage_meets_the_reference_bar() -> None:
    assert len(KB.agencies) >= 12 and len(KB.programs) >= 14 and len(KB.matters) >= 25
    assert len(KB.terms) >= 50 and len(KB.events) >= 50
    assert sorted(s.code for s in KB.states) == sorted(
        [
            "AL",
            "AK",
            "AZ",
            "AR",
            "CA",
            "CO",
            "CT",
            "DE",
            "DC",
            "FL",
            "GA",
            "HI",
            "ID",
            "IL",
            "IN",
            "IA",
            "KS",
            "KY",
            "LA",
            "ME",
            "MD",
            "MA",
            "MI",
            "MN",
            "MS",
            "MO",
            "MT",
            "NE",
            "NV",
            "NH",
            "NJ",
            "NM",
            "NY",
            "NC",
            "ND",
            "OH",
            "OK",
            "OR",
            "PA",
            "RI",
            "SC",
            "SD",
            "TN",
            "TX",
            "UT",
            "VT",
            "VA",
            "WA",
            "WV",
            "WI",
            "WY",
        ]
    )
    agencies = {a.key for a in KB.agencies}
    assert {
        "ice",
        "cbp",
        "uscis",
        "fbi",
        "dea",
        "usms",
        "police",
        "sheriff",
        "state-police",
        "special-police",
        "ins",
    } <= agencies
    assert {c.key for a in KB.agencies for c in a.components} >= {
        "ero",
        "hsi",
        "opla",
        "ice-ma",
        "border-patrol",
        "ofo",
    }


def test_every_source_is_dated_and_cited() -> None:
    import msgspec

    used = set(re.findall(r'"sources":\[([^\]]*)\]', msgspec.json.encode(KB).decode()))
    cited = {sid.strip('"') for group in used for sid in group.split(",") if sid}
    assert all(s.published or s.accessed for s in KB.sources)
    assert {s.id for s in KB.sources} - cited == set(), "sources nothing cites"


def test_every_contested_program_has_both_sides_attributed() -> None:
    contested = [p for p in KB.programs if p.contested]
    assert {p.key for p in contested} >= {"287g", "detainers", "secure-communities", "sanctuary-laws"}
    for p in contested:
        assert p.arguments_for and p.arguments_against, p.key
        assert all(a.by.strip() for a in [*p.arguments_for, *p.arguments_against])


def test_287g_participation_over_time_is_dated_with_units() -> None:
    p = next(p for p in KB.programs if p.key == "287g")
    years = {f.as_of[:4] for f in p.participation}
    assert {"2011", "2017", "2020", "2025", "2026"} <= years
    assert {f.unit for f in p.participation} <= {"agencies", "agreements"}


def test_what_287g_is_and_when_it_began(run: Runner) -> None:
    doc = run("-q", "program", "287g", "--json").json()["program"]
    basis = doc["legal_basis"]["text"]
    assert "1357(g)" in basis and ("IIRIRA" in basis or "Illegal Immigration Reform" in basis)
    assert doc["established"]["date"] == "1996-09-30"
    assert [v["key"] for v in doc["variants"]] == ["jem", "tfm", "wso"]
    assert any("2002" in h["text"] and "Florida" in h["text"] for h in doc["history"])


def test_detainer_versus_warrant(run: Runner) -> None:
    detainer = run("-q", "glossary", "detainer").out
    assert "48 hours" in detainer and "request" in detainer.lower()
    admin = run("-q", "get", "administrative-warrant", "definition").out
    assert "I-200" in admin and "judge" in admin.lower()


@pytest.mark.parametrize(
    ("case", "primary"),
    [("stolen car", {"police", "sheriff"}), ("visa overstay", {"ero"}), ("human trafficking", {"hsi"})],
)
def test_who_handles_what(run: Runner, case: str, primary: set[str]) -> None:
    matters = run("-q", "jurisdiction", "--case", case, "--json").json()["matters"]
    assert matters and primary <= set(matters[0]["primary"])


@pytest.mark.parametrize(
    ("state", "stance"), [("TX", "requires"), ("FL", "requires"), ("CA", "limits"), ("IL", "limits")]
)
def test_state_stances(run: Runner, state: str, stance: str) -> None:
    doc: dict[str, Any] = run("-q", "jurisdiction", state, "--json").json()
    assert doc["state"]["stance"] == stance and doc["state"]["laws"]
    assert all(law["sources"] for law in doc["state"]["laws"])


def test_compare_carries_sources_with_urls(run: Runner) -> None:
    doc = run("-q", "compare", "ice", "police", "--format", "json").json()
    assert doc["sources"] and all(s["url"].startswith("http") and s["publisher"] for s in doc["sources"])
    assert run("-q", "compare", "ice", "sheriff", "cbp", "--json").json()["agencies"][2]["key"] == "cbp"
