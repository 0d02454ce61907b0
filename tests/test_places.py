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
from agencyref.roster.places.match import NOT_LISTED, LeeIndex
from agencyref.roster.places.names import (
    agency_key,
    body_kind,
    college_of_board,
    county_core,
    county_qualified,
    edit_distance,
    kinds_agree,
    loose,
    name_parts,
    one_word_typo,
    role_core,
    role_typos,
    slug,
    title_case,
)
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
        ("Waterloo Marshal's Office", ("marshal", ("waterloo",))),
        ("Big Sandy Police Departement", ("police", ("big", "sandy"))),
        ("Kinney County Constable's Office", ("", ("kinney", "county", "constable", "office"))),
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


def test_typos_are_read_only_on_distinctive_words() -> None:
    assert role_typos("Big Sandy Police Departement") == ["Departement"] and role_typos("Largo PD") == []
    assert edit_distance("lampass", "lampasas") == 1 and edit_distance("berrian", "berrien") == 1
    assert one_word_typo(("lampass",), ("lampasas",)) == ("lampass", "lampasas", 1)
    assert one_word_typo(("port", "allen"), ("fort", "allen")) is None  # two real places
    assert one_word_typo(("troy",), ("tory",)) is None  # too short to tell a typo from another name
    assert one_word_typo(("union", "city"), ("union", "town")) is None
    assert one_word_typo(("berrian",), ("orleans",)) is None


def test_name_parts_colleges_and_county_qualifiers() -> None:
    assert name_parts("Texas Department of Public Safety - Texas Highway Patrol") == [
        "Texas Department of Public Safety",
        "Texas Highway Patrol",
    ]
    assert name_parts("Arkansas Department of Public Safety-Crime Information Center")[1] == "Crime Information Center"
    assert name_parts("Sarasota-Manatee Airport Authority") == ["Sarasota-Manatee Airport Authority"]
    assert college_of_board("District Board of Trustees of Pensacola State College") == "Pensacola State College"
    assert college_of_board("Florida A&M University Board of Trustees") == "Florida A&M University"
    assert college_of_board("Escambia County Board of County Commissioners") == ""
    counties = {"LUZERNE", "SAINT CLAIR"}
    assert county_qualified(("jackson", "township", "luzerne", "county"), counties) == (
        ("jackson", "township"),
        "LUZERNE",
    )
    assert county_qualified(("reno", "saint", "clair", "county"), counties) == (("reno",), "SAINT CLAIR")
    assert county_qualified(("luzerne", "county"), counties) is None


@pytest.mark.parametrize(
    ("name", "state_level", "kind"),
    [
        ("Texas National Guard", True, "National Guard or military department"),
        ("Bradley County Constable District 1", False, "constable"),
        ("Kinney County Constable's Office", False, "constable"),
        ("Pinal County Attorney's Office", False, "prosecutor"),
        (
            "Escambia County Board of County Commissioners/ Department of Corrections",
            False,
            "board of county commissioners",
        ),
        ("Grayson County Detention Center", False, "jail or county corrections department"),
        ("Utah Department of Corrections", True, "state corrections department"),
        ("Louisiana Department of Public Safety & Corrections", True, ""),  # partly the state police
        ("Orange County Sheriff's Office", False, ""),
    ],
)
def test_body_kinds(name: str, state_level: bool, kind: str) -> None:
    assert body_kind(name, state_level) == kind


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
        ("FL", "Lergo Police Department", "municipal", "Orange County"),  # a near name, but not in ICE's county
        ("TX", "Calhoun County Constable Precinct 1", "county", "Calhoun County"),
    ],
)
def test_unsure_matches_are_refused_with_a_reason(
    index: LeeIndex, state: str, name: str, agency_type: str, county: str
) -> None:
    m = index.match(state, name, agency_type, county)
    assert not m.found and m.reason


# Each rule beyond the same words: (state, ICE name, type, ICE county, expected ORIs, a phrase of ``how``).
RULES = [
    ("FL", "Lee County Port Authority Police", "county", "Lee County", {"FL0360400"}, "but for ICE's 'Police"),
    ("FL", "Sanford Airport Police Department", "municipal", "", {"FL0591000"}, "but for ICE's 'Police"),
    ("IN", "Waterloo Marshal's Office", "municipal", "DeKalb County", {"IN0170400"}, "town marshal"),
    ("LA", "LaSalle Parish Sheriff's Office", "county", "LaSalle Parish", {"LA0300000"}, "spacing"),
    ("PA", "Jackson Township Police Department", "municipal", "Luzerne County", {"PA0404100"}, "adds the county"),
    ("PA", "Mahoning TWP Police Department - Montour", "municipal", "Montour County", {"PA0470200"}, "'- Montour'"),
    ("PA", "Mahoning Township Police Department", "municipal", "Lawrence", {"PA0372000"}, "adds the county"),
    ("PA", "Mahanoy City Borough Police Department", "municipal", "Schuylkill County", {"PA0540500"}, "ICE adds"),
    ("TN", "Trousdale County Sheriff's Office", "county", "Trousdale County", {"TN0850000"}, "names the county"),
    ("TN", "Metropolitan Moore County Sheriff's Office", "county", "Moore County", {"TN0640000"}, "names the county"),
    ("TX", "Kinney County Constable's Office", "municipal", "Kinney County", {"TX1360100"}, "but for ICE's 'Office'"),
    ("MI", "Berrian County Sheriff's Office", "county", "Berrian County", {"MI1111100"}, "typo: ICE 'berrian'"),
    ("FL", "Largo Police Departent", "municipal", "", {"FL0520800"}, "'Departent' read as 'Department'"),
    ("FL", "Larga Police Department", "municipal", "Pinellas County", {"FL0520800"}, "typo"),
    (
        "FL",
        "District Board of Trustees of Pensacola State College",
        "state",
        "Escambia County",
        {"FL0179100"},
        "trustees",
    ),
    ("FL", "Florida A&M University Board of Trustees", "municipal", "", {"FL0370700"}, "trustees"),
    (
        "FL",
        "Florida Department of Highway Safety and Motor Vehicles, Division of Highway Patrol",
        "state",
        "",
        {"FL0379000", "FL0219000", "FL0499000"},
        "the division ICE names",
    ),
    (
        "FL",
        "Florida Department of Environmental Protection, Division of Law Enforcement",
        "state",
        "",
        {"FL037A20X"},
        "but for 'Department/Division/Office'",
    ),
    ("FL", "Office of Agricultural Law Enforcement", "state", "", {"FLDOA0300"}, "the unit the FBI names"),
    ("TX", "Texas Department of Public Safety - Texas Highway Patrol", "state", "", {"TX0000000"}, "its department"),
    ("MO", "Missouri Highway Patrol", "state", "", {"MOMHP0000"}, "the word 'State'"),
    ("OK", "Oklahoma Bureau of Investigation", "state", "", {"OKOBI0000"}, "the word 'State'"),
    ("AR", "Arkansas Department of Public Safety", "state", "", {"ARASP0000"}, "only State Police"),
    ("GA", "Georgia Department of Public Safety", "state", "", {"GAGSP0000", "GAGSP3500"}, "only State Police"),
    ("TN", "Tennessee Department of Safety and Homeland Security", "state", "", {"TNTHP0100"}, "before 'and'"),
    ("TN", "Tennessee Department of Corrections", "state", "", {"TN019410X"}, "name without state"),
    (
        "WV",
        "West Virginia State Police Department",
        "state",
        "Washington County",  # ICE's cell; a state police works statewide
        {"WVWSP0000", "WVWSP3600", "WVWSP0100"},
        "several units",
    ),
]


@pytest.mark.parametrize(("state", "name", "agency_type", "county", "oris", "how"), RULES)
def test_each_rule_matches_and_says_how(
    index: LeeIndex, state: str, name: str, agency_type: str, county: str, oris: set[str], how: str
) -> None:
    assert oris <= {r["ori"] for r in lee_rows()}, "fixture lacks the row"
    m = index.match(state, name, agency_type, county)
    assert m.found, m.reason
    assert {a.ori for a in m.lee} == oris and how in m.how, m.how


# The near names each rule must refuse: another county, a township for a town, a board for the sheriff …
NEAR_MISSES = [
    ("FL", "Sanford Airport Police Department", "municipal", "Orange County", "the FBI's namesake is elsewhere"),
    ("IN", "Waterloo Marshal's Office", "municipal", "", "ICE gives none"),
    ("IN", "Waterloo Marshal's Office", "municipal", "Hendricks County", "the FBI's namesake is elsewhere"),
    ("LA", "LaSalle Police Department", "municipal", "LaSalle Parish", ""),  # a town's police is not the sheriff
    ("PA", "Jackson Township Police Department", "municipal", "Butler County", "ICE's county picks none"),
    ("PA", "Jackson Township Police Department", "municipal", "", "ICE's county picks none"),
    ("PA", "Mahanoy City Borough Police Department", "municipal", "", ""),  # no county to confirm it
    ("PA", "Mahanoy City Township Police Department", "municipal", "Schuylkill County", ""),  # township ≠ borough
    ("TN", "Hartsville Police Department", "municipal", "Trousdale County", ""),  # the county's record, not a town's
    ("TN", "Trousdale County Board of County Commissioners", "county", "Trousdale County", NOT_LISTED),
    ("TX", "Calhoun County Constable's Office", "municipal", "Calhoun County", "several FBI agencies fit"),
    ("TX", "Calhoun County Constable Precinct 1", "county", "Calhoun County", "without precinct numbers"),
    ("MI", "Berrian County Sheriff's Office", "county", "Cass County", ""),  # ICE's county does not agree
    ("FL", "Kenneth Town Police Department", "municipal", "Pinellas County", ""),  # town ≠ city, not a typo
    (
        "FL",
        "Escambia County Board of County Commissioners/ Department of Corrections",
        "county",
        "Escambia County",
        NOT_LISTED,
    ),
    ("FL", "Florida Department of Corrections", "state", "", "only a unit of it"),
    ("FL", "Florida A&M State University", "state", "", ""),  # "State" tells universities apart
    ("FL", "University of South Florida Police Department", "state", "Orange County", "namesake is elsewhere"),
    ("AR", "Arkansas Department of Public Safety-Crime Information Center", "state", "", ""),
    ("LA", "Louisiana Department of Public Safety & Corrections", "state", "", ""),
    ("TX", "Texas National Guard", "state", "", NOT_LISTED),
    ("TN", "Bradley County Constable District 1", "county", "Bradley County", NOT_LISTED),
]


@pytest.mark.parametrize(("state", "name", "agency_type", "county", "reason"), NEAR_MISSES)
def test_near_names_are_refused(
    index: LeeIndex, state: str, name: str, agency_type: str, county: str, reason: str
) -> None:
    m = index.match(state, name, agency_type, county)
    assert not m.found and m.reason, m.how
    assert reason in m.reason
    assert m.reason.startswith(NOT_LISTED) == bool(m.kind)


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
    # The jail is a kind of body the FBI's table does not list: the second rate leaves it out.
    assert built.summary["not_listed"] == 1
    assert built.summary["not_listed_kinds"] == {"jail or county corrections department": 1}
    assert jail.unmatched.startswith(NOT_LISTED)
    assert "of the 5 agencies that could be in it, 5 matched (100.0%)" in text
    assert text.index("Not FBI-reporting agencies (1;") < text.index("Pinellas County Jail Annex")


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


def test_county_record_goes_to_the_county_police_when_ice_lists_both(tmp_path: Path) -> None:
    # In Nassau County, NY the FBI's county record (2,591 officers) is the county police department's.
    from agencyref.roster.model import Agreement
    from agencyref.roster.places.build import build
    from agencyref.roster.places.lee import read_lee

    lee_csv = tmp_path / "lee.csv"
    lee_csv.write_text(
        "ori,data_year,pub_agency_name,state_abbr,county_name,agency_type_name,population,officer_ct,civilian_ct,"
        "total_pe_ct,pe_ct_per_1000\nNY0290000,2025,Nassau,NY,NASSAU,County,1091921,2591,835,3426,3.14\n",
        encoding="utf-8",
    )

    def agreement(name: str) -> Agreement:
        return Agreement(
            state="NY", agency=name, agency_type="county", county="Nassau County", model="tfm", status="participating"
        )

    alone = build([agreement("Nassau County Sheriff's Office")], read_lee(lee_csv))
    assert alone.places["NY"]["ny/nassau-county-sheriffs-office"].ori == "NY0290000"  # nothing else to give it to
    both = build(
        [agreement("Nassau County Sheriff's Office"), agreement("Nassau County Police Department")], read_lee(lee_csv)
    )
    assert both.places["NY"]["ny/nassau-county-police-department"].ori == "NY0290000"
    sheriff = both.places["NY"]["ny/nassau-county-sheriffs-office"]
    assert not sheriff.ori and "county police" in sheriff.unmatched
