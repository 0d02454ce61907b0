"""Bring ICE's current 287(g) list in: find the sheets, download them, check them, ingest them.

Everything is downloaded into a temporary folder and checked (a real workbook that the importer
reads) before the ingest step replaces anything, and that step writes atomically; whatever fails
on the way leaves the user's roster, history and update state as they were.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from agencyref.errors import DataError, UsageError
from agencyref.roster.update.client import Client, Fetched, Validators
from agencyref.roster.update.errors import HTTPStatusError, SheetError, UnsafeURLError
from agencyref.roster.update.into_roster import IngestFn, ingest_into_roster, roster_in_use
from agencyref.roster.update.page import PAGE_URL, find_sheet_links, sheet_kind
from agencyref.roster.update.sources import (
    SHEET_SUFFIXES,
    as_of_for,
    beside,
    check_workbook,
    dated_snapshots,
    file_size,
    local_name,
    sheet_date,
    sheet_kind_of,
    sheets_in,
)
from agencyref.roster.update.state import Imported, PageState, load_state, save_state

if TYPE_CHECKING:
    from agencyref.roster.ice287g import ImportResult
    from agencyref.roster.model import Roster

Progress = Callable[[str], None]


@dataclass
class Sheet:
    kind: str  # "participating" or "pending"
    location: str  # URL or local path
    path: Path | None = None  # local copy once fetched
    size: int = 0
    not_modified: bool = False
    fetched: Fetched | None = None


@dataclass
class UpdateResult:
    """What an update (or a check) found and did. ``status``: updated, current, not-newer or newer-available."""

    status: str
    source: str
    list_as_of: str | None  # the date of the list found (from its file names; None if they carry none)
    in_use_as_of: str | None  # the roster in use before this call
    sheets: list[Sheet] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)  # one ingest report per snapshot, oldest first
    notes: list[str] = field(default_factory=list)


def run_update(
    source: str | None = None,
    *,
    check: bool = False,
    ingest: IngestFn | None = None,
    client: Client | None = None,
    state_path: Path | None = None,
    roster_override: str | None = None,
    progress: Progress | None = None,
) -> UpdateResult:
    """Update from ICE's page, or from ``source``: a page URL, a sheet URL, a saved page, a sheet file or a folder of sheets.

    ``check``: only say whether the list found is newer than the roster in use (nothing downloaded
    but the page). ``ingest`` replaces the default step (write the user's roster) with another,
    such as adding the snapshot to a history. Raises an :class:`UpdateError`, :class:`UsageError`
    or :class:`DataError`; nothing is replaced when it does.
    """
    job = _Job(client or Client(), ingest, state_path, roster_override, progress or (lambda _: None))
    where = source or PAGE_URL
    local = _local_path(where)
    with tempfile.TemporaryDirectory(prefix="agencyref-update-") as tmp:
        job.tmp = Path(tmp)
        if local is None:
            if sheet_kind(where) is not None and urlsplit(where).path.casefold().endswith(SHEET_SUFFIXES):
                result = job.from_sheets(where, [Sheet(sheet_kind(where) or "participating", where)], check)
            else:
                result = job.from_page_url(where, check)
        elif local.is_dir():
            result = job.from_files(str(local), sheets_in(local), check)
        elif local.suffix.casefold() in SHEET_SUFFIXES:
            result = job.from_files(str(local), [local], check)
        else:
            result = job.from_saved_page(local, check)
    _note_override(result, roster_override)
    return result


def _note_override(result: UpdateResult, override: str | None) -> None:
    from agencyref.roster.store import roster_path

    path, origin = roster_path(override)
    written = next((s.get("written_to") for s in reversed(result.snapshots) if s.get("written_to")), None)
    if origin == "override" and written and Path(written) != path:
        result.notes.append(
            f"the roster in use is {path} (--roster or AGENCYREF_ROSTER), which stays in use; "
            f"the updated roster is {written}"
        )


def _local_path(where: str) -> Path | None:
    """None for a URL to fetch; the path for a local file or folder (also given as file:)."""
    scheme = urlsplit(where).scheme.casefold()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        path = Path(url2pathname(urlsplit(where).path))
    elif re.match(r"^[a-z][a-z0-9+.-]+://", where, re.IGNORECASE):
        raise UnsafeURLError(f"refusing {where}: only https:// URLs (or a local file or folder) can be read")
    else:
        path = Path(where).expanduser()
    if not path.exists():
        raise UsageError(f"--from {where}: no such file or folder")
    return path


class _Job:
    def __init__(
        self, client: Client, ingest: IngestFn | None, state_path: Path | None, override: str | None, progress: Progress
    ) -> None:
        self.client = client
        self.ingest = ingest
        self.state_path = state_path
        self.state = load_state(state_path)
        self.override = override
        self.progress = progress
        self.tmp = Path()
        self.in_use: Roster | None = roster_in_use(override)
        self.page_state: tuple[str, PageState] | None = None

    # ---- where the sheets are ------------------------------------------------------------

    def from_page_url(self, url: str, check: bool) -> UpdateResult:
        known = self.state.pages.get(url)
        validators = None
        if known is not None and known.participating:
            validators = Validators(known.etag, known.last_modified)
        self.progress(f"Reading {url}")
        page = self.client.fetch(
            url, self.tmp / "page.html", max_bytes=self.client.limits.page_bytes, validators=validators
        )
        if page.not_modified:
            if known is None:
                raise HTTPStatusError(f"{url}: HTTP 304 to a request that was not conditional", 304)
            self.progress("  the page has not changed since the last update")
            links = [("participating", known.participating)] + ([("pending", known.pending)] if known.pending else [])
        else:
            assert page.path is not None
            found = find_sheet_links(page.path.read_text(encoding="utf-8", errors="replace"), page.final_url)
            links = [("participating", found.participating)] + ([("pending", found.pending)] if found.pending else [])
            known = PageState(found.participating, found.pending, page.validators.etag, page.validators.last_modified)
        self.page_state = (url, known)
        return self.from_sheets(url, [Sheet(kind, link) for kind, link in links], check)

    def from_saved_page(self, page: Path, check: bool) -> UpdateResult:
        limit = self.client.limits.page_bytes
        try:
            if page.stat().st_size > limit:
                raise UsageError(f"--from {page}: over {limit:,} bytes; is it really ICE's page?")
            html = page.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise UsageError(f"--from {page}: cannot read it: {exc.strerror or exc}") from None
        found = find_sheet_links(html, page.resolve().as_uri())
        sheets = [Sheet("participating", found.participating)]
        if found.pending:
            sheets.append(Sheet("pending", found.pending))
        for sheet in sheets:  # a saved page's links may point at copies saved beside it
            sheet.location = beside(page, sheet.location)
            if urlsplit(sheet.location).scheme.casefold() == "file":
                raise UsageError(f"--from {page}: it links to {sheet.location}, which is not on this machine")
        return self.from_sheets(str(page), sheets, check)

    # ---- one snapshot from links ---------------------------------------------------------

    def from_sheets(self, origin: str, sheets: list[Sheet], check: bool) -> UpdateResult:
        names = [local_name(s.location) for s in sheets]
        dates = [d for d in (sheet_date(n) for n in names) if d is not None]
        list_date = max(dates) if dates else None
        result = UpdateResult("current", origin, list_date.isoformat() if list_date else None, self._in_use_as_of())
        result.sheets = sheets
        if check:
            result.status = "newer-available" if self._newer(list_date, names, result.notes) else "current"
            return result
        if not self._fetch_all(sheets):
            self.progress("  ICE's sheets have not changed since the last update")
            result.notes.append("the sheets have not changed since the last update; nothing downloaded")
            self._save_state(sheets, None)
            return result
        paths = [s.path for s in sheets if s.path is not None]
        for sheet in sheets:
            assert sheet.path is not None
            check_workbook(sheet.path, sheet.location)
        as_of = None if dates else self._undated_as_of(sheets, result.notes)
        prepared, paths = self._prepare(paths, as_of, origin, result.notes)
        report = self._ingest(paths, as_of, prepared)
        result.snapshots.append(report)
        result.status = "updated" if report.get("became_current", True) else "not-newer"
        self._save_state(sheets, report)
        return result

    def _fetch_all(self, sheets: list[Sheet]) -> bool:
        """Fetch every remote sheet into the temp folder; False when none changed since the last update."""
        remote = [s for s in sheets if urlsplit(s.location).scheme.casefold() in ("http", "https")]
        for sheet in sheets:
            if sheet not in remote:
                sheet.path = Path(sheet.location)
        trusted = self._state_matches_roster()
        for sheet in remote:
            self._fetch(sheet, conditional=trusted)
        if remote and len(remote) == len(sheets) and all(s.not_modified for s in remote):
            return False
        for sheet in remote:  # one changed and one did not: we keep no copies, so fetch the other again
            if sheet.not_modified:
                self._fetch(sheet, conditional=False)
        return True

    def _fetch(self, sheet: Sheet, *, conditional: bool) -> None:
        dest = self.tmp / local_name(sheet.location)
        validators = self.state.validators(sheet.location) if conditional else None
        self.progress(f"Downloading {sheet.location}")
        fetched = self.client.fetch(
            sheet.location, dest, max_bytes=self.client.limits.sheet_bytes, validators=validators
        )
        sheet.fetched, sheet.not_modified, sheet.size = fetched, fetched.not_modified, fetched.size
        sheet.path = None if fetched.not_modified else dest
        self.progress("  not modified since the last update" if fetched.not_modified else f"  {fetched.size:,} bytes")

    # ---- a folder (or file) of archived sheets ---------------------------------------------

    def from_files(self, origin: str, files: list[Path], check: bool) -> UpdateResult:
        snapshots, notes = dated_snapshots(files)
        if not snapshots:
            raise UsageError(
                f"--from {origin}: no ICE sheets (.xlsx or .csv) with a date in their names; "
                "import an undated sheet with `agencyref import-287g FILE --as-of YYYY-MM-DD`"
            )
        newest = snapshots[-1].date
        result = UpdateResult("current", origin, newest.isoformat() if newest else None, self._in_use_as_of())
        result.notes.extend(notes)
        result.sheets = [Sheet(sheet_kind_of(p), str(p), p, file_size(p)) for snap in snapshots for p in snap.paths]
        if check:
            names = [p.name for p in snapshots[-1].paths]
            result.status = "newer-available" if self._newer(newest, names, result.notes) else "current"
            return result
        # Check every snapshot before ingesting any, so a bad sheet anywhere replaces nothing.
        # Ordered by the date the importer gives each list, which corrects ICE's year typos in names.
        checked: list[tuple[str, list[Path], str | None]] = []
        newest_import: ImportResult | None = None  # one import kept in memory, not the whole archive
        for snap in snapshots:
            for path in snap.paths:
                check_workbook(path, str(path))
            if len(snapshots) > 1:
                self.progress(f"Checking {', '.join(p.name for p in snap.paths)}")
            as_of = as_of_for(snap)
            imported, paths = self._prepare(snap.paths, as_of, origin, result.notes, downloaded=False)
            checked.append((imported.roster.as_of, paths, as_of))
            if newest_import is None or imported.roster.as_of >= newest_import.roster.as_of:
                newest_import = imported
        checked.sort(key=lambda c: c[0])
        for i, (_, paths, as_of) in enumerate(checked):
            self.progress(f"Importing {', '.join(p.name for p in paths)}")
            report = self._ingest(paths, as_of, newest_import if i == len(checked) - 1 else None)
            result.snapshots.append(report)
        became = any(r.get("became_current", True) for r in result.snapshots)
        result.status = "updated" if became else "not-newer"
        return result

    # ---- shared steps ------------------------------------------------------------------

    def _prepare(
        self, paths: list[Path], as_of: str | None, origin: str, notes: list[str], *, downloaded: bool = True
    ) -> tuple[ImportResult, list[Path]]:
        """Import once to prove the importer reads these sheets, before anything is replaced; the import
        and the sheets it used (an empty pending sheet is left out: ICE publishes one when nobody waits)."""
        from agencyref.roster.ice287g import import_sheets

        try:
            return import_sheets(paths, as_of=as_of), paths
        except DataError as exc:
            empty = _empty_pending(paths, exc)
            if empty is not None:
                notes.append(f"{empty.name}: the pending list has a header and no rows; imported without it")
                return self._prepare([p for p in paths if p != empty], as_of, origin, notes, downloaded=downloaded)
            detail = "; ".join(str(p) for p in exc.problems[:5])
            hint = " If ICE changed its sheets, agencyref needs an update: please report it." if downloaded else ""
            raise SheetError(
                f"{origin}: a sheet could not be imported: {detail}. Nothing was replaced.{hint}"
            ) from None

    def _ingest(self, paths: list[Path], as_of: str | None, prepared: ImportResult | None) -> dict[str, Any]:
        if self.ingest is not None:
            return self.ingest(paths, as_of)
        return ingest_into_roster(paths, as_of, prepared=prepared, roster_override=self.override)

    def _in_use_as_of(self) -> str | None:
        return self.in_use.as_of if self.in_use is not None else None

    def _newer(self, list_date: dt.date | None, names: list[str], notes: list[str]) -> bool:
        if self.in_use is None:
            notes.append("the roster in use cannot be read")
            return True
        if list_date is not None:
            return list_date.isoformat() > self.in_use.as_of
        if set(names) <= set(self.in_use.source_files):
            return False
        notes.append("the sheets' names carry no date and differ from those of the roster in use")
        return True

    def _undated_as_of(self, sheets: list[Sheet], notes: list[str]) -> str:
        """A list whose file names carry no date is dated by the server's Last-Modified, else today."""
        from email.utils import parsedate_to_datetime

        for sheet in sheets:
            stamp = sheet.fetched.last_modified if sheet.fetched else None
            if stamp:
                try:
                    day = parsedate_to_datetime(stamp).date().isoformat()
                except (TypeError, ValueError):
                    continue
                notes.append(f"the sheets' names carry no date; dated {day} from the server's Last-Modified")
                return day
        today = dt.datetime.now(dt.UTC).date().isoformat()
        notes.append(f"the sheets' names carry no date; dated today ({today})")
        return today

    def _state_matches_roster(self) -> bool:
        """Validators count only while the roster in use is the one the last update produced."""
        done = self.state.imported
        return (
            done is not None
            and self.in_use is not None
            and done.as_of == self.in_use.as_of
            and done.source_files == self.in_use.source_files
        )

    def _save_state(self, sheets: list[Sheet], report: dict[str, Any] | None) -> None:
        if self.page_state is not None:
            self.state.pages[self.page_state[0]] = self.page_state[1]
        for sheet in sheets:
            if sheet.fetched is not None and not sheet.fetched.not_modified:
                self.state.remember(sheet.location, sheet.fetched.validators)
        if report is not None:
            if report.get("became_current", True):
                self.state.imported = Imported(str(report["as_of"]), list(report["source_files"]))
            else:
                self.state.imported = None
        save_state(self.state_path, self.state)


def _empty_pending(paths: list[Path], exc: DataError) -> Path | None:
    """The pending sheet the importer refused only for having no rows, if that is the whole problem."""
    if len(paths) < 2 or len(exc.problems) != 1 or "no data rows" not in exc.problems[0].message:
        return None
    return next((p for p in paths if p.name == exc.problems[0].file and p.name.casefold().startswith("pending")), None)
