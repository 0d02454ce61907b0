"""Shell completion for place arguments: counties, cities and agency keys from the placement file."""

from __future__ import annotations

from agencyref.roster.places.store import Placement, load_placement

LIMIT = 60


def complete_place(incomplete: str, placement: Placement | None = None) -> list[str]:
    """``fl/pin`` → agency keys; ``Pinel`` → ``Pinellas County, FL``; ``St. Pete`` → ``St. Petersburg, FL``."""
    placement = placement or load_placement()
    typed = incomplete.strip().casefold()
    if "/" in typed:
        state = typed.partition("/")[0].upper()
        return sorted(k for k in placement.agencies(state) if k.startswith(typed))[:LIMIT]
    head, _, tail = typed.partition(",")
    wanted_state = tail.strip().upper()
    out: list[str] = []
    for state in placement.state_codes:
        if wanted_state and not state.startswith(wanted_state):
            continue
        places = placement.places(state)
        out += [f"{c}, {state}" for c in places.counties if c.casefold().startswith(head)]
        out += [f"{c}, {state}" for c in places.cities if c.casefold().startswith(head)]
        if len(out) >= LIMIT:
            break
    return out[:LIMIT]
