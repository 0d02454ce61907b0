"""Documents answered from the knowledge file alone (and program 287g's roster part): agencies,
programs, the reference lists, info, the whole export and one bare value."""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from agencyref.knowledge import model as m
from agencyref.knowledge.model import PartialDate, Stance
from agencyref.present.results.base import Bare, Count, Result, SourceRef, Strict, either
from agencyref.present.results.roster import ProgramHistory, ProgramRoster
from agencyref.roster.model import Agreement, Summary

# ---- agencies and programs ----------------------------------------------------------------


class AspectValue(Strict, frozen=True, kw_only=True):
    text: str
    sources: list[str]


AspectKey = Literal[
    "level",
    "parent",
    "established",
    "legal_basis",
    "geographic_jurisdiction",
    "subject_matter_jurisdiction",
    "mission",
    "typical_cases",
    "arrest_powers",
    "warrants",
    "detention",
    "oversight",
    "size",
    "immigration_role",
    "community_role",
]


class ComparedAgency(Strict, frozen=True, kw_only=True):
    key: str
    name: str
    aspects: dict[AspectKey, AspectValue]


class Comparison(Result, frozen=True, kw_only=True, tag="comparison"):
    agencies: list[ComparedAgency]
    aspects: list[AspectKey]


class AgencyProfile(Result, frozen=True, kw_only=True, tag="agency"):
    agency: m.Agency
    component: m.Component | UnsetType = UNSET  # when a component was asked for


class ListedAgency(Strict, frozen=True, kw_only=True):
    key: str
    name: str
    level: m.Level
    aliases: list[str]


class AgencyList(Result, frozen=True, kw_only=True, tag="agency_list"):
    agencies: list[ListedAgency]


class ListedProgram(Strict, frozen=True, kw_only=True):
    key: str
    name: str
    kind: str
    aliases: list[str]


class ProgramList(Result, frozen=True, kw_only=True, tag="program_list"):
    programs: list[ListedProgram]


class ProgramProfile(Result, frozen=True, kw_only=True, tag="program"):
    program: m.Program
    roster: ProgramRoster | UnsetType = UNSET  # 287(g), when a roster could be read
    history: ProgramHistory | UnsetType = UNSET  # 287(g) as a whole, when the history could be read


# ---- jurisdiction without the roster, and the reference lists -------------------------------


class StateRow(Strict, frozen=True, kw_only=True):
    code: str
    name: str
    stance: Stance
    laws: Count


class StateList(Result, frozen=True, kw_only=True, tag="state_list"):
    states: list[StateRow]


class AgencyReach(Strict, frozen=True, kw_only=True):
    key: str
    name: str
    level: m.Level
    geographic_jurisdiction: m.Fact
    subject_matter_jurisdiction: m.Fact
    immigration_role: m.Fact


class HandledMatter(Strict, frozen=True, kw_only=True):
    key: str
    role: Literal["primary", "supporting"]


class AgencyJurisdiction(Result, frozen=True, kw_only=True, tag="agency_jurisdiction"):
    agency: AgencyReach
    matters: list[HandledMatter]


class Case(Result, frozen=True, kw_only=True, tag="case"):
    query: str
    matters: list[m.Matter]


class Glossary(Result, frozen=True, kw_only=True, tag="glossary"):
    terms: list[m.Term]


class TermResult(Result, frozen=True, kw_only=True, tag="term"):
    term: m.Term
    see: str | UnsetType = UNSET  # for a word that names a program, agency or case type: the command to read more


class TimelineResult(Result, frozen=True, kw_only=True, tag="timeline"):
    events: list[m.Event]


class SearchHit(Strict, frozen=True, kw_only=True):
    kind: Literal["agency", "component", "program", "matter", "term", "state", "event"]
    key: str
    name: str
    score: float
    snippet: str


class Search(Result, frozen=True, kw_only=True, tag="search"):
    query: str
    results: list[SearchHit]


class SourceResult(Result, frozen=True, kw_only=True, tag="source"):
    source: SourceRef
    cited_by: list[str]  # "agency ice", "event 2003-03-01 ICE begins operations"


class SourceList(Result, frozen=True, kw_only=True, tag="source_list"):
    sources_list: list[SourceRef]


class Coverage(Strict, frozen=True, kw_only=True):
    agencies: Count
    components: Count
    programs: Count
    contested_programs: Count
    matters: Count
    states: Count
    states_with_laws: Count
    terms: Count
    events: Count
    sources: Count
    official_sources: Count  # the government's or a court's own pages (copies elsewhere counted as copies)
    # sources by what they are (knowledge.sourcekinds.label), one key per label present
    sources_official: Count | UnsetType = UNSET
    sources_court: Count | UnsetType = UNSET
    sources_copy: Count | UnsetType = UNSET
    sources_research: Count | UnsetType = UNSET
    sources_news: Count | UnsetType = UNSET
    sources_advocacy: Count | UnsetType = UNSET
    sources_reference: Count | UnsetType = UNSET
    sources_commercial: Count | UnsetType = UNSET


class InfoRoster(Strict, frozen=True, kw_only=True):
    """The roster in use (``roster.store.roster_info``), or why it could not be read (``error``)."""

    path: str
    origin: Literal["override", "user", "bundled"]
    as_of: PartialDate | UnsetType = UNSET
    source_url: str | UnsetType = UNSET
    source_files: list[str] | UnsetType = UNSET
    agreements: Count | UnsetType = UNSET
    agencies: Count | UnsetType = UNSET
    pending: Count | UnsetType = UNSET
    age_days: int | UnsetType | None = UNSET
    error: str | UnsetType = UNSET


class DatedFigure(Strict, frozen=True, kw_only=True):
    entry: str
    label: str
    value: str  # "6,000 employees"
    as_of: PartialDate


class Info(Result, frozen=True, kw_only=True, tag="info"):
    version: str
    knowledge_file: str
    newest_source_date: PartialDate | Literal[""]
    newest_event_date: PartialDate | Literal[""]
    coverage: Coverage
    roster: InfoRoster | None
    dated_figures: list[DatedFigure]


# ---- the whole reference, and one bare value ------------------------------------------------


class ExportRoster(Strict, frozen=True, kw_only=True):
    as_of: PartialDate
    source_url: str
    source_files: list[str]
    summary: Summary | None
    agreements: list[Agreement]


class Export(Bare, frozen=True, kw_only=True, tag="export"):
    """``export --format json``: every record of the knowledge file, and ICE's list when one could be read."""

    meta: m.Meta
    agencies: list[m.Agency]
    programs: list[m.Program]
    matters: list[m.Matter]
    states: list[m.State]
    terms: list[m.Term]
    events: list[m.Event]
    sources: list[SourceRef]
    roster: ExportRoster | UnsetType = UNSET


# `get NAME FIELD --json`: the field's value, whatever it is in the knowledge file's records.
GetValue = either(
    "GetValue",
    str,
    float,
    bool,
    list[str],
    m.Fact,
    list[m.Fact],
    m.Figure,
    list[m.Figure],
    m.Established,
    m.Component,
    list[m.Component],
    m.Variant,
    list[m.Variant],
    m.Argument,
    list[m.Argument],
    m.StateLaw,
    list[m.StateLaw],
)

# Every kind, in the order `agencyref schema --list` shows them.
