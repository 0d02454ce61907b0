"""What every document shares: the envelope, the sources list, strict objects, and ``Either``."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import UNSET, UnsetType

from agencyref.knowledge.model import PartialDate, SourceKind

Count = Annotated[int, msgspec.Meta(ge=0)]
ModelOrUnknown = Literal["jem", "tfm", "wso", "unknown"]


class Either:
    """A value of one of ``members`` (Struct or list types); see ``either``."""

    members: ClassVar[tuple[Any, ...]] = ()


def either(name: str, *members: Any) -> Any:
    """A marker type whose schema is ``anyOf`` the members' schemas."""
    return type(name, (Either,), {"members": members})


class Strict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every part of a document: a fixed shape."""


class SourceRef(Strict, frozen=True, kw_only=True):
    """A source as listed under a document's ``sources`` (``document.source_dict``)."""

    id: str
    title: str
    publisher: str
    url: str
    kind: SourceKind
    date: PartialDate | None
    published: PartialDate | None
    accessed: PartialDate | None


class Bare(Strict, frozen=True, kw_only=True, tag_field="kind"):
    """What every document starts with: the contract's version and the document's kind."""

    schema_version: Literal[1]


class Result(Bare, frozen=True, kw_only=True):
    """A document printed through ``render/data.py``: its data, the knowledge file's date and the sources."""

    data_as_of: PartialDate | UnsetType = UNSET
    sources: list[SourceRef]
