"""The place documents of `jurisdiction`: a state, county, city or agency on ICE's 287(g) list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import msgspec
from msgspec import UNSET, UnsetType

from agencyref.knowledge import model as m
from agencyref.knowledge.model import PartialDate, Stance
from agencyref.present.results.base import Count, ModelOrUnknown, Result, Strict, either
from agencyref.roster.model import AgencyType, Agreement

# ---- ICE's roster, as the place documents show it ----------------------------------------


class RosterMeta(Strict, frozen=True, kw_only=True):
    """Which list of ICE's a document counted (``views/roster.py`` ``_meta``)."""

    as_of: PartialDate
    source_url: str
    source_files: list[str]
    origin: str


class RosterCounts(RosterMeta, frozen=True, kw_only=True):
    """The list's identity and the counts of ``roster.model.Summary`` over the agreements shown."""

    agreements: Count
    agencies: Count
    pending_agreements: Count
    by_model: dict[str, Count]
    by_agency_type: dict[str, Count]
    agencies_by_model: dict[str, Count]


class StateCount(Strict, frozen=True, kw_only=True):
    """``roster.query.StateCount``."""

    state: str
    agreements: Count
    agencies: Count
    per_model: dict[str, Count]


class ProgramRoster(RosterCounts, frozen=True, kw_only=True):
    top_states: list[StateCount]


class MonthCount(Strict, frozen=True, kw_only=True):
    date: PartialDate
    agreements: Count


class NewerTotal(Strict, frozen=True, kw_only=True):
    as_of: PartialDate
    value: float
    label: str


class ProgramHistory(Strict, frozen=True, kw_only=True):
    source: str
    from_: PartialDate = msgspec.field(name="from")
    to: PartialDate
    monthly: list[MonthCount]
    newer_sourced_totals: list[NewerTotal]


class ListedAgreement(Agreement, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An agreement with when ICE's weekly lists first and last showed it, and when it left them."""

    first_listed: PartialDate | None
    last_listed: PartialDate | None
    ended: PartialDate | None


class AgencyPlace(Strict, frozen=True, kw_only=True):
    """``roster.places.store.AgencyPlace`` (fields at their defaults are left out)."""

    name: str
    state: str
    counties: list[str] = []  # noqa: RUF012 (msgspec copies defaults)
    county_from: Literal["fbi", "ice", ""] = ""
    statewide: bool = False
    ori: str = ""
    units: Count = 0
    fbi_name: str = ""
    fbi_type: str = ""
    fbi_year: Count = 0
    population: Count | None = None
    officers: Count | None = None
    civilians: Count | None = None
    how: str = ""
    unmatched: str = ""
    note: str = ""


class PlacedAgency(Strict, frozen=True, kw_only=True):
    key: str
    state: str
    name: str
    counties: list[str]
    placement: AgencyPlace | None


class StateLaw(Strict, frozen=True, kw_only=True):
    """The state's stance and summary, or nulls when the knowledge file has no entry for it."""

    stance: Stance | None
    summary: str | None


class StateCode(Strict, frozen=True, kw_only=True):
    """A state on ICE's list that the knowledge file has no entry for."""

    code: str


if TYPE_CHECKING:
    StateEntry = m.State | StateCode
else:
    StateEntry = either("StateEntry", m.State, StateCode)


class StateProfile(Result, frozen=True, kw_only=True, tag="state"):
    state: StateEntry
    # the rest only when a roster could be read
    roster: RosterCounts | UnsetType = UNSET
    agreements: list[ListedAgreement] | UnsetType = UNSET
    agencies: list[PlacedAgency] | UnsetType = UNSET
    population_policed: Count | UnsetType = UNSET


class Area(Strict, frozen=True, kw_only=True):
    state: str
    name: str
    counties: list[str]


class AreaResult(Result, frozen=True, kw_only=True):
    roster: RosterCounts
    agencies: list[PlacedAgency]
    own_police: list[str]  # keys of the city's own police (always empty for a county)
    statewide_agencies: list[str]
    population_policed: Count
    state_law: StateLaw
    agreements: list[ListedAgreement]


class County(AreaResult, frozen=True, kw_only=True, tag="county"):
    county: Area


class City(AreaResult, frozen=True, kw_only=True, tag="city"):
    city: Area


class RosterAgencyName(Strict, frozen=True, kw_only=True):
    key: str
    state: str
    name: str


class RosterAgency(Result, frozen=True, kw_only=True, tag="roster_agency"):
    agency: RosterAgencyName
    placement: AgencyPlace | None
    roster: RosterCounts
    state_law: StateLaw
    agreements: list[ListedAgreement]


class BriefAgreement(Strict, frozen=True, kw_only=True):
    model: ModelOrUnknown
    signed: PartialDate | None
    moa_url: str | None


class BriefAgency(Strict, frozen=True, kw_only=True):
    key: str
    name: str
    agreements: list[BriefAgreement]


class BriefPlace(Strict, frozen=True, kw_only=True):
    name: str
    state: str
    counties: list[str]


class Brief(Result, frozen=True, kw_only=True, tag="brief"):
    place: BriefPlace
    as_of: PartialDate
    text: str
    agencies: list[BriefAgency]
    population_policed: Count


class Filters(Strict, frozen=True, kw_only=True):
    model: ModelOrUnknown | None
    agency_type: AgencyType | None


class ByState(Result, frozen=True, kw_only=True, tag="by_state"):
    roster: RosterMeta
    filters: Filters
    states: list[StateCount]


# ---- agencyref roster: the flat export ----------------------------------------------------------


class RosterRow(Strict, frozen=True, kw_only=True):
    """One agreement as `agencyref roster` exports it: one column per field, null for missing values."""

    state: str
    agency_key: str
    agency: str
    agency_type: str
    county: str | None
    county_from: str | None
    ori: str | None
    population: Count | None
    model: ModelOrUnknown
    status: Literal["participating", "pending"]
    signed: PartialDate | None
    signed_raw: str | None
    moa_url: str | None
    moa_status: Literal["link", "pending", "none"]
    addendum_url: str | None
    first_listed: PartialDate | None
    last_listed: PartialDate | None
    ended: PartialDate | None
    sheet: str | None
    row: Count | None


class RosterExport(Result, frozen=True, kw_only=True, tag="roster"):
    as_of: PartialDate
    source_url: str
    source_files: list[str]
    state: str | None
    columns: list[str]
    agreements: list[RosterRow]


class HistoryRow(Strict, frozen=True, kw_only=True):
    """One agreement ever on ICE's lists (`agencyref roster --history`)."""

    state: str
    agency_key: str
    agency: str
    agency_type: str
    county: str | None
    model: ModelOrUnknown
    first_listed: PartialDate
    last_listed: PartialDate
    ended: PartialDate | None
    listed_now: bool


class RosterHistory(Result, frozen=True, kw_only=True, tag="roster_history"):
    from_: PartialDate = msgspec.field(name="from")
    to: PartialDate
    state: str | None
    columns: list[str]
    agreements: list[HistoryRow]
