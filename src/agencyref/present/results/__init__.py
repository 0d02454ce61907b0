"""The typed shape of every JSON document agencyref prints, one Struct per ``kind``.

These types describe what the views put in ``Document.data`` (plus the envelope that
``render/data.py`` adds: ``schema_version``, ``kind``, ``data_as_of``, ``sources``), and what
the commands that write JSON themselves (import-287g, export, get) print. ``present/schema.py``
turns them into the published JSON Schemas (``agencyref schema KIND``, ``docs/schemas/``).

Every Struct forbids unknown fields, so its schema says ``additionalProperties: false``.
Records of the knowledge file and of the roster are reused where a document embeds them whole.
Where a value is one of several object or array types (which a msgspec union cannot say),
``Either`` names the alternatives and the schema generator writes them as ``anyOf``.
"""

from typing import Any

from agencyref.present.results import reference, reports, roster
from agencyref.present.results.base import Either, Result, either

__all__ = ["RESULTS", "Either", "Result", "either"]

# Every kind, in the order `agencyref schema --list` shows them.
RESULTS: dict[str, Any] = {
    "comparison": reference.Comparison,
    "agency": reference.AgencyProfile,
    "agency_list": reference.AgencyList,
    "program": reference.ProgramProfile,
    "program_list": reference.ProgramList,
    "state": roster.StateProfile,
    "state_list": reference.StateList,
    "county": roster.County,
    "city": roster.City,
    "roster_agency": roster.RosterAgency,
    "brief": roster.Brief,
    "agency_jurisdiction": reference.AgencyJurisdiction,
    "by_state": roster.ByState,
    "case": reference.Case,
    "glossary": reference.Glossary,
    "term": reference.TermResult,
    "timeline": reference.TimelineResult,
    "search": reference.Search,
    "source": reference.SourceResult,
    "source_list": reference.SourceList,
    "info": reference.Info,
    "history_287g": reports.History,
    "changes_287g": reports.Changes,
    "import_report": reports.ImportReport,
    "update_report": reports.UpdateReport,
    "export": reference.Export,
    "roster": roster.RosterExport,
    "roster_history": roster.RosterHistory,
    "get": reference.GetValue,
}
