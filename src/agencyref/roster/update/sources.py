"""Local inputs: dating archived sheet files, grouping a folder into snapshots, and telling a workbook from a web page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from agencyref.roster.update.errors import DownloadError

SHEET_SUFFIXES = (".xlsx", ".csv")
_TIMESTAMP = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})\d{6}(?!\d)")  # web-archive captures: …-20250222170629.xlsx


def sheet_date(name: str) -> dt.date | None:
    """The list date a sheet's file name carries: ICE's MMDDYYYY, or an archive's YYYYMMDDhhmmss."""
    from agencyref.roster.ice287g import date_from_filename

    stem = Path(name).stem
    if m := _TIMESTAMP.search(stem):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    return date_from_filename(name)


def sheet_kind_of(path: Path) -> str:
    return "pending" if path.name.casefold().startswith("pending") else "participating"


@dataclass(frozen=True)
class Snapshot:
    """The sheets of one list: a participating sheet and/or a pending one, and the date their names carry."""

    date: dt.date | None
    paths: list[Path]


def dated_snapshots(files: list[Path]) -> tuple[list[Snapshot], list[str]]:
    """Sheets grouped by the date in their names, oldest first, and notes on what was left out.

    One participating and one pending sheet per date: when a folder holds two of a kind for a
    date (ICE's ``am`` and ``pm`` lists), the later name wins.
    """
    notes: list[str] = []
    chosen: dict[tuple[dt.date, str], Path] = {}
    for path in sorted(files, key=lambda p: p.name):
        date = sheet_date(path.name)
        if date is None:
            notes.append(f"skipped {path.name}: no date in its name (import it with `import-287g FILE --as-of DATE`)")
            continue
        key = (date, sheet_kind_of(path))
        if key in chosen:
            notes.append(f"skipped {chosen[key].name}: {path.name} is a later list of the same day")
        chosen[key] = path
    dates = sorted({date for date, _ in chosen})
    snapshots = [
        Snapshot(date, [chosen[(date, kind)] for kind in ("participating", "pending") if (date, kind) in chosen])
        for date in dates
    ]
    return snapshots, notes


def sheets_in(folder: Path) -> list[Path]:
    """The spreadsheet files directly in ``folder`` (not Office lock files or hidden ones)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.casefold() in SHEET_SUFFIXES and not p.name.startswith((".", "~$")) and p.is_file()
    )


def check_workbook(path: Path, origin: str) -> None:
    """Refuse a file that cannot be an .xlsx workbook before the importer sees it, with a reason a person can act on."""
    if path.suffix.casefold() == ".csv":
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise DownloadError(f"{origin}: cannot read {path.name}: {exc.strerror or exc}") from None
    if head.startswith(b"PK\x03\x04"):
        return
    if not head:
        raise DownloadError(f"{origin}: the file is empty, not a spreadsheet")
    if head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise DownloadError(
            f"{origin}: got a web page, not a spreadsheet (the server may have refused the download or moved the file)"
        )
    raise DownloadError(f"{origin}: not an Excel .xlsx workbook (no zip signature)")


def as_of_for(snap: Snapshot) -> str | None:
    """The date to give the importer: none when ICE's MMDDYYYY is in a name (the importer reads it and
    corrects ICE's year typos), else the date read from an archive's timestamped name."""
    from agencyref.roster.ice287g import date_from_filename

    if snap.date is None or any(date_from_filename(p.name) for p in snap.paths):
        return None
    return snap.date.isoformat()


def local_name(location: str) -> str:
    """A safe local file name that keeps what the importer reads from names (kind and date)."""
    raw = unquote(urlsplit(location).path) if "://" in location else location
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(raw).name)[:120]
    if not name.casefold().endswith(SHEET_SUFFIXES):
        name = (name or "sheet") + ".xlsx"
    return name


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def beside(page: Path, link: str) -> str:
    """A saved page's link: its local target if that exists, else a copy of that name beside the page, else the link."""
    parts = urlsplit(link)
    if parts.scheme == "file":
        target = Path(url2pathname(parts.path))
        if target.is_file():
            return str(target)
    sibling = page.parent / Path(unquote(parts.path)).name
    if sibling.is_file():
        return str(sibling)
    return link
