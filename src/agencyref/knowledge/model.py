"""Typed records of the knowledge file.

Every record is a frozen ``msgspec.Struct`` that rejects unknown fields, so a
typo in ``data/agencies.yaml`` is an error, not a silently ignored key.
Dates are kept as ISO strings (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)
because many historical facts are only known to the year.
"""

from typing import Annotated, Literal

import msgspec

SCHEMA_VERSION = 1

# A full or partial ISO date: 1933, 1933-06, 1933-06-10.
PartialDate = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
        description="ISO date, full or partial: YYYY, YYYY-MM or YYYY-MM-DD",
    ),
]
Key = Annotated[
    str,
    msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="lower-case identifier"),
]
SourceIds = Annotated[list[Key], msgspec.Meta(min_length=1, description="ids of the sources behind this fact")]
Text = Annotated[str, msgspec.Meta(min_length=1)]

SourceKind = Literal[
    "statute", "regulation", "court", "government", "research", "news", "advocacy", "dataset", "reference", "commercial"
]
Side = Literal["for", "against"]
Level = Literal["federal", "state", "county", "municipal", "special", "tribal", "historical"]
Stance = Literal["limits", "requires", "mixed", "none_recorded"]
LawEffect = Literal["limits", "requires", "other"]
LawStatus = Literal[
    "in_force",
    "partly_blocked",
    "blocked",
    "repealed",
    "rescinded",
    "expired",
    "superseded",
    "vetoed",
    "failed",
    "pending",
]
# Statuses of measures that are not (or never became) law: listed for context, never counted toward a stance.
NOT_LAW: frozenset[str] = frozenset({"vetoed", "failed", "pending"})
LawKind = Literal[
    "statute", "executive_order", "ag_opinion", "court_ruling", "regulation", "agreement", "ordinance", "policy", "bill"
]
Qualifier = Literal["at_least", "about", "at_most"]
ModelKey = Literal["jem", "tfm", "wso"]


class Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base for every record: immutable, strict about field names."""


class Source(Record, frozen=True, kw_only=True):
    id: Key
    title: Text
    publisher: Text
    url: Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$")]
    kind: SourceKind
    published: PartialDate | None = None
    accessed: PartialDate | None = None
    note: str | None = None
    # Set when the URL is a copy hosted by someone else: whose document it is (e.g. "DHS press release").
    copy_of: str | None = None
    # For advocacy sources on a contested question: which side the publisher takes.
    side: Side | None = None

    @property
    def date(self) -> str | None:
        return self.published or self.accessed


class Fact(Record, frozen=True, kw_only=True):
    """One sourced statement."""

    text: Text
    sources: SourceIds


class Established(Record, frozen=True, kw_only=True):
    date: PartialDate
    law: str | None = None
    sources: SourceIds

    def __str__(self) -> str:  # print(ref.agency("ice").established) -> 2003-03-01
        return self.date


class Figure(Record, frozen=True, kw_only=True):
    """A count or amount, always with its unit and as-of date."""

    label: Text
    value: float
    unit: Text
    as_of: PartialDate
    qualifier: Qualifier | None = None  # "at_least" for a lower bound ("over 1,500"), "about" for an estimate
    model: ModelKey | None = None  # set when the figure counts one 287(g) model only
    sources: SourceIds
    note: str | None = None


class Argument(Record, frozen=True, kw_only=True):
    """One side's argument, attributed to whoever makes it."""

    claim: Text
    by: Text
    sources: SourceIds


class Component(Record, frozen=True, kw_only=True):
    key: Key
    name: Text
    aliases: list[str] = []
    summary: Text
    sources: SourceIds


class Agency(Record, frozen=True, kw_only=True):
    key: Key
    name: Text
    aliases: list[str] = []
    level: Level
    parent: Fact
    established: Established
    legal_basis: Fact
    geographic_jurisdiction: Fact
    subject_matter_jurisdiction: Fact
    mission: Fact
    typical_cases: Fact
    arrest_powers: Fact
    warrants: Fact
    detention: Fact
    oversight: Fact
    size: list[Figure] = []
    immigration_role: Fact
    community_role: Fact
    functions: list[Fact] = []
    components: list[Component] = []
    related: list[Key] = []
    sources: SourceIds


class Variant(Record, frozen=True, kw_only=True):
    """One model of a program, e.g. 287(g)'s Jail Enforcement Model."""

    key: ModelKey | Key
    name: Text
    aliases: list[str] = []
    summary: Fact
    may: list[Fact] = []
    may_not: list[Fact] = []
    training: list[Fact] = []
    started: PartialDate | None = None
    ended: list[Fact] = []
    status: Text
    sources: SourceIds


class Program(Record, frozen=True, kw_only=True):
    key: Key
    name: Text
    aliases: list[str] = []
    kind: Literal["program", "policy", "law", "form", "policy_type", "visa"]
    administering: list[Key] = []
    legal_basis: Fact
    established: Established | None = None
    status: Fact
    summary: Fact
    history: list[Fact] = []
    variants: list[Variant] = []
    participation: list[Figure] = []
    contested: bool = False
    arguments_for: list[Argument] = []
    arguments_against: list[Argument] = []
    related: list[Key] = []
    sources: SourceIds


class Matter(Record, frozen=True, kw_only=True):
    key: Key
    name: Text
    aliases: list[str] = []
    primary: Annotated[list[Key], msgspec.Meta(min_length=1)]
    supporting: list[Key] = []
    note: Text
    sources: SourceIds


class StateLaw(Record, frozen=True, kw_only=True):
    name: Text
    citation: Text
    year: Annotated[int, msgspec.Meta(ge=1776, le=2100)]
    date: PartialDate | None = None  # signed, issued or decided
    kind: LawKind = "statute"
    effect: LawEffect
    status: LawStatus = "in_force"
    summary: Text
    sources: SourceIds


class State(Record, frozen=True, kw_only=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
    name: Text
    stance: Stance
    summary: str | None = None
    checked: PartialDate | None = None  # when the entry was last checked against its sources
    laws: list[StateLaw] = []
    sources: list[Key] = []


class Term(Record, frozen=True, kw_only=True):
    key: Key
    term: Text
    aliases: list[str] = []
    definition: Text
    see_also: list[Key] = []
    sources: SourceIds


class Event(Record, frozen=True, kw_only=True):
    date: PartialDate
    title: Text
    summary: Text
    concerns: list[Key] = []
    sources: SourceIds


class Meta(Record, frozen=True, kw_only=True):
    schema_version: int
    title: Text
    data_as_of: PartialDate
    notice: Text


# The keyed sections of the knowledge file and their record types (events are dated, not keyed).
RECORD_TYPES: dict[str, type[Record]] = {
    "sources": Source,
    "agencies": Agency,
    "programs": Program,
    "matters": Matter,
    "states": State,
    "terms": Term,
}


class KnowledgeBase(Record, frozen=True, kw_only=True):
    meta: Meta
    sources: list[Source]
    agencies: list[Agency]
    programs: list[Program]
    matters: list[Matter] = []
    states: list[State] = []
    terms: list[Term] = []
    events: list[Event] = []
