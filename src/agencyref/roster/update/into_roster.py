"""The default ingest step: sheets → the user's history and, when newest, the user's roster.

It goes through ``agencyref.roster.history.ingest.ingest`` (the same step as ``import-287g``): the
snapshot joins the user's history, and becomes the roster in use only if it is the newest list.
It answers with the report keys of ``agencyref import-287g --json``, plus ``became_current`` and
``history``. A failure restores the history file as it was, so nothing is lost half-way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agencyref.errors import DataError, UsageError

if TYPE_CHECKING:
    from agencyref.roster.ice287g import ImportResult
    from agencyref.roster.model import Roster

# (sheet paths, as_of or None) -> report; see the module docstring for the keys.
IngestFn = Callable[[Sequence[Path], str | None], dict[str, Any]]


def roster_in_use(override: str | None = None) -> Roster | None:
    """The roster every command reads now, or None if it cannot be read (then there is nothing to compare with)."""
    from agencyref.roster.store import open_roster

    try:
        return open_roster(override).roster
    except DataError:
        return None


def ingest_into_roster(
    paths: Sequence[Path],
    as_of: str | None = None,
    *,
    prepared: ImportResult | None = None,
    roster_override: str | None = None,
) -> dict[str, Any]:
    """Import the sheets (or take ``prepared``, their import already done) and write the user's roster,
    atomically, unless the roster in use is newer. Raises :class:`DataError` if the roster cannot be written."""
    import msgspec

    from agencyref.paths import ROSTER_FILE, user_data_dir
    from agencyref.roster.history.ingest import ingest
    from agencyref.roster.history.model import HISTORY_FILE
    from agencyref.roster.ice287g import diff_rosters, diff_to_dict, import_sheets, report_to_dict

    result = prepared if prepared is not None else import_sheets(list(paths), as_of=as_of)
    folder = user_data_dir()
    if folder is None:
        raise UsageError("there is no home directory for your roster: set XDG_DATA_HOME")
    target = folder / ROSTER_FILE
    previous = roster_in_use(roster_override)
    history_file = folder / HISTORY_FILE
    saved = history_file.read_bytes() if history_file.is_file() else None
    try:
        newest_before = _newest_listed(history_file)
        added = ingest(list(paths), as_of, data_dir=folder, write_roster=False)
        # The list becomes the roster in use when it is at least as new as that roster and as the
        # newest list in the history (an update can bring back a list you had replaced by hand).
        day = result.roster.as_of
        newest = (previous is None or day >= previous.as_of) and day >= newest_before
        if newest:
            from agencyref.roster.history.ingest import roster_from_sheets

            pending_sheet = any(r.status == "pending" for r in result.roster.agreements) or any(
                Path(p).name.casefold().startswith("pending") for p in paths
            )
            roster_from_sheets(list(paths), day, target, keep_pending=not pending_sheet)
    except BaseException:
        _restore(history_file, saved)
        raise
    diff = diff_rosters(previous, result.roster) if previous is not None else None
    return {
        "as_of": result.roster.as_of,
        "source_url": result.roster.source_url,
        "source_files": result.roster.source_files,
        "written_to": str(target) if newest else None,
        "became_current": newest,
        "history": msgspec.to_builtins(added),
        "report": report_to_dict(result.report),
        "changes": diff_to_dict(diff) if diff is not None else None,
        "previous_as_of": previous.as_of if previous is not None else None,
    }


def _restore(path: Path, saved: bytes | None) -> None:
    """Put the history file back as it was before a failed ingest."""
    import contextlib

    from agencyref.atomic import write_bytes_atomic

    with contextlib.suppress(OSError):
        if saved is None:
            path.unlink(missing_ok=True)
        else:
            write_bytes_atomic(path, saved, mode=0o644)


def _newest_listed(history_file: Path) -> str:
    """The date of the newest participating list in the user's history (or the bundled one)."""
    from agencyref.errors import DataError
    from agencyref.files import read_bytes
    from agencyref.paths import bundled
    from agencyref.roster.history.model import HISTORY_FILE, decode_history

    source = history_file if history_file.is_file() else bundled(HISTORY_FILE)
    try:
        history = decode_history(read_bytes(source), str(source))
    except DataError:
        return ""
    return max((s.date for s in history.snapshots if s.list == "participating"), default="")
