"""ICE's weekly sheets → the history store.

Reproduce the bundled file (deterministic: same sheets, same bytes)::

    python -m agencyref.roster.history.build /work/shared/data/ice-287g/history -o data/history-287g.json

Each sheet is read by the importer (``agencyref.roster.ice287g.import_sheets``), dated by
:mod:`dating`, and dropped when it repeats the list before it (it adds nothing; the build says
so). Agreements are then followed from list to list by state + agency + model
(:func:`model.agency_key`), and an agency renamed between two lists is kept as one agreement when
its MOA link, or its signing date and a shared word of its name, shows it is the same.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from agencyref.errors import DataError
from agencyref.roster.history.dating import Sheet, date_sheets, name_date
from agencyref.roster.history.model import (
    History,
    Listing,
    ListKind,
    Skipped,
    Snapshot,
    Version,
    agency_key,
    moa_out,
)
from agencyref.roster.ice287g.cells import SOURCE_URL
from agencyref.roster.model import Agreement

Key = tuple[str, str, str]  # state, agency_key, model


class ReadSheet:
    """A sheet read by the importer, with what dating needs."""

    def __init__(self, name: str, kind: str, agreements: list[Agreement], warnings: list[str]) -> None:
        self.name = name
        self.kind = kind
        self.agreements = agreements
        self.warnings = warnings
        signed = [a.signed for a in agreements if a.signed]
        named, stamp = name_date(name)
        self.sheet = Sheet(
            name=name,
            kind=kind,
            keys=frozenset(identity(a) for a in agreements),
            named=named,
            stamp=stamp,
            newest_signed=dt.date.fromisoformat(max(signed)) if signed else None,
        )
        self.content = frozenset(_content(a) for a in agreements)


def identity(a: Agreement) -> Key:
    return (a.state, agency_key(a.agency), a.model)


def _content(a: Agreement) -> tuple[object, ...]:
    """What the history keeps of a row: two lists equal in these are the same list."""
    return (a.state, a.agency, a.agency_type, a.county, a.model, a.signed, a.moa_url)


def kind_of(name: str, agreements: Sequence[Agreement]) -> str:
    if name.casefold().startswith("pending"):
        return "pending"
    if name.casefold().startswith("participating") or not agreements:
        return "participating"
    return agreements[0].status


def read_sheet(path: Path, as_of: dt.date | None = None, encoding: str | None = None) -> ReadSheet:
    """One sheet through the importer. An empty pending list (ICE has published some) is a list of none."""
    from agencyref.roster.ice287g import import_sheets

    named, _ = name_date(path.name)
    when = (as_of or named or dt.date.today()).isoformat()
    try:
        result = import_sheets([path], as_of=when, encoding=encoding)
    except DataError as exc:
        if "no data rows below the header" in str(exc) and path.name.casefold().startswith("pending"):
            return ReadSheet(path.name, "pending", [], ["an empty list (no rows below the header)"])
        raise
    agreements = result.roster.agreements
    return ReadSheet(path.name, kind_of(path.name, agreements), agreements, [str(w) for w in result.report.warnings])


def read_folder(folder: Path) -> list[ReadSheet]:
    paths = sorted(p for p in folder.iterdir() if p.suffix.casefold() in (".xlsx", ".csv") and p.is_file())
    if len(paths) < 8:
        return [read_sheet(p) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor() as pool:  # reading is CPU-bound and every sheet stands alone
        return list(pool.map(read_sheet, paths))


class Builder:
    """Snapshots added in date order; agreements followed from one list to the next."""

    def __init__(self) -> None:
        self.snapshots: list[Snapshot] = []
        self.skipped: list[Skipped] = []
        self.listings: dict[Key, dict[str, object]] = {}
        self.last_content: dict[str, frozenset[tuple[object, ...]]] = {}
        self.last_file: dict[str, str] = {}
        self.notes: list[str] = []

    def add(self, read: ReadSheet) -> bool:
        s = read.sheet
        if s.date is None:
            self.skipped.append(Skipped(read.name, "no date: the name holds none and nothing else fixes it"))
            return False
        if self.last_content.get(read.kind) == read.content:
            reason = f"the same list as {self.last_file[read.kind]}; adds nothing"
            if s.notes:
                reason = "; ".join([*s.notes, reason])
            self.skipped.append(Skipped(read.name, reason))
            self.notes.append(f"{read.name}: {reason}")
            return False
        index = len(self.snapshots)
        note = "; ".join(s.notes)
        kind: ListKind = "pending" if read.kind == "pending" else "participating"
        self.snapshots.append(Snapshot(s.date.isoformat(), kind, [read.name], len(read.agreements), s.dated_by, note))
        if note:
            self.notes.append(f"{read.name}: {note}")
        self.last_content[read.kind] = read.content
        self.last_file[read.kind] = read.name
        seen: dict[Key, int] = {}
        for a in read.agreements:
            key = identity(a)
            n = seen[key] = seen.get(key, 0) + 1
            if n > 1:  # the same agency and model listed twice (re-signed): a second agreement
                key = (key[0], f"{key[1]}#{n}", key[2])
            self._present(key, a, index, read.kind)
        return True

    def _present(self, key: Key, a: Agreement, index: int, kind: str) -> None:
        entry = self.listings.get(key)
        version = Version(index, a.agency, a.agency_type, a.county, a.signed, moa_out(a.moa_url))
        if entry is None:
            entry = self.listings[key] = {"versions": [version], "participating": [], "pending": []}
        versions: list[Version] = entry["versions"]  # type: ignore[assignment]
        last = versions[-1]
        if (last.agency, last.agency_type, last.county, last.signed, last.moa) != (
            version.agency,
            version.agency_type,
            version.county,
            version.signed,
            version.moa,
        ) and (kind == "participating" or not entry["participating"]):
            # Pending rows (no signing date, no link) describe the agreement only until it is signed.
            versions.append(version)
        ranges: list[list[int]] = entry[kind]  # type: ignore[assignment]
        previous = self._previous(index, kind)
        if ranges and ranges[-1][1] == previous:
            ranges[-1][1] = index
        else:
            ranges.append([index, index])

    def _previous(self, index: int, kind: str) -> int:
        for i in range(index - 1, -1, -1):
            if self.snapshots[i].list == kind:
                return i
        return -1

    def history(self) -> History:
        listings = _merge_renames(self.listings, self.snapshots)
        out = [
            Listing(
                state=key[0],
                model=key[2],
                versions=entry["versions"],  # type: ignore[arg-type]
                participating=[(a, b) for a, b in entry["participating"]],  # type: ignore[attr-defined]
                pending=[(a, b) for a, b in entry["pending"]],  # type: ignore[attr-defined]
            )
            for key, entry in listings
        ]
        out.sort(key=lambda x: (x.state, x.versions[-1].agency.casefold(), x.model, _first(x)))
        return History(source_url=SOURCE_URL, snapshots=self.snapshots, skipped=self.skipped, agreements=out)


def _first(x: Listing) -> int:
    return min(r[0] for r in (*x.participating, *x.pending))


def _merge_renames(
    listings: dict[Key, dict[str, object]], snapshots: list[Snapshot]
) -> list[tuple[Key, dict[str, object]]]:
    """An agreement whose listing stops where another of the same state and model starts, with the
    same MOA link (or signing date and a shared word), is one agreement under a new name."""
    part = [i for i, s in enumerate(snapshots) if s.list == "participating"]
    following = dict(itertools.pairwise(part))
    ends: dict[tuple[str, str, int], list[Key]] = {}
    starts: dict[tuple[str, str, int], list[Key]] = {}
    for key, entry in listings.items():
        ranges: list[list[int]] = entry["participating"]  # type: ignore[assignment]
        if not ranges:
            continue
        end = following.get(ranges[-1][1])
        if end is not None:
            ends.setdefault((key[0], key[2], end), []).append(key)
        starts.setdefault((key[0], key[2], ranges[0][0]), []).append(key)
    merged: dict[Key, Key] = {}  # merged key -> the key that kept it
    for slot, gone in sorted(ends.items(), key=lambda item: item[0][2]):
        new = [k for k in starts.get(slot, []) if k not in merged]
        for old_key in gone:
            while old_key in merged:
                old_key = merged[old_key]
            old_v: Version = listings[old_key]["versions"][-1]  # type: ignore[index]
            match = [k for k in new if _same_agreement(old_v, listings[k]["versions"][0])]  # type: ignore[index]
            if len(match) != 1:
                continue
            k = match[0]
            old, newer = listings[old_key], listings.pop(k)
            old["versions"] = [*old["versions"], *newer["versions"]]  # type: ignore[misc]
            old["participating"] = [*old["participating"], *newer["participating"]]  # type: ignore[misc]
            old["pending"] = sorted([*old["pending"], *newer["pending"]])  # type: ignore[misc]
            merged[k] = old_key
            new.remove(k)
    return sorted(listings.items())


def _same_agreement(old: Version, new: Version) -> bool:
    if old.moa and old.moa == new.moa:
        return True
    shared = set(agency_key(old.agency).split()) & set(agency_key(new.agency).split())
    shared -= {"county", "sheriff", "office", "police", "department", "city", "of", "the", "and"}
    return bool(old.signed and old.signed == new.signed and shared)


def build_history(reads: Iterable[ReadSheet], existing: Sequence[Sheet] = ()) -> tuple[History, list[str]]:
    """Date the sheets, add them oldest first, and follow the agreements. Returns the store and notes."""
    reads = list(reads)
    date_sheets([r.sheet for r in reads])
    builder = Builder()
    order = sorted(reads, key=lambda r: (r.sheet.date or dt.date.max, r.kind, r.name))
    for read in order:
        builder.add(read)
    return builder.history(), builder.notes


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import sys

    from agencyref.atomic import write_text_atomic
    from agencyref.roster.history.model import encode_history

    parser = argparse.ArgumentParser(
        prog="python -m agencyref.roster.history.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("folder", type=Path, help="folder of ICE's weekly participating/pending sheets")
    parser.add_argument("-o", "--output", type=Path, required=True, help="history file to write")
    args = parser.parse_args(argv)
    history, notes = build_history(read_folder(args.folder))
    for note in notes:
        sys.stderr.write(note + "\n")
    write_text_atomic(args.output, encode_history(history).decode())
    part = [s for s in history.snapshots if s.list == "participating"]
    sys.stderr.write(
        f"wrote {args.output}: {len(history.snapshots)} snapshots ({len(part)} participating), "
        f"{len(history.agreements)} agreements, {len(history.skipped)} sheets skipped\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
