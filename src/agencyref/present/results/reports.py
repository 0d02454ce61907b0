"""287(g) through time (history, changes), and the reports of import-287g and update."""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from agencyref.knowledge.model import PartialDate
from agencyref.present.results.base import Bare, Count, ModelOrUnknown, Result, Strict

# ---- 287(g) through time -------------------------------------------------------------------


class Point(Strict, frozen=True, kw_only=True):
    """Agreements listed on one date: the total, and per model or agency type with ``--by``."""

    date: PartialDate
    total: Count
    jem: Count | UnsetType = UNSET
    tfm: Count | UnsetType = UNSET
    wso: Count | UnsetType = UNSET
    county: Count | UnsetType = UNSET
    municipal: Count | UnsetType = UNSET
    state: Count | UnsetType = UNSET
    federal: Count | UnsetType = UNSET
    tribal: Count | UnsetType = UNSET
    other: Count | UnsetType = UNSET
    unknown: Count | UnsetType = UNSET


class History(Result, frozen=True, kw_only=True, tag="history_287g"):
    key: Literal["287g"]
    state: str | None
    by: Literal["model", "type"] | None
    period: Literal["week", "month"]
    as_of: PartialDate
    history_origin: str
    points: list[Point]
    peak: Count


class ChangeCounts(Strict, frozen=True, kw_only=True):
    added: Count
    ended: Count
    changed: Count


class Change(Strict, frozen=True, kw_only=True):
    change: Literal["added", "ended", "changed"]
    state: str
    agency: str
    agency_type: str
    model: str
    fields: dict[str, tuple[str | None, str | None]]  # field -> (before, after)


class PlainCounts(Strict, frozen=True, kw_only=True):
    """Set arithmetic on the two participating lists (state + agency + model), redoable from the sheets."""

    before: Count
    after: Count
    joined: Count
    left: Count
    renamed: Count


class Changes(Result, frozen=True, kw_only=True, tag="changes_287g"):
    key: Literal["287g"]
    since: PartialDate
    until: PartialDate
    counts: ChangeCounts
    participating: PlainCounts
    changes: list[Change]


# ---- importing and updating ICE's list ------------------------------------------------------


class SheetWarning(Strict, frozen=True, kw_only=True):
    sheet: str
    row: Count  # 0: about the whole import
    message: str


class ImportCounts(Strict, frozen=True, kw_only=True):
    """``roster.ice287g.ImportReport`` as ``report_to_dict`` writes it."""

    rows_read: Count
    blank_rows: Count
    agreements_written: Count
    participating: Count
    pending: Count
    distinct_agencies: Count
    per_model: dict[str, Count]
    per_model_pending: dict[str, Count]
    moa_links: Count
    moa_safelinks: Count
    addendum_links: Count
    addendum_safelinks: Count
    malformed_dates: Count
    county_placeholders: Count
    warnings: list[SheetWarning]


class AgreementBrief(Strict, frozen=True, kw_only=True):
    state: str
    agency: str
    model: ModelOrUnknown
    status: Literal["participating", "pending"]
    signed: PartialDate | None


DiffField = Literal["signed", "moa_url", "moa_status", "addendum_url", "county", "agency_type"]


class AgreementChanged(AgreementBrief, frozen=True, kw_only=True):
    fields: list[DiffField]
    old: dict[DiffField, str | None]
    new: dict[DiffField, str | None]


class RosterChanges(Strict, frozen=True, kw_only=True):
    """``roster.ice287g.diff_to_dict``."""

    added: list[AgreementBrief]
    removed: list[AgreementBrief]
    changed: list[AgreementChanged]


class HistoryIngest(Strict, frozen=True, kw_only=True):
    """``roster.history.ingest.IngestReport``: what joined your history."""

    snapshots_added: list[str]
    duplicates: list[str]
    notes: list[str]
    roster_written: str | None
    kept_pending: Count | None
    history_path: str
    changes: dict[str, dict[Literal["added", "ended", "changed"], Count]]


class Imported(Strict, frozen=True, kw_only=True):
    as_of: PartialDate
    source_url: str
    source_files: list[str]
    written_to: str | None
    report: ImportCounts
    changes: RosterChanges | None
    previous_as_of: PartialDate | None
    history: HistoryIngest | UnsetType = UNSET  # the same list's entry in your history


class ImportReport(Bare, frozen=True, kw_only=True, tag="import_report"):
    """``import-287g --json`` (written by the command itself: no ``sources``); the fields of ``Imported``."""

    as_of: PartialDate
    source_url: str
    source_files: list[str]
    written_to: str | None
    history: HistoryIngest | None  # when the sheets joined your history (no --output)
    report: ImportCounts
    changes: RosterChanges | None
    previous_as_of: PartialDate | None
    kept_pending: Count | None  # pending requests kept from the roster in use (a participating sheet alone)


class Snapshot(Imported, frozen=True, kw_only=True):
    """One list imported by ``update`` (``roster.update.into_roster``)."""

    became_current: bool


class FetchedSheet(Strict, frozen=True, kw_only=True):
    kind: Literal["participating", "pending"]
    location: str
    bytes: Count
    not_modified: bool


class UpdateReport(Result, frozen=True, kw_only=True, tag="update_report"):
    status: Literal["updated", "current", "not-newer", "newer-available"]
    source: str
    list_as_of: PartialDate | None
    in_use_as_of: PartialDate | None
    sheets: list[FetchedSheet]
    snapshots: list[Snapshot]
    notes: list[str]
