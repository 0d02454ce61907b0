"""Placing ICE's agencies with the FBI's LEE table: the normaliser, the matcher and the built file (fixtures only)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from agencyref.errors import DataError
from agencyref.roster.model import Agreement
from agencyref.roster.places.build import build, encode, main, report
from agencyref.roster.places.lee import parse_lee, read_lee
from agencyref.roster.places.match import LeeIndex
from agencyref.roster.places.names import agency_key, county_core, kinds_agree, loose, role_core, slug, title_case
from agencyref.roster.places.store import load_placement

from .conftest import DATA

LEE = DATA / "lee" / "lee-sample.csv"


def lee_rows() -> list[dict[str, str]]:
    with LEE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def agreement(state: str, agency: str, agency_type: str = "municipal", county: str = "", **kw: object) -> Agreement:
    fields: dict[str, object] = {"model": "tfm", "status": "participating", "signed": "2025-02-28"} | kw
    return Agreement(state=state, agency=agency, agency_type=agency_type, county=county, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def index() -> LeeIndex:
    return LeeIndex(read_lee(LEE))


# ---- names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Orange County Sheriff's Office", ("sheriff", ("orange",))),
        ("Orange County Sheriffs Office", ("sheriff", ("orange",))),
        ("ORANGE COUNTY SHERIFF", ("sheriff", ("orange",))),
        ("Orange Co. Sheriff's Department", ("sheriff", ("orange",))),
        ("St. Petersburg Police Department", ("police", ("saint", "petersburg"))),
        ("Saint Petersburg PD", ("police", ("saint", "petersburg"))),
        ("Ft. Myers Police Dept.", ("police", ("fort", "myers"))),
        ("Daytona Beach Shores Public Safety", ("police", ("daytona", "beach", "shores"))),
        ("Florida Highway Patrol", ("", ("florida", "highway", "patrol"))),
    ],
)
def test_role_core_folds_the_usual_variants(name: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert role_core(name) == expected


def test_keys_are_state_and_slug() -> None:
    assert agency_key("FL", "Orange County Sheriff's Office") == "fl/orange-county-sheriffs-office"
    assert agency_key("FL", "St. Petersburg Police Department") == "fl/st-petersburg-police-department"
    assert slug("Florida A&M University") == "florida-a-and-m-university"
    assert agency_key("PA", "Sewall’s  Point") == agency_key("PA", "sewalls point")


def test_county_names() -> None:
    assert county_core("Pinellas County") == county_core("PINELLAS") == "pinellas"
    assert county_core("St. Charles Parish") == county_core("ST CHARLES") == "saint charles"
    assert title_case("MCHENRY") == "McHenry" and title_case("ST CLAIR") == "St. Clair"


def test_township_is_never_an_unlabelled_place() -> None:
    assert loose(("manheim", "borough")) == ("borough", ("manheim",))
    assert kinds_agree("borough", None) and not kinds_agree("township", None)
    assert not kinds_agree("city", "township")


# ---- reading LEE ----------------------------------------------------------------


def test_lee_rows_are_read_with_counties_split_and_states_fixed() -> None:
    rows = {(a.state, a.name, a.type): a for a in read_lee(LEE)}
    houston = rows[("TX", "Houston", "City")]
    assert houston.counties == ("FORT BEND", "HARRIS", "MONTGOMERY")
    assert ("FL", "University of South Florida", "University or College") in rows  # trailing colon gone
    assert ("NE", "Brown", "County") in rows  # the FBI writes Nebraska as NB


def test_a_file_that_is_not_lee_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not an FBI LEE table"):
        parse_lee("a,b\n1,2\n")
    with pytest.raises(DataError):
        read_lee(tmp_path / "missing.csv")


# ---- matching ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "name", "agency_type", "county", "ori"),
    [
        ("FL", "Pinellas County Sheriff's Office", "county", "Pinellas County", "FL0520000"),
        ("FL", "Clearwater Police Department", "municipal", "", "FL0520300"),
        ("FL", "St. Petersburg Police Department", "municipal", "", "FL0521400"),
        ("FL", "Jacksonville Sheriff's Office", "county", "Duval County", "FL0160000"),
        ("FL", "Port Saint Lucie Police Department", "municipal", "St. Luice County", "FL0560200"),  # ICE's typo
        ("FL", "City of Miami Police Department", "municipal", "", "FL0130600"),
        ("TX", "Calhoun County Sheriff's Office", "county", "Calhoun County", "TX0290000"),
        ("TX", "Houston County Sheriff's Office", "county", "Houston County", "TX1130000"),
        ("TX", "Houston Police Department", "municipal", "", "TXHPD0000"),
        ("GA", "Cobb County Police Department", "county", "Cobb County", "GA0330200"),
        ("GA", "Cobb County Sheriff's Office", "county", "Cobb County", "GA0330000"),
        ("PA", "Danville Borough Police Department", "municipal", "Montour County", "PA0470100"),
        ("NE", "Brown County Sheriff's Office", "county", "Brown County", "NB0090000"),
        ("MO", "Texas County's Sheriff's Office", "county", "Texas County", "MO1080000"),
    ],
)
def test_matches_are_exact_names_in_the_right_place(
    index: LeeIndex, state: str, name: str, agency_type: str, county: str, ori: str
) -> None:
    expected = {r["ori"] for r in lee_rows()}
    assert ori in expected, "fixture lacks the row"
    m = index.match(state, name, agency_type, county)
    assert m.found and m.lee[0].ori == ori, m.reason


@pytest.mark.parametrize(
    ("state", "name", "agency_type", "county"),
    [
        ("PA", "Manheim Borough Police Department", "municipal", ""),  # Manheim or Manheim Township: not sure
        ("PA", "Butler Township Police Department", "municipal", "Butler County"),  # a township is not Butler city
        ("OK", "Oklahoma Department of Public Safety", "state", ""),  # not Oklahoma City's police
        ("FL", "Orlando Police Department", "municipal", "Pinellas County"),  # ICE's county contradicts the FBI
        ("FL", "Largo Police Departent", "municipal", ""),  # a typo is not guessed
        ("TX", "Calhoun County Constable Precinct 1", "county", "Calhoun County"),
    ],
)
def test_unsure_matches_are_refused_with_a_reason(
    index: LeeIndex, state: str, name: str, agency_type: str, county: str
) -> None:
    m = index.match(state, name, agency_type, county)
    assert not m.found and m.reason


def test_state_agency_reporting_as_several_units_is_combined(index: LeeIndex) -> None:
    m = index.match("FL", "Florida Department of Law Enforcement", "state")
    fdle = [r["ori"] for r in lee_rows() if r["pub_agency_name"] == "Department of Law Enforcement:"]
    assert sorted(a.ori for a in m.lee) == sorted(fdle) and len(fdle) > 1
    assert m.how == "same name, several units"


# ---- the built file ----------------------------------------------------------------------


ROSTER = [
    agreement("FL", "Pinellas County Sheriff's Office", "county", "Pinellas County"),
    agreement("FL", "Pinellas County Sheriff's Office", "county", "Pinellas County", model="wso", signed="2019-04-24"),
    agreement("FL", "Clearwater Police Department"),
    agreement("FL", "St. Petersburg Police Department"),
    agreement("FL", "Florida Department of Law Enforcement", "state"),
    agreement("FL", "Pinellas County Jail Annex", "county", "Pinellas County"),
    agreement("TX", "Calhoun County Sheriff's Office", "county", "Calhoun County"),
]


def test_build_places_every_agency_once_and_reports_the_unmatched() -> None:
    lee = read_lee(LEE)
    built = build(ROSTER, lee)
    fl = built.places["FL"]
    assert len(fl) == 5 and built.summary["agencies"] == 6 and built.summary["matched"] == 5
    sheriff = fl["fl/pinellas-county-sheriffs-office"]
    row = next(r for r in lee_rows() if r["ori"] == "FL0520000")
    assert (sheriff.counties, sheriff.ori, sheriff.population, sheriff.officers, sheriff.civilians) == (
        ["Pinellas County"],
        "FL0520000",
        int(row["population"]),
        int(row["officer_ct"]),
        int(row["civilian_ct"]),
    )
    jail = fl["fl/pinellas-county-jail-annex"]
    assert not jail.matched and jail.county_from == "ice" and jail.counties == ["Pinellas County"]
    assert fl["fl/florida-department-of-law-enforcement"].statewide
    text = report(built)
    assert "5 of 6 agencies matched" in text and "Pinellas County Jail Annex" in text


def test_build_lists_every_county_and_city_of_the_fbi_table() -> None:
    built = build(ROSTER, read_lee(LEE))
    fl = built.states["FL"]
    assert "Pinellas County" in fl.counties and "Miami-Dade County" in fl.counties
    assert [fl.counties[i] for i in fl.cities["St. Petersburg"]] == ["Pinellas County"]
    assert "Cook County" in built.states["IL"].counties  # no 287(g) agency there, but the county resolves
    houston = built.states["TX"].cities["Houston"]
    assert len(houston) == 3


def test_main_writes_a_file_the_store_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.json"
    body = ",\n".join(json.dumps(__import__("msgspec").to_builtins(a)) for a in ROSTER)
    roster.write_text(
        '{\n"schema_version": 1,\n"as_of": "2025-07-18",\n"source_url": "https://www.ice.gov/identify-and-arrest/287g",\n'
        f'"source_files": ["x.xlsx"],\n"agreements": [\n{body}\n]\n}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "places.json"
    assert main([str(roster), str(LEE), "-o", str(out)]) == 0
    assert "agencies matched" in capsys.readouterr().err
    placement = load_placement(out)
    assert placement.agency("fl/clearwater-police-department") is not None
    assert placement.city_counties("FL", "Clearwater") == ["Pinellas County"]
    assert placement.data.built_from["roster_as_of"] == "2025-07-18"
    assert encode(build(ROSTER, read_lee(LEE)), placement.data.built_from) == out.read_bytes()  # deterministic


def test_a_damaged_placement_file_is_a_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "places.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(DataError):
        load_placement(bad)
    with pytest.raises(DataError):
        load_placement(tmp_path / "none.json")
