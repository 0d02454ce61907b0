"""Every JSON document the commands print has a published schema, generated from types, and validates against it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agencyref.present.results import reports, roster
from agencyref.present.schema import result_kinds, result_schema

from .conftest import DATA, REPO, Runner

jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = REPO / "docs" / "schemas"
SHEETS = DATA / "ice-sheets"
UPDATE = DATA / "update"


def _validator(kind: str) -> Any:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _problems(kind: str, doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:300]}" for e in _validator(kind).iter_errors(doc)]


# ---- the committed schemas are what the types generate -----------------------------------------


def test_committed_schemas_are_generated_from_the_types() -> None:
    """Regenerate: for k in $(agencyref schema --list); do agencyref schema $k > docs/schemas/$k.schema.json; done"""
    committed = {p.name for p in SCHEMAS.glob("*.schema.json")}
    assert committed == {f"{kind}.schema.json" for kind in result_kinds()}
    for kind in result_kinds():
        assert (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8") == result_schema(kind), (
            f"docs/schemas/{kind}.schema.json is stale: run `agencyref schema {kind} > docs/schemas/{kind}.schema.json`"
        )


def test_schema_command(run: Runner) -> None:
    from agencyref.present.schema import knowledge_schema, roster_schema

    assert run("schema").out == knowledge_schema()
    assert run("schema", "--roster").out == roster_schema()
    assert run("schema", "--list").out.split() == result_kinds()
    r = run("schema", "county")
    assert r.code == 0 and r.out == (SCHEMAS / "county.schema.json").read_text(encoding="utf-8")
    r = run("schema", "countee")
    assert r.code == 2 and "schema --list" in r.err
    assert run("schema", "county", "--roster").code == 2


def test_every_object_in_every_schema_is_closed() -> None:
    """A typo'd or unexpected key fails validation: every object schema forbids other properties."""
    for kind in result_kinds():
        schema = json.loads(result_schema(kind))
        for name, definition in schema.get("$defs", {}).items():
            if definition.get("type") == "object":
                assert definition.get("additionalProperties") is False, f"{kind}: {name} is open"


# ---- every command's JSON validates -------------------------------------------------------------

CASES: list[tuple[str, tuple[str, ...]]] = [
    ("comparison", ("compare", "ice", "police")),
    ("comparison", ("compare", "ice", "police", "sheriff", "--aspect", "arrest_powers", "--aspect", "size")),
    ("agency_list", ("agency",)),
    ("agency", ("agency", "ice")),
    ("agency", ("agency", "ero")),  # a component: the agency and the component
    ("agency", ("agency", "sheriff")),
    ("program_list", ("program",)),
    ("program", ("program", "287g")),  # with ICE's list and its history
    ("program", ("program", "287g", "--model", "wso")),
    ("state_list", ("jurisdiction",)),
    ("state", ("jurisdiction", "TX")),
    ("state", ("jurisdiction", "Florida", "--model", "tfm", "--type", "county")),
    ("state", ("jurisdiction", "CA")),  # on ICE's list, no entry in the knowledge file
    ("county", ("jurisdiction", "Pinellas County, FL")),
    ("county", ("jurisdiction", "Harris County, TX")),
    ("county", ("jurisdiction", "Loving County, TX")),  # no agreements at all
    ("city", ("jurisdiction", "St. Petersburg, FL")),
    ("city", ("jurisdiction", "Clearwater, FL")),
    ("roster_agency", ("jurisdiction", "fl/pinellas-county-sheriffs-office")),
    ("roster_agency", ("jurisdiction", "pinellas sheriff", "--model", "jem")),
    ("brief", ("jurisdiction", "Pinellas County, FL", "--brief")),
    ("brief", ("jurisdiction", "Loving County, TX", "--brief")),
    ("agency_jurisdiction", ("jurisdiction", "ice")),
    ("by_state", ("jurisdiction", "--by-state")),
    ("by_state", ("jurisdiction", "--by-state", "--model", "jem", "--type", "county")),
    ("case", ("jurisdiction", "--case", "human trafficking")),
    ("case", ("jurisdiction", "--case", "theft")),
    ("glossary", ("glossary",)),
    ("term", ("glossary", "detainer")),
    ("timeline", ("timeline",)),
    ("timeline", ("timeline", "--program", "287g", "--until", "2003")),
    ("search", ("search", "warrant")),
    ("search", ("search", "287g", "--kind", "program")),
    ("source_list", ("sources",)),
    ("source", ("sources", "ice-about")),
    ("info", ("info",)),
    ("history_287g", ("history",)),
    ("history_287g", ("history", "TX", "--by", "model", "--monthly")),
    ("history_287g", ("history", "FL", "--by", "type")),
    ("changes_287g", ("changes",)),
    ("changes_287g", ("changes", "--since", "2025-08-01", "--state", "FL")),
    ("changes_287g", ("changes", "--since", "2025-03-01", "--until", "2025-09-01", "--model", "tfm")),
    ("export", ("export",)),
    ("get", ("get", "ice", "established")),
    ("get", ("get", "ice", "size")),
    ("get", ("get", "ice", "established.date")),
    ("get", ("get", "287g", "participation", "--latest")),
    ("get", ("get", "287g", "variants")),
    ("get", ("get", "ice", "aliases")),
    ("get", ("get", "TX", "laws")),
    ("get", ("get", "287g", "contested")),
]


@pytest.mark.parametrize(("kind", "args"), CASES, ids=[" ".join(a) for _, a in CASES])
def test_json_output_validates_against_its_schema(mini: Runner, kind: str, args: tuple[str, ...]) -> None:
    r = mini("-q", *args, "--format", "json")
    assert r.code == 0, r.err
    doc = r.json()
    if kind != "get":
        assert doc["kind"] == kind and "schema_version" in doc and "sources" in doc
    assert _problems(kind, doc) == []


BUNDLED: list[tuple[str, tuple[str, ...]]] = [
    ("export", ("export",)),  # every record of the shipped knowledge file, and the shipped roster
    ("program", ("program", "287g")),
    ("state", ("jurisdiction", "CA")),
    ("state", ("jurisdiction", "TX")),
    ("info", ("info",)),
    ("search", ("search", "police")),
    ("source_list", ("sources",)),
    ("agency", ("agency", "hsi")),
    ("roster", ("roster",)),
    ("roster", ("roster", "--state", "TX")),
    ("roster_history", ("roster", "--history")),
    ("term", ("glossary", "ERO")),
    ("term", ("glossary", "287g")),
    ("changes_287g", ("changes", "--since", "2025-07-18", "--state", "FL")),
]


@pytest.mark.parametrize(("kind", "args"), BUNDLED, ids=[" ".join(a) for _, a in BUNDLED])
def test_json_output_on_the_shipped_data_validates(run: Runner, kind: str, args: tuple[str, ...]) -> None:
    r = run("-q", *args, "--json")
    assert r.code == 0, r.err
    assert r.json()["kind"] == kind and _problems(kind, r.json()) == []


def test_every_kind_is_exercised() -> None:
    covered = {kind for kind, _ in CASES} | {kind for kind, _ in BUNDLED} | {"import_report", "update_report"}
    assert covered == set(result_kinds())


def test_yaml_output_has_the_same_shape(mini: Runner) -> None:
    import yaml

    doc = yaml.safe_load(mini("-q", "jurisdiction", "Pinellas County, FL", "--format", "yaml").out)
    assert _problems("county", doc) == []


@pytest.mark.parametrize(
    ("date", "output"),
    [("07182025pm", True), ("07182025pm", False), ("05182026am", False)],
    ids=["--output", "older list into your history", "newest list into your history"],
)
def test_import_report_validates(run: Runner, tmp_path: Path, date: str, output: bool) -> None:
    pending = "pendingAgencies07182025pm.xlsx" if date == "07182025pm" else "pendingAgencies02272026am.xlsx"
    sheets = [str(SHEETS / f"participatingAgencies{date}.xlsx"), str(SHEETS / pending)]
    where = ["--output", str(tmp_path / "roster.json")] if output else []
    r = run("-q", "import-287g", *sheets, *where, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["kind"] == "import_report" and (doc["history"] is None) == output
    assert doc["changes"] is not None or not output  # with --output: compared with the roster in use
    assert _problems("import_report", doc) == []


def test_update_report_validates(run: Runner) -> None:
    r = run("-q", "update", "--from", str(UPDATE), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["kind"] == "update_report" and doc["snapshots"]
    assert _problems("update_report", doc) == []
    r = run("-q", "update", "--from", str(UPDATE), "--check", "--json")
    assert r.code == 0 and _problems("update_report", r.json()) == []


def test_export_embeds_the_roster_it_describes(mini: Runner) -> None:
    """export.roster is not a roster file (it adds a summary, has no schema_version): its own schema says so."""
    doc = mini("-q", "export", "--json").json()
    assert doc["roster"]["agreements"] and _problems("export", doc) == []
    schema = json.loads(result_schema("export"))
    assert schema["$defs"]["ExportRoster"]["properties"]["agreements"]["items"] == {"$ref": "#/$defs/Agreement"}


# ---- the schemas are strict enough to matter ------------------------------------------------------


def test_schemas_reject_what_the_contract_does_not_allow(mini: Runner) -> None:
    doc = mini("-q", "jurisdiction", "Pinellas County, FL", "--json").json()
    assert _problems("county", doc) == []

    def broken(change: Any) -> list[str]:
        copied = copy.deepcopy(doc)
        change(copied)
        return _problems("county", copied)

    assert broken(lambda d: d.update(surprise=1))  # an unknown key
    assert broken(lambda d: d.pop("sources"))  # a required key missing
    assert broken(lambda d: d.update(kind="city"))  # the wrong kind
    assert broken(lambda d: d.update(schema_version=2))
    assert broken(lambda d: d["agreements"][0].update(model="Task Force"))  # not a model key
    assert broken(lambda d: d["agreements"][0].pop("first_listed"))
    assert broken(lambda d: d["roster"].update(agreements="12"))  # a count as text
    assert broken(lambda d: d["agencies"][0]["placement"].update(population=-1))
    assert broken(lambda d: d["sources"][0].update(kind="blog"))
    assert _problems("comparison", doc)  # another kind's schema does not fit


def test_get_schema_rejects_what_no_field_holds() -> None:
    assert _problems("get", {"text": "x", "sources": ["a"]}) == []
    assert _problems("get", {"text": "x"})
    assert _problems("get", None)


# ---- the copies of other packages' records match them -------------------------------------------


def _names(typ: Any) -> set[str]:
    return {f.encode_name for f in msgspec.structs.fields(typ)}


def test_result_types_mirror_the_records_they_describe() -> None:
    from agencyref.roster.history.ingest import IngestReport
    from agencyref.roster.ice287g import ImportReport, ImportWarning
    from agencyref.roster.model import Agreement, Summary
    from agencyref.roster.places.store import AgencyPlace
    from agencyref.roster.query import StateCount

    assert _names(roster.AgencyPlace) == _names(AgencyPlace)
    assert _names(roster.StateCount) == _names(StateCount)
    assert _names(reports.ImportCounts) == _names(ImportReport)
    assert _names(reports.SheetWarning) == _names(ImportWarning)
    assert _names(reports.HistoryIngest) == _names(IngestReport)
    assert _names(roster.RosterCounts) == _names(Summary) | _names(roster.RosterMeta)
    assert _names(roster.ListedAgreement) == _names(Agreement) | {"first_listed", "last_listed", "ended"}
    assert _names(reports.ImportReport) - {"schema_version", "history", "kept_pending"} == _names(reports.Imported) - {
        "history"
    }


def test_schema_version_is_the_contracts() -> None:
    from agencyref.knowledge.model import SCHEMA_VERSION

    schema = json.loads(result_schema("comparison"))
    assert schema["$defs"]["Comparison"]["properties"]["schema_version"] == {"enum": [SCHEMA_VERSION]}


def test_the_schemas_readme_names_every_kind() -> None:
    text = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert [kind for kind in result_kinds() if f"`{kind}`" not in text] == []
