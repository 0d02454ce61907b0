"""Import ICE's 287(g) spreadsheets into a roster.

ICE publishes two workbooks at https://www.ice.gov/identify-and-arrest/287g: the participating
agencies (one row per signed agreement) and the pending requests. The sheets are hand-kept and
untidy; the importer reads them (``.xlsx`` or a ``.csv`` export of the same columns), cleans every
value and never drops a row silently: whatever cannot be read is kept as-is and reported.

One module per job: ``cells`` (one cell's text → a clean value), ``sheets`` (a file → rows,
bounded), ``build`` (rows → agreements and the import report), ``diff`` (two rosters → changes).
"""

from agencyref.roster.ice287g.build import agreement_sort_key, date_from_filename, import_sheets
from agencyref.roster.ice287g.cells import (
    SOURCE_URL,
    LinkResult,
    agency_type_key,
    clean_text,
    model_key,
    parse_link,
    parse_signed,
    unwrap_safelinks,
)
from agencyref.roster.ice287g.diff import RosterDiff, diff_rosters, diff_to_dict
from agencyref.roster.ice287g.sheets import ImportReport, ImportResult, ImportWarning, report_to_dict

__all__ = [
    "SOURCE_URL",
    "ImportReport",
    "ImportResult",
    "ImportWarning",
    "LinkResult",
    "RosterDiff",
    "agency_type_key",
    "agreement_sort_key",
    "clean_text",
    "date_from_filename",
    "diff_rosters",
    "diff_to_dict",
    "import_sheets",
    "model_key",
    "parse_link",
    "parse_signed",
    "report_to_dict",
    "unwrap_safelinks",
]
