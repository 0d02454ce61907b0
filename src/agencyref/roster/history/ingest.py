"""Add a user's ICE sheets to their history and, when newest, to their current roster.

``ingest(paths)`` is free of CLI concerns: it reads through the importer, dates the snapshot
against the history (:mod:`dating`), rebuilds the user's history under
``$XDG_DATA_HOME/agencyref/`` (seeded from the bundled one), and rewrites the user's roster only
when the snapshot is the newest participating list. The same snapshot twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import msgspec

from agencyref.errors import UsageError
from agencyref.roster.history.build import Builder, ReadSheet, read_sheet
from agencyref.roster.history.dating import date_sheets
from agencyref.roster.history.model import HISTORY_FILE, History, decode_history, encode_history


class IngestReport(msgspec.Struct, frozen=True):
    snapshots_added: list[str]  # "2026-05-18 participating (file)"
    duplicates: list[str]  # sheets that repeat a list already in the history
    notes: list[str]  # how each sheet was dated, when not by its name
    roster_written: str | None  # the user's roster, when this snapshot is the newest
    kept_pending: int | None  # pending rows carried over from the current roster (participating sheet alone)
    history_path: str
    changes: dict[str, dict[str, int]]  # "vs previous"/"vs next" -> counts of added/ended/changed


def _replay(history: History) -> list[ReadSheet]:
    """The history's snapshots as already-dated sheets (agreements rebuilt from the versions)."""
    from agencyref.roster.history.model import moa_in
    from agencyref.roster.model import Agreement

    per: list[list[Agreement]] = [[] for _ in history.snapshots]
    for x in history.agreements:
        for kind, ranges in (("participating", x.participating), ("pending", x.pending)):
            for a, b in ranges:
                for i in range(a, b + 1):
                    if history.snapshots[i].list != kind:
                        continue
                    v = [v for v in x.versions if v.since <= i][-1] if x.versions[0].since <= i else x.versions[0]
                    per[i].append(
                        Agreement(
                            state=x.state, agency=v.agency, agency_type=v.agency_type,  # type: ignore[arg-type]
                            county=v.county, model=x.model, status=kind,  # type: ignore[arg-type]
                            signed=v.signed, moa_url=moa_in(v.moa),
                        )
                    )  # fmt: skip
    out = []
    for snap, agreements in zip(history.snapshots, per, strict=True):
        read = ReadSheet(snap.files[0], snap.list, agreements, [])
        read.sheet.trusted, read.sheet.date, read.sheet.dated_by = True, dt.date.fromisoformat(snap.date), snap.dated_by
        read.sheet.notes = [snap.note] if snap.note else []
        out.append(read)
    return out


def ingest(
    paths: Sequence[Path],
    as_of: str | None = None,
    data_dir: Path | None = None,
    in_use_as_of: str | None = None,
    write_roster: bool = True,
    keep_pending: bool = True,
    encoding: str | None = None,
) -> IngestReport:
    """Add the sheets' snapshot to the user's history; make it the user's roster when it is the newest list
    in the history and not older than ``in_use_as_of`` (the roster in use now, when known)."""
    from agencyref.files import read_bytes
    from agencyref.paths import ROSTER_FILE, bundled, user_data_dir
    from agencyref.roster.history.changes import changes
    from agencyref.roster.history.store import OpenHistory, compile_history

    folder = data_dir or user_data_dir()
    if folder is None:
        raise UsageError("there is no home directory for your history: set XDG_DATA_HOME")
    when = None
    if as_of is not None:
        try:
            when = dt.date.fromisoformat(as_of.strip())
        except ValueError as exc:
            raise UsageError(f"--as-of must be a date like 2025-07-18, not {as_of!r}") from exc
    target = folder / HISTORY_FILE
    source = target if target.is_file() else bundled(HISTORY_FILE)
    old = decode_history(read_bytes(source), str(source))
    existing = _replay(old)
    known = {f for s in old.snapshots for f in s.files} | {k.file for k in old.skipped}
    again = [Path(p).name for p in paths if Path(p).name in known]
    if again:  # the very same file: nothing to add, nothing to rewrite
        return IngestReport(
            [], [f"{n}: already in the history; adds nothing" for n in again], [], None, None, str(target), {}
        )
    new = [read_sheet(Path(p), when, encoding) for p in paths]
    date_sheets([*(r.sheet for r in existing), *(r.sheet for r in new)], as_of=when)
    builder = Builder()
    for read in sorted(
        [*existing, *new], key=lambda r: (r.sheet.date or dt.date.max, r.kind, r.sheet.trusted is False, r.name)
    ):
        builder.add(read)
    history = builder.history()
    added = [f"{s.date} {s.list} ({s.files[0]})" for s in history.snapshots if s.files[0] in {r.name for r in new}]
    duplicates = [f"{k.file}: {k.reason}" for k in history.skipped if k.file in {r.name for r in new}]
    notes = [f"{r.name}: {'; '.join(r.sheet.notes)}" for r in new if r.sheet.notes]
    counts: dict[str, dict[str, int]] = {}
    roster_written = None
    kept = None
    if added:
        from agencyref.atomic import write_text_atomic

        write_text_atomic(target, encode_history(history).decode())
        opened = OpenHistory(compile_history(history), target, "user")
        for r in new:
            snap = next((i for i, s in enumerate(history.snapshots) if r.name in s.files), None)
            if snap is None or history.snapshots[snap].list != "participating":
                continue
            day = history.snapshots[snap].date
            part = [i for i, s in enumerate(history.snapshots) if s.list == "participating"]
            k = part.index(snap)
            for label, other in (
                ("vs previous", part[k - 1] if k else None),
                ("vs next", part[k + 1] if k + 1 < len(part) else None),
            ):
                if other is None:
                    continue
                lo, hi = sorted((history.snapshots[other].date, day))
                found = changes(opened, lo, hi).changes
                counts[label] = {
                    kind: sum(1 for c in found if c.kind == kind) for kind in ("added", "ended", "changed")
                }
        newest = max((s.date for s in history.snapshots if s.list == "participating"), default="")
        floor = max(newest, in_use_as_of or "")
        part_new = [r for r in new if r.kind == "participating" and r.sheet.date and r.sheet.date.isoformat() >= floor]
        first_date = part_new[0].sheet.date if part_new else None
        if first_date is not None and write_roster:
            roster_written, kept = _write_roster(
                paths, first_date.isoformat(), folder / ROSTER_FILE, new, keep_pending, encoding
            )
    return IngestReport(added, duplicates, notes, roster_written, kept, str(target), counts)


def _write_roster(
    paths: Sequence[Path],
    day: str,
    target: Path,
    new: list[ReadSheet],
    keep_pending: bool = True,
    encoding: str | None = None,
) -> tuple[str, int | None]:
    """The user's current roster: these sheets; a participating sheet alone keeps the pending list in use."""
    kinds = {r.kind for r in new}
    return roster_from_sheets(
        paths, day, target, keep_pending=keep_pending and "pending" not in kinds, encoding=encoding
    )


def roster_from_sheets(
    paths: Sequence[Path], day: str, target: Path, keep_pending: bool, encoding: str | None = None
) -> tuple[str, int | None]:
    """Write the roster of these sheets to ``target``; with ``keep_pending``, the pending list in use stays."""
    from agencyref.roster.file import write_roster_atomic
    from agencyref.roster.ice287g import import_sheets
    from agencyref.roster.store import open_roster

    result = import_sheets(list(paths), as_of=day, encoding=encoding)
    roster = result.roster
    kept = None
    if keep_pending:
        try:
            pending = [a for a in open_roster().roster.agreements if a.status == "pending"]
        except Exception:  # no usable roster in use: nothing to keep
            pending = []
        kept = len(pending)
        from agencyref.roster.ice287g import agreement_sort_key

        merged = sorted([*roster.agreements, *pending], key=agreement_sort_key)
        roster = msgspec.structs.replace(roster, agreements=merged)
    write_roster_atomic(roster, target)
    return str(target), kept
