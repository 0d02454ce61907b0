"""The default ingest step: sheets → the user's roster, with what changed since the roster in use.

Stands in for ``agencyref.roster.history.ingest.ingest`` (which also keeps every snapshot in the
user's history) until that lands; both take ``(paths, as_of)`` and answer with the same report
keys as ``agencyref import-287g --json``, plus ``became_current``.
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
    from agencyref.paths import ROSTER_FILE, user_data_dir
    from agencyref.roster.file import write_roster_atomic
    from agencyref.roster.ice287g import diff_rosters, diff_to_dict, import_sheets, report_to_dict

    result = prepared if prepared is not None else import_sheets(list(paths), as_of=as_of)
    folder = user_data_dir()
    if folder is None:
        raise UsageError("there is no home directory for your roster: set XDG_DATA_HOME")
    target = folder / ROSTER_FILE
    previous = roster_in_use(roster_override)
    newest = previous is None or result.roster.as_of >= previous.as_of
    if newest:
        write_roster_atomic(result.roster, target)
    diff = diff_rosters(previous, result.roster) if previous is not None else None
    return {
        "as_of": result.roster.as_of,
        "source_url": result.roster.source_url,
        "source_files": result.roster.source_files,
        "written_to": str(target) if newest else None,
        "became_current": newest,
        "report": report_to_dict(result.report),
        "changes": diff_to_dict(diff) if diff is not None else None,
        "previous_as_of": previous.as_of if previous is not None else None,
    }
