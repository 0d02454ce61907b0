"""Records of the 287(g) history store, and the one rule for who an agreement is.

The file is JSON, one agreement per line, so a rebuild diffs cleanly. An agreement is identified
by state + agency + model; the agency part is folded (see :func:`agency_key`) so the spelling
drift of a hand-kept sheet does not split one agreement into two. Presence is kept as ranges of
snapshot indices: ``[3, 9]`` means listed in every snapshot of that list from index 3 to 9.
"""

import builtins
import functools
import re
from typing import Literal

import msgspec

from agencyref.text import tidy

HISTORY_SCHEMA = 1
HISTORY_FILE = "history-287g.json"
ListKind = Literal["participating", "pending"]
MOA_PREFIX = "https://www.ice.gov/doclib/287gMOA/"  # stored as "~" + the rest: a third of the file


class Snapshot(msgspec.Struct, frozen=True, array_like=True):
    date: str  # ISO date the list is taken to hold
    list: ListKind
    files: builtins.list[str]
    rows: int  # agreements (rows) in the list
    dated_by: str  # "name", "evidence", "as-of" or "sibling"
    note: str = ""  # why, when not by name


class Version(msgspec.Struct, frozen=True, array_like=True):
    """What the sheet said about an agreement from snapshot ``since`` on."""

    since: int
    agency: str
    agency_type: str
    county: str
    signed: str | None
    moa: str | None  # MOA link, "~" standing for MOA_PREFIX


class Listing(msgspec.Struct, frozen=True, array_like=True):
    state: str
    model: str
    versions: list[Version]
    participating: list[tuple[int, int]]  # inclusive ranges of snapshot indices
    pending: list[tuple[int, int]]


class Skipped(msgspec.Struct, frozen=True, array_like=True):
    file: str
    reason: str


class History(msgspec.Struct, frozen=True, kw_only=True):
    schema_version: int = HISTORY_SCHEMA
    kind: str = "history_287g"
    source_url: str
    snapshots: list[Snapshot]
    skipped: list[Skipped]
    agreements: list[Listing]


def moa_out(url: str | None) -> str | None:
    return "~" + url[len(MOA_PREFIX) :] if url and url.startswith(MOA_PREFIX) else url


def moa_in(stored: str | None) -> str | None:
    return MOA_PREFIX + stored[1:] if stored and stored.startswith("~") else stored


_WORDS = {"ft": "fort", "mt": "mount", "st": "saint", "ste": "sainte", "dept": "department", "co": "county",
          "twp": "township", "cnty": "county", "sheriffs": "sheriff", "pd": "police department",
          "&": "and"}  # fmt: skip
_PUNCT = re.compile(r"[^\w&]+")


@functools.lru_cache(maxsize=1 << 15)
def agency_key(name: str) -> str:
    """``"Ft. Myers Police Dept "`` and ``"Fort Myers Police Department"`` → the same key.

    Case, curly quotes, apostrophes, periods, spaces and the common abbreviations fold away.
    """
    text = tidy(name).casefold().replace("'", "")
    return " ".join(_WORDS.get(w, w) for w in _PUNCT.sub(" ", text).split())


def encode_history(history: History) -> bytes:
    """The file: a header line per key, then one agreement per line (stable, diffable)."""
    enc = msgspec.json.encode
    head = [
        f'{{"schema_version":{history.schema_version},"kind":{enc(history.kind).decode()}',
        f',"source_url":{enc(history.source_url).decode()}',
        ',"snapshots":[\n' + ",\n".join(enc(s).decode() for s in history.snapshots) + "\n]",
        ',"skipped":[\n' + ",\n".join(enc(s).decode() for s in history.skipped) + "\n]",
        ',"agreements":[\n' + ",\n".join(enc(a).decode() for a in history.agreements) + "\n]}\n",
    ]
    return "\n".join(head).encode()


def decode_history(data: bytes, file: str) -> History:
    from agencyref.errors import DataError, Problem

    try:
        history = msgspec.json.decode(data, type=History)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise DataError([Problem(file, None, "", f"not a 287(g) history file: {exc}")]) from exc
    if history.schema_version != HISTORY_SCHEMA:
        raise DataError(
            [Problem(file, None, "", f"history schema {history.schema_version}; expected {HISTORY_SCHEMA}")]
        )
    return history
