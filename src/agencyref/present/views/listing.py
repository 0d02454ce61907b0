"""When ICE's weekly lists first and last showed an agreement, beside it in every roster answer."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.roster.model import Agreement

# "=<agency as spelled>|<model>" or "<folded agency>|<model>" -> first, last listed, ended on
Listed = dict[str, tuple[str, str, str | None]]


def listing(a: Agreement, listed: Listed | None) -> tuple[str, str, str | None] | None:
    if not listed:
        return None
    found = listed.get(f"={a.agency}|{a.model}")  # the usual case: spelled as on a sheet of the history
    if found is not None:
        return found
    from agencyref.roster.history.model import agency_key as history_key

    return listed.get(f"{history_key(a.agency)}|{a.model}")


def listed_text(a: Agreement, listed: Listed | None) -> str:
    """When ICE's weekly lists first and last showed the agreement (from the bundled history)."""
    dates = listing(a, listed)
    if dates is None:
        return "—"
    first, last, ended = dates
    return f"since {first}" if ended is None else f"{first} to {last}, gone {ended}"


def with_listing(agreements: list[Agreement], listed: Listed | None) -> list[dict[str, Any]]:
    """The agreements as JSON, each with its first and last listing and the date it ended, if any."""
    out = []
    for a in agreements:
        row: dict[str, Any] = msgspec.to_builtins(a)
        dates = listing(a, listed)
        row["first_listed"], row["last_listed"], row["ended"] = dates if dates else (None, None, None)
        out.append(row)
    return out


def listed_in_state(state: str) -> Listed:
    """The history's listing dates for one state; empty when no history can be read."""
    from agencyref.errors import DataError
    from agencyref.roster.history.store import listed_for_state

    try:
        return listed_for_state(state)
    except DataError:
        return {}
