"""Two rosters → what was added, removed and changed."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.roster.model import Agreement, Roster

DIFF_FIELDS = ("signed", "moa_url", "moa_status", "addendum_url", "county", "agency_type")


class AgreementChange(msgspec.Struct, frozen=True):
    old: Agreement
    new: Agreement
    fields: list[str]  # names from DIFF_FIELDS that differ


class RosterDiff(msgspec.Struct, frozen=True):
    added: list[Agreement]
    removed: list[Agreement]
    changed: list[AgreementChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_key(a: Agreement) -> tuple[str, str, str, str]:
    return (a.state, " ".join(a.agency.split()).casefold(), a.model, a.status)


def diff_rosters(old: Roster, new: Roster) -> RosterDiff:
    """What changed between two rosters, keyed on (state, agency, model, status).

    An agency can hold several agreements under one key (re-signed); those are
    paired in signed-date order and any surplus is added or removed.
    """

    def grouped(roster: Roster) -> dict[tuple[str, str, str, str], list[Agreement]]:
        groups: dict[tuple[str, str, str, str], list[Agreement]] = {}
        for a in roster.agreements:
            groups.setdefault(diff_key(a), []).append(a)
        for items in groups.values():
            items.sort(key=lambda a: (a.signed or a.signed_raw or "", a.row))
        return groups

    before, after = grouped(old), grouped(new)
    added: list[Agreement] = []
    removed: list[Agreement] = []
    changed: list[AgreementChange] = []
    for key in sorted(before.keys() | after.keys()):
        olds, news = before.get(key, []), after.get(key, [])
        # Pair identical-signed agreements first so a re-signing shows as an addition.
        remaining_new = list(news)
        unmatched_old: list[Agreement] = []
        for a in olds:
            match = next((b for b in remaining_new if b.signed == a.signed), None)
            if match is None:
                unmatched_old.append(a)
            else:
                remaining_new.remove(match)
                _record_change(a, match, changed)
        for a, b in zip(unmatched_old, remaining_new, strict=False):
            _record_change(a, b, changed)
        removed.extend(unmatched_old[len(remaining_new) :])
        added.extend(remaining_new[len(unmatched_old) :])
    return RosterDiff(added=added, removed=removed, changed=changed)


def _record_change(a: Agreement, b: Agreement, changed: list[AgreementChange]) -> None:
    fields = [f for f in DIFF_FIELDS if getattr(a, f) != getattr(b, f)]
    if fields:
        changed.append(AgreementChange(old=a, new=b, fields=fields))


def diff_to_dict(diff: RosterDiff) -> dict[str, Any]:
    """JSON-ready form of a diff."""

    def brief(a: Agreement) -> dict[str, Any]:
        return {"state": a.state, "agency": a.agency, "model": a.model, "status": a.status, "signed": a.signed}

    return {
        "added": [brief(a) for a in diff.added],
        "removed": [brief(a) for a in diff.removed],
        "changed": [
            {
                **brief(c.new),
                "fields": c.fields,
                "old": {f: getattr(c.old, f) for f in c.fields},
                "new": {f: getattr(c.new, f) for f in c.fields},
            }
            for c in diff.changed
        ],
    }
