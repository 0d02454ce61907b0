"""Open the 287(g) roster in use (user import, override, or bundled) through a compiled cache.

The cache splits the agreements by state and keeps precomputed counts and the name tables,
so `jurisdiction TX` decodes only Texas, `program 287g` decodes no agreement at all, and the
cost of a call stays flat as the roster grows.
"""

import os
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime

import msgspec

from agencyref.cache import cached
from agencyref.errors import DataError
from agencyref.files import ROSTER_LIMIT, read_bytes
from agencyref.knowledge.model import Source
from agencyref.paths import ROSTER_FILE, bundled, user_data_dir
from agencyref.roster.model import Agreement, Roster, Summary

if TYPE_CHECKING:
    from agencyref.roster.query import StateCount

ROSTER_SOURCE_ID = "ice-287g-roster"
NATIONAL = "*"  # key of the nationwide summary; "" is a real key (a state ICE's sheet left unreadable)


class CompiledRoster(msgspec.Struct, frozen=True):
    as_of: str
    source_url: str
    source_files: list[str]
    states: dict[str, memoryview]  # state -> encoded list[Agreement] (msgpack bin, zero-copy), in roster order
    summaries: dict[str, Summary]  # state (or NATIONAL) -> counts
    names: memoryview  # {"agencies": [[state, agency]...], "counties": [[state, county]...]}, for lookups


def _msgpack_array(count: int, items: bytes) -> bytes:
    """A msgpack array header for ``count`` items followed by their concatenated encodings."""
    if count < 16:
        header = bytes([0x90 | count])
    elif count < 2**16:
        header = b"\xdc" + count.to_bytes(2, "big")
    else:
        header = b"\xdd" + count.to_bytes(4, "big")
    return header + items


_TEXT_FIELDS = ("state", "agency", "county", "signed_raw", "sheet")


def _cleaned(a: Agreement) -> Agreement:
    """A roster file edited by hand (or written by other tools) is cleaned like an imported sheet: no
    control, bidi or zero-width characters in its text, no link that is not a plain http(s) URL."""
    from agencyref.text import is_clean, safe_url, strip_unsafe

    changes: dict[str, Any] = {
        name: strip_unsafe(value)
        for name in _TEXT_FIELDS
        if isinstance(value := getattr(a, name), str) and not is_clean(value)
    }
    for name in ("moa_url", "addendum_url"):
        url = getattr(a, name)
        if url is not None and safe_url(url) != url:
            changes[name] = None  # not a plain link: dropped rather than shown or linked
            if name == "moa_url":
                changes["moa_status"] = "none"
    return msgspec.structs.replace(a, **changes) if changes else a


def compile_roster(data: bytes, file: str) -> CompiledRoster:
    """Validate a roster file a chunk at a time and split it by state, with counts and name lists.

    Memory stays near the size of the file: agreements are re-encoded into one growing buffer
    per state as each chunk is validated, and only per-agency keys are kept for the counts.
    """
    from agencyref.roster.file import iter_agreements
    from agencyref.roster.query import SummaryBuilder, combine

    head, chunks = iter_agreements(data, file)
    encode = msgspec.msgpack.encode
    buffers: dict[str, bytearray] = {}
    counts: dict[str, int] = {}
    builders: dict[str, SummaryBuilder] = {}
    counties: dict[tuple[str, str], str] = {}
    for chunk in chunks:
        for raw in chunk:
            a = _cleaned(raw)
            builder = builders.get(a.state)
            if builder is None:
                builder = builders[a.state] = SummaryBuilder()
                buffers[a.state] = bytearray()
                counts[a.state] = 0
            buffers[a.state] += encode(a)
            counts[a.state] += 1
            builder.add(a)
            if a.county:
                counties.setdefault((a.state, a.county.casefold()), a.county)
    summaries = {state: b.result() for state, b in builders.items()}
    summaries[NATIONAL] = combine(summaries.values())
    agencies = [(state, name) for b in builders.values() for (state, _), name in b.names.items()]
    names = {"agencies": agencies, "counties": [(state, name) for (state, _), name in counties.items()]}
    states = {}
    for state in list(buffers):
        states[state] = memoryview(_msgpack_array(counts[state], bytes(buffers.pop(state))))
    return CompiledRoster(
        as_of=head.as_of,
        source_url=head.source_url,
        source_files=head.source_files,
        states=states,
        summaries=summaries,
        names=memoryview(encode(names)),
    )


class OpenRoster:
    """The roster in use, decoded state by state on demand."""

    def __init__(self, compiled: CompiledRoster, path: Path, origin: str) -> None:
        self.compiled = compiled
        self.path = path
        self.origin = origin  # "override", "user" or "bundled"
        self.as_of = compiled.as_of
        self._states: dict[str, list[Agreement]] = {}

    def in_state(self, state: str) -> list[Agreement]:
        if state not in self._states:
            raw = self.compiled.states.get(state)
            self._states[state] = msgspec.msgpack.decode(raw, type=list[Agreement]) if raw is not None else []
        return self._states[state]

    def in_county(self, state: str, county: str) -> list[Agreement]:
        """Agreements whose COUNTY cell names this county (ICE leaves it blank for many city and
        state agencies, so those are not included)."""
        from agencyref.roster.query import county_key

        key = county_key(county)
        return [a for a in self.in_state(state) if a.county and county_key(a.county) == key]

    def of_agency(self, state: str, agency: str) -> list[Agreement]:
        """Every agreement (any model or status) of one agency, matched case-insensitively."""
        folded = agency.casefold()
        return [a for a in self.in_state(state) if a.agency.casefold() == folded]

    def state_counts(self, model: str | None = None, agency_type: str | None = None) -> list["StateCount"]:
        """States ranked by participating agreements. The precomputed counts answer the ranking and a
        model filter; an agency-type filter reads the agreements."""
        from agencyref.roster.query import StateCount, summarize

        counts = []
        for state, summary in self.compiled.summaries.items():
            if state == NATIONAL:
                continue
            if agency_type is not None:
                summary = summarize(a for a in self.in_state(state) if a.agency_type == agency_type)
            if model is not None:
                agreements, agencies = summary.by_model.get(model, 0), summary.agencies_by_model.get(model, 0)
                per_model = {model: agreements}
            else:
                agreements, agencies, per_model = summary.agreements, summary.agencies, dict(summary.by_model)
            if agreements:
                counts.append(StateCount(state=state, agreements=agreements, agencies=agencies, per_model=per_model))
        counts.sort(key=lambda c: (-c.agreements, c.state))
        return counts

    def all_agreements(self) -> list[Agreement]:
        return [a for state in sorted(self.compiled.states) for a in self.in_state(state)]

    @cached_property
    def roster(self) -> Roster:
        c = self.compiled
        return Roster(
            schema_version=1,
            as_of=c.as_of,
            source_url=c.source_url,
            source_files=c.source_files,
            agreements=self.all_agreements(),
        )

    def summary(self, state: str = NATIONAL) -> Summary | None:
        return self.compiled.summaries.get(state)

    @property
    def source(self) -> Source:
        """The roster as a citable source, dated by its snapshot."""
        return Source(
            id=ROSTER_SOURCE_ID,
            title="287(g) participating and pending agencies (ICE spreadsheet, as imported by agencyref)",
            publisher="U.S. Immigration and Customs Enforcement",
            url=self.compiled.source_url,
            kind="dataset",
            published=self.as_of,
        )

    def age_days(self, today: "datetime.date | None" = None) -> int | None:
        import datetime as dt

        try:
            as_of = dt.date.fromisoformat(self.as_of)
        except ValueError:
            return None
        return ((today or dt.date.today()) - as_of).days


def open_roster(override: str | None = None) -> OpenRoster:
    path, origin = roster_path(override)

    def build(data: bytes) -> CompiledRoster:
        return compile_roster(data, str(path))

    return OpenRoster(
        cached("roster", path, CompiledRoster, lambda: read_bytes(path, ROSTER_LIMIT, "a roster"), build), path, origin
    )


class RosterInfo(msgspec.Struct, frozen=True, kw_only=True):
    """The roster in use, for `agencyref info`: where it is, what it holds, or why it could not be read.

    Fields left UNSET are absent from the JSON (an unreadable roster has only path, origin and error).
    """

    path: str
    origin: str
    as_of: str | msgspec.UnsetType = msgspec.UNSET
    source_url: str | msgspec.UnsetType = msgspec.UNSET
    source_files: list[str] | msgspec.UnsetType = msgspec.UNSET
    agreements: int | msgspec.UnsetType = msgspec.UNSET
    agencies: int | msgspec.UnsetType = msgspec.UNSET
    pending: int | msgspec.UnsetType = msgspec.UNSET
    age_days: int | msgspec.UnsetType | None = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


def roster_info(override: str | None = None) -> RosterInfo:
    path, origin = roster_path(override)
    try:
        opened = open_roster(override)
    except DataError as exc:
        return RosterInfo(path=str(path), origin=origin, error=str(exc.problems[0]))
    total = opened.summary()
    return RosterInfo(
        path=str(path),
        origin=origin,
        as_of=opened.as_of,
        source_url=opened.compiled.source_url,
        source_files=opened.compiled.source_files,
        agreements=total.agreements if total else 0,
        agencies=total.agencies if total else 0,
        pending=total.pending_agreements if total else 0,
        age_days=opened.age_days(),
    )


def roster_path(override: str | None = None) -> tuple[Path, str]:
    """The roster in use and where it came from: option/env, the user's import, or bundled."""
    chosen = override or os.environ.get("AGENCYREF_ROSTER")
    if chosen:
        return Path(chosen), "override"
    folder = user_data_dir()
    user = folder / ROSTER_FILE if folder else None
    shipped = bundled(ROSTER_FILE)
    if user is not None and user.is_file():
        return user, "user"
    return shipped, "bundled"


def newer_bundled(path: Path, origin: str) -> str | None:
    """The bundled list's date when it is newer than the user's own roster in use (after an upgrade).

    The user's import stays in use (it is their choice), but the CLI says so rather than keep a
    newer list out of sight.
    """
    if origin != "user":
        return None
    mine, theirs = _as_of_peek(path), _as_of_peek(bundled(ROSTER_FILE))
    return theirs if mine and theirs and mine < theirs else None


_AS_OF = re.compile(rb'"as_of"\s*:\s*"(\d{4}-\d{2}-\d{2})"')


def _as_of_peek(path: Path) -> str:
    """A roster file's as-of date, read from its first bytes (the field comes second in the file)."""
    try:
        with open(path, "rb") as fh:
            found = _AS_OF.search(fh.read(512))
    except OSError:
        return ""
    return found.group(1).decode() if found else ""
