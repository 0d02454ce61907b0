"""Open the 287(g) roster in use (user import, override, or bundled), through the cache."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any

from .cache import cached
from .load import read_bytes, roster_path
from .model import Roster, Source

ROSTER_SOURCE_ID = "ice-287g-roster"


class OpenRoster:
    def __init__(self, roster: Roster, path: Path, origin: str) -> None:
        self.roster = roster
        self.path = path
        self.origin = origin  # "override", "user" or "bundled"

    @cached_property
    def index(self) -> Any:
        from .roster_query import RosterIndex

        return RosterIndex.build(self.roster)

    @property
    def source(self) -> Source:
        """The roster as a citable source, dated by its snapshot."""
        return Source(
            id=ROSTER_SOURCE_ID,
            title="287(g) participating and pending agencies (ICE spreadsheet, as imported by agencyref)",
            publisher="U.S. Immigration and Customs Enforcement",
            url=self.roster.source_url,
            kind="dataset",
            published=self.roster.as_of,
        )

    def age_days(self, today: dt.date | None = None) -> int | None:
        try:
            as_of = dt.date.fromisoformat(self.roster.as_of)
        except ValueError:
            return None
        return ((today or dt.date.today()) - as_of).days


def open_roster(override: str | None = None) -> OpenRoster:
    from .roster import decode_roster

    path, origin = roster_path(override)
    data = read_bytes(path)
    roster = cached("roster", data, Roster, lambda: decode_roster(data, str(path)))
    return OpenRoster(roster, path, origin)


def roster_summary(override: str | None = None) -> dict[str, Any]:
    opened = open_roster(override)
    r = opened.roster
    participating = sum(1 for a in r.agreements if a.status == "participating")
    return {
        "as_of": r.as_of,
        "source_url": r.source_url,
        "source_files": r.source_files,
        "agreements": participating,
        "pending": len(r.agreements) - participating,
        "age_days": opened.age_days(),
    }
