"""Open the 287(g) history in use (yours, an override, or bundled) through the compiled cache.

The cache holds the counts per participating snapshot already summed (nationwide and per state,
by model and by agency type, each state a separate blob), so `agencyref history TX` decodes one
small blob and no agreement; `changes` and `listing` decode the agreements.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import msgspec

from agencyref.cache import cached
from agencyref.files import ROSTER_LIMIT, read_bytes
from agencyref.paths import bundled, user_data_dir
from agencyref.roster.history.model import HISTORY_FILE, History, Listing, Skipped, Snapshot, agency_key

NATIONAL = "*"
Counts = dict[str, list[int]]  # "total", "model:tfm", "type:county" -> one count per participating snapshot


class CompiledHistory(msgspec.Struct, frozen=True):
    source_url: str
    snapshots: list[Snapshot]
    skipped: list[Skipped]
    series: dict[str, memoryview]  # state (or NATIONAL) -> msgpack Counts
    agreements: memoryview  # msgpack list[Listing]
    # state -> msgpack {"<folded agency>|<model>": [first listed, last listed, ended on or None]}:
    # what `jurisdiction` shows beside each agreement, without decoding every agreement.
    listed: dict[str, memoryview] = {}


def compile_history(history: History) -> CompiledHistory:
    """Sum each participating snapshot's agreements by state, model and agency type."""
    part = [i for i, s in enumerate(history.snapshots) if s.list == "participating"]
    position = {index: n for n, index in enumerate(part)}
    diffs: dict[str, dict[str, list[int]]] = {}

    def bump(state: str, name: str, a: int, b: int) -> None:
        for where in (state, NATIONAL):
            row = diffs.setdefault(where, {}).setdefault(name, [0] * (len(part) + 1))
            row[a] += 1
            row[b + 1] -= 1

    for x in history.agreements:
        for first, last in x.participating:
            a, b = position[first], position[last]
            bump(x.state, "total", a, b)
            bump(x.state, f"model:{x.model}", a, b)
            # the agency type in force over each stretch of the range
            for k, v in enumerate(x.versions):
                nxt = x.versions[k + 1].since if k + 1 < len(x.versions) else len(history.snapshots)
                lo, hi = max(first, v.since), min(last, nxt - 1)
                pa = _at_or_after(part, position, lo)
                pb = _at_or_before(part, position, hi)
                if pa is not None and pb is not None and pa <= pb:
                    bump(x.state, f"type:{v.agency_type}", pa, pb)
    series = {}
    for where, rows in diffs.items():
        counts: Counts = {}
        for name, row in rows.items():
            total, out = 0, []
            for d in row[:-1]:
                total += d
                out.append(total)
            counts[name] = out
        series[where] = memoryview(msgspec.msgpack.encode(counts))
    listed: dict[str, dict[str, tuple[str, str, str | None]]] = {}
    for x in history.agreements:
        dates = _dates(history.snapshots, x)
        for v in x.versions:
            table = listed.setdefault(x.state, {})
            table[f"{agency_key(v.agency)}|{x.model}"] = dates
            table[f"={v.agency}|{x.model}"] = dates  # the name as the sheet spelled it: found without folding
    return CompiledHistory(
        source_url=history.source_url,
        snapshots=history.snapshots,
        skipped=history.skipped,
        series=series,
        agreements=memoryview(msgspec.msgpack.encode(history.agreements)),
        listed={state: memoryview(msgspec.msgpack.encode(table)) for state, table in listed.items()},
    )


def _at_or_after(part: list[int], position: dict[int, int], index: int) -> int | None:
    import bisect

    k = bisect.bisect_left(part, index)
    return k if k < len(part) else None


def _at_or_before(part: list[int], position: dict[int, int], index: int) -> int | None:
    import bisect

    k = bisect.bisect_right(part, index) - 1
    return k if k >= 0 else None


class Point(msgspec.Struct, frozen=True):
    date: str
    counts: dict[str, int]  # "total" and, when asked, one per model or agency type


class OpenHistory:
    def __init__(self, compiled: CompiledHistory, path: Path, origin: str) -> None:
        self.compiled = compiled
        self.path = path
        self.origin = origin
        self.snapshots = compiled.snapshots

    @cached_property
    def participating(self) -> list[Snapshot]:
        return [s for s in self.snapshots if s.list == "participating"]

    @property
    def as_of(self) -> str:
        return self.participating[-1].date if self.participating else ""

    def counts(self, state: str | None = None) -> Counts:
        raw = self.compiled.series.get(state or NATIONAL)
        return msgspec.msgpack.decode(raw, type=Counts) if raw is not None else {}

    def series(self, state: str | None = None, by: str | None = None, monthly: bool = False) -> list[Point]:
        """Agreements listed by each participating snapshot (the last of each ISO week, or month)."""
        counts = self.counts(state)
        prefix = f"{by}:" if by else None
        names = sorted(n for n in counts if prefix and n.startswith(prefix) and any(counts[n]))
        keep: dict[tuple[int, int], int] = {}
        for n, snap in enumerate(self.participating):
            day = dt.date.fromisoformat(snap.date)
            period = (day.year, day.month) if monthly else day.isocalendar()[:2]
            keep[period] = n  # the last snapshot of each period wins
        points = []
        for n in sorted(keep.values()):
            values = {"total": counts["total"][n] if "total" in counts else 0}
            values.update({name.partition(":")[2]: counts[name][n] for name in names})
            points.append(Point(self.participating[n].date, values))
        return points

    @cached_property
    def agreements(self) -> list[Listing]:
        return msgspec.msgpack.decode(self.compiled.agreements, type=list[Listing])

    def first_index(self, on_or_before: str | None, kind: str = "participating") -> int | None:
        """The index of the newest snapshot of a list dated on or before a date (None: the newest)."""
        found = None
        for i, s in enumerate(self.snapshots):
            if s.list == kind and (on_or_before is None or s.date <= on_or_before):
                found = i
        return found


def history_path(override: str | None = None) -> tuple[Path, str]:
    """The history in use: AGENCYREF_HISTORY, the user's (kept by import-287g), or the bundled one."""
    chosen = override or os.environ.get("AGENCYREF_HISTORY")
    if chosen:
        return Path(chosen), "override"
    folder = user_data_dir()
    user = folder / HISTORY_FILE if folder else None
    if user is not None and user.is_file():
        return user, "user"
    return bundled(HISTORY_FILE), "bundled"


def open_history(override: str | None = None) -> OpenHistory:
    from agencyref.roster.history.model import decode_history

    path, origin = history_path(override)

    def build(data: bytes) -> CompiledHistory:
        return compile_history(decode_history(data, str(path)))

    return OpenHistory(
        cached("history", path, CompiledHistory, lambda: read_bytes(path, ROSTER_LIMIT, "a 287(g) history"), build),
        path,
        origin,
    )


def _present(ranges: Sequence[tuple[int, int]], index: int) -> bool:
    return any(a <= index <= b for a, b in ranges)


def listing(history: OpenHistory, state: str, agency: str, model: str) -> tuple[str, str, str | None] | None:
    """(first listed, last listed, ended on or None) of one agreement; None when never listed.

    ``ended_on`` is the date of the first participating list without it, after it was listed
    as participating; an agreement still on the newest list has not ended.
    """
    key = agency_key(agency)
    for x in history.agreements:
        if x.state == state and x.model == model and any(agency_key(v.agency) == key for v in x.versions):
            return listing_dates(history, x)
    return None


class ListedTables(msgspec.Struct, frozen=True):
    """The listing dates alone, cached apart from the rest of the history: a roster answer reads this
    small entry, not the whole history."""

    listed: dict[str, memoryview]


def listed_for_state(state: str, override: str | None = None) -> dict[str, tuple[str, str, str | None]]:
    """The listing dates of one state's agreements in the history in use, through their own small cache entry."""
    from agencyref.roster.history.model import decode_history

    path, _ = history_path(override)

    def build(data: bytes) -> ListedTables:
        return ListedTables(compile_history(decode_history(data, str(path))).listed)

    tables = cached("listed", path, ListedTables, lambda: read_bytes(path, ROSTER_LIMIT, "a 287(g) history"), build)
    return _decode_listed(tables.listed.get(state))


def _decode_listed(raw: memoryview | None) -> dict[str, tuple[str, str, str | None]]:
    return {} if raw is None else msgspec.msgpack.decode(raw, type=dict[str, tuple[str, str, str | None]])


class EverListed(msgspec.Struct, frozen=True):
    """One agreement ever on ICE's lists, under its latest spelling, with when it was listed."""

    state: str
    agency_key: str  # the stable roster key, fl/orange-county-sheriffs-office
    agency: str
    agency_type: str
    county: str | None
    model: str
    first_listed: str
    last_listed: str
    ended: str | None
    listed_now: bool


def ever_listed(history: OpenHistory, state: str | None = None) -> list[EverListed]:
    """Every agreement in the history (or one state's), sorted by state, key and model."""
    from agencyref.roster.places.names import agency_key as roster_key

    newest = history.participating[-1].date if history.participating else ""
    out = []
    for x in history.agreements:
        if state and x.state != state:
            continue
        first, last, ended = listing_dates(history, x)
        v = x.versions[-1]
        out.append(
            EverListed(
                x.state,
                roster_key(x.state, v.agency),
                v.agency,
                v.agency_type,
                v.county or None,
                x.model,
                first,
                last,
                ended,
                last >= newest and ended is None,
            )
        )
    return sorted(out, key=lambda r: (r.state, r.agency_key, r.model))


def listing_dates(history: OpenHistory, x: Listing) -> tuple[str, str, str | None]:
    return _dates(history.snapshots, x)


def _dates(snaps: Sequence[Snapshot], x: Listing) -> tuple[str, str, str | None]:
    ranges = [*x.participating, *x.pending]
    first = snaps[min(a for a, _ in ranges)].date
    last_index = max(b for _, b in ranges)
    ended = None
    if x.participating:
        end = max(b for _, b in x.participating)
        later = [i for i in range(end + 1, len(snaps)) if snaps[i].list == "participating"]
        ended = snaps[later[0]].date if later else None
    return first, snaps[last_index].date, ended


def participation_series(history: OpenHistory, monthly: bool = True) -> list[tuple[str, int]]:
    """Nationwide participating agreements from ICE's own sheets, for ``program 287g``."""
    return [(p.date, p.counts["total"]) for p in history.series(monthly=monthly)]
