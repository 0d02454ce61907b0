"""Typed records of ICE's 287(g) roster, and the one table of the three 287(g) models."""

from typing import Literal

import msgspec

from agencyref.knowledge.model import ModelKey, PartialDate, Record
from agencyref.text import squash

AgencyType = Literal["county", "municipal", "state", "federal", "tribal", "other", "unknown"]


class Agreement(Record, frozen=True, kw_only=True):
    """One 287(g) agreement (or pending request) as listed on ICE's sheet."""

    state: str  # USPS code, or "" when the sheet's state could not be read
    agency: str
    agency_type: AgencyType
    county: str
    model: ModelKey | Literal["unknown"]
    status: Literal["participating", "pending"]
    signed: str | None = None  # ISO date; None when absent or malformed
    signed_raw: str | None = None  # the sheet's text when it could not be read as a date
    moa_url: str | None = None
    moa_status: Literal["link", "pending", "none"] = "none"
    addendum_url: str | None = None
    sheet: str = ""  # file the row came from
    row: int = 0  # 1-based row number in that sheet


class Roster(Record, frozen=True, kw_only=True):
    schema_version: int
    as_of: PartialDate
    source_url: str
    source_files: list[str]
    agreements: list[Agreement]


class Summary(Record, frozen=True, kw_only=True):
    """Counts over a set of agreements. Agreements and agencies are counted separately."""

    agreements: int  # participating agreements
    agencies: int  # distinct participating agencies
    pending_agreements: int
    by_model: dict[str, int]
    by_agency_type: dict[str, int]
    agencies_by_model: dict[str, int]


# ---- the three 287(g) models: one table, one parser ------------------------------------------


class ModelInfo(msgspec.Struct, frozen=True):
    key: ModelKey
    name: str  # ICE's name, as in its sheets
    aliases: tuple[str, ...]  # other ways people and sheets write it


MODELS: dict[str, ModelInfo] = {
    "jem": ModelInfo("jem", "Jail Enforcement Model", ("jail", "jail enforcement", "jail model")),
    "tfm": ModelInfo("tfm", "Task Force Model", ("task force", "taskforce")),
    "wso": ModelInfo(
        "wso",
        "Warrant Service Officer",
        ("warrant service", "warrant service officers", "warrant service officer program", "warrant service model"),
    ),
}
MODEL_KEYS: tuple[ModelKey, ...] = ("jem", "tfm", "wso")


_BY_FOLDED: dict[str, ModelKey] = {
    squash(word): info.key for info in MODELS.values() for word in (info.key, info.name, *info.aliases)
}


def parse_model(text: str) -> ModelKey | None:
    """``'Task Force Model '``, ``'tfm'``, ``'jail'`` → the model's key; anything else → None."""
    return _BY_FOLDED.get(squash(text))


def model_name(key: str) -> str:
    info = MODELS.get(key)
    return info.name if info else key
