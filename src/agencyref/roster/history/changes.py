"""What changed between two snapshots of ICE's list: agreements added, ended, and changed."""

from __future__ import annotations

import msgspec

from agencyref.errors import NoResultsError
from agencyref.roster.history.model import Listing, Version, agency_key, moa_in
from agencyref.roster.history.store import OpenHistory, _present


class Change(msgspec.Struct, frozen=True):
    kind: str  # "added", "ended" or "changed"
    state: str
    agency: str
    model: str
    agency_type: str
    fields: dict[str, list[str | None]]  # field -> [before, after]


class ChangeSet(msgspec.Struct, frozen=True):
    since: str  # date of the older snapshot
    until: str
    changes: list[Change]
    # Plain set arithmetic on the two participating lists (identity: state + agency + model), for
    # counts anyone can redo from the sheets: "before", "after", "joined" (on the newer list only,
    # including former pending requests and new models), "left" (on the older list only), and
    # "renamed" (on both, under a new name: counted once by name on each side, by names alone).
    participating: dict[str, int] = {}


def _version(x: Listing, index: int) -> Version:
    found = x.versions[0]
    for v in x.versions:
        if v.since <= index:
            found = v
    return found


def _status(x: Listing, p: int | None, q: int | None) -> str | None:
    if p is not None and _present(x.participating, p):
        return "participating"
    if q is not None and _present(x.pending, q):
        return "pending"
    return None


def changes(
    history: OpenHistory,
    since: str | None = None,
    until: str | None = None,
    state: str | None = None,
    model: str | None = None,
    agency_type: str | None = None,
) -> ChangeSet:
    """Compare the lists in force at two dates (default: the last two participating lists).

    A list is "in force" from its date until the next one; a pending list stays in force while
    ICE publishes none newer. An agency whose agreement of one model ends as one of another model
    starts shows as one change of model.
    """
    part = [i for i, s in enumerate(history.snapshots) if s.list == "participating"]
    if len(part) < 2:
        raise NoResultsError("the history holds fewer than two participating lists")
    after = history.first_index(until) if until else part[-1]
    if after is None:
        raise NoResultsError(f"no participating list on or before {until}")
    if since:
        before = history.first_index(since)
        if before is None:
            before = part[0]
    else:
        earlier = [i for i in part if i < after]
        if not earlier:
            raise NoResultsError(f"no participating list before {history.snapshots[after].date}")
        before = earlier[-1]
    snaps = history.snapshots
    q_before = history.first_index(snaps[before].date, "pending")
    q_after = history.first_index(snaps[after].date, "pending")
    out: list[Change] = []
    ended: dict[tuple[str, str], Change] = {}
    plain = {"before": 0, "after": 0, "joined": 0, "left": 0, "renamed": 0}
    for x in history.agreements:
        if (state and x.state != state) or (model and x.model != model):
            continue
        in0, in1 = _present(x.participating, before), _present(x.participating, after)
        if (in0 or in1) and (
            not agency_type or agency_type in (_version(x, before).agency_type, _version(x, after).agency_type)
        ):
            plain["before"] += in0
            plain["after"] += in1
            plain["joined"] += in1 and not in0
            plain["left"] += in0 and not in1
            if in0 and in1 and agency_key(_version(x, before).agency) != agency_key(_version(x, after).agency):
                plain["renamed"] += 1
        s0, s1 = _status(x, before, q_before), _status(x, after, q_after)
        if s0 is None and s1 is None:
            continue
        v0, v1 = _version(x, before), _version(x, after)
        if agency_type and agency_type not in (v0.agency_type, v1.agency_type):
            continue
        v = v1 if s1 else v0
        if s0 is None or s1 is None:
            kind = "added" if s0 is None else "ended"
            change = Change(kind, x.state, v.agency, x.model, v.agency_type, {"status": [s0, s1]})
            out.append(change)
            if kind == "ended":
                ended[(x.state, v.agency.casefold())] = change
            continue
        fields: dict[str, list[str | None]] = {}
        if s0 != s1:
            fields["status"] = [s0, s1]
        if s0 == s1 == "participating":
            for name, a, b in (
                ("moa", moa_in(v0.moa), moa_in(v1.moa)),
                ("signed", v0.signed, v1.signed),
                ("agency", v0.agency, v1.agency),
                ("agency_type", v0.agency_type, v1.agency_type),
            ):
                if a != b:
                    fields[name] = [a, b]
        if fields:
            out.append(Change("changed", x.state, v1.agency, x.model, v1.agency_type, fields))
    out = _pair_model_changes(out, ended)
    out.sort(key=lambda c: (c.kind, c.state, c.agency.casefold(), c.model))
    return ChangeSet(snaps[before].date, snaps[after].date, out, plain)


def _pair_model_changes(out: list[Change], ended: dict[tuple[str, str], Change]) -> list[Change]:
    """An agency losing one model's agreement as it gains another's: one change of model."""
    drop: set[int] = set()
    paired: list[Change] = []
    for c in out:
        old = ended.get((c.state, c.agency.casefold()))
        if c.kind == "added" and old is not None and id(old) not in drop and old.model != c.model:
            drop.update({id(old), id(c)})
            paired.append(Change("changed", c.state, c.agency, c.model, c.agency_type, {"model": [old.model, c.model]}))
    return [c for c in out if id(c) not in drop] + paired
