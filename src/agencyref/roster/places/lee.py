"""Read the FBI's Law Enforcement Employees (LEE) table: one row per agency (ORI).

Columns used: ``ori, data_year, pub_agency_name, state_abbr, county_name, agency_type_name,
population, officer_ct, civilian_ct``. County names are upper case and comma-separated when an
agency spans several counties (``"JEFFERSON, SHELBY"``); names may end in a colon.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import msgspec

from agencyref.errors import DataError, Problem

REQUIRED = ("ori", "pub_agency_name", "state_abbr", "county_name", "agency_type_name")
# The FBI's own codes where they differ from USPS: Nebraska is "NB", Guam "GM" ("FS" is federal: kept, unplaced).
STATE_FIXES = {"NB": "NE", "GM": "GU"}
NO_COUNTY = frozenset({"", "NOT SPECIFIED", "NULL", "UNMAPPED COUNTY"})


class LeeAgency(msgspec.Struct, frozen=True):
    ori: str
    name: str  # as published, trailing colon and spaces removed
    state: str
    counties: tuple[str, ...]  # upper case, as published
    type: str  # City, County, University or College, State Police, Other State Agency, Tribal, Other, Federal
    year: int | None
    population: int | None
    officers: int | None
    civilians: int | None


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    try:
        return int(float(text)) if text and text.upper() != "NULL" else None
    except ValueError:
        return None


def parse_lee(text: str, file: str = "LEE") -> list[LeeAgency]:
    """Rows of a LEE CSV; a file without the needed columns is a :class:`DataError`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError([Problem(file, 1, "", f"not an FBI LEE table: no column {', '.join(missing)}")])
    out = []
    for row in reader:
        state = (row["state_abbr"] or "").strip().upper()
        counties = tuple(
            c for c in (part.strip().upper() for part in (row["county_name"] or "").split(",")) if c not in NO_COUNTY
        )
        out.append(
            LeeAgency(
                ori=row["ori"].strip(),
                name=(row["pub_agency_name"] or "").strip().rstrip(":,").strip(),
                state=STATE_FIXES.get(state, state),
                counties=counties,
                type=(row["agency_type_name"] or "").strip(),
                year=_int(row.get("data_year")),
                population=_int(row.get("population")),
                officers=_int(row.get("officer_ct")),
                civilians=_int(row.get("civilian_ct")),
            )
        )
    return out


def read_lee(path: Path) -> list[LeeAgency]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), None, "", f"cannot read: {exc}")]) from exc
    return parse_lee(text, str(path))
