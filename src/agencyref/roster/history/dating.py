"""Which date does a sheet hold? The name says one thing; the rows must agree.

ICE names its sheets ``participatingAgencies07182025pm.xlsx`` (MMDDYYYY + am/pm/mid); a web
archive's copies are ``participatingAgencies-20250222170629.xlsx`` (capture time). Names are
hand-typed and some are wrong, so a name's date is used only when the contents agree:

1. a list cannot be older than its newest signing date;
2. a weekly series does not run backwards: a sheet whose rows are nearly the same as a sheet
   dated weeks away (and less like its neighbours by name) belongs beside that sheet.

A sheet failing either is placed beside the sheet it most resembles; the date is the one typo of
its name (year, month ±1, or day and month swapped) that fits between its new neighbours and its
signing dates, else the earliest date the evidence allows. A pending sheet named like a
participating sheet that moved (ICE publishes both together) moves with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_ICE = re.compile(r"(\d{2})(\d{2})(\d{4})(am|pm|mid)?(?!\d)", re.IGNORECASE)
_STAMP = re.compile(r"-(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?!\d)")
NEARLY_SAME = 0.9  # share of rows (Jaccard) that makes two lists "nearly the same"
FAR_DAYS = 14  # a nearly-same sheet further than this by name is out of place


def name_date(name: str) -> tuple[dt.date | None, str]:
    """(date, the stamp it came from) read from a file name; (None, "") when there is none."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if m := _STAMP.search(stem):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), m[0].lstrip("-")
        except ValueError:
            pass
    for m in _ICE.finditer(stem):
        try:
            return dt.date(int(m[3]), int(m[1]), int(m[2])), m[0]
        except ValueError:
            continue
    return None, ""


@dataclass
class Sheet:
    """One list to date. ``keys`` identify its agreements; ``trusted`` sheets are already dated."""

    name: str
    kind: str  # "participating" or "pending"
    keys: frozenset[tuple[str, str, str]]
    named: dt.date | None
    stamp: str = ""  # the name's date text, to pair a pending sheet with its participating one
    newest_signed: dt.date | None = None
    trusted: bool = False  # a snapshot already in the history
    date: dt.date | None = None
    dated_by: str = "name"
    notes: list[str] = field(default_factory=list)


def similarity(a: frozenset[tuple[str, str, str]], b: frozenset[tuple[str, str, str]]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def _typos(named: dt.date) -> list[dt.date]:
    out = []
    for y, m, d in (
        (named.year + 1, named.month, named.day),
        (named.year - 1, named.month, named.day),
        (named.year, named.month + 1, named.day),
        (named.year, named.month - 1, named.day),
        (named.year, named.day, named.month),
    ):
        try:
            out.append(dt.date(y, m, d))
        except ValueError:
            continue
    return out


def date_sheets(sheets: Sequence[Sheet], as_of: dt.date | None = None) -> None:
    """Set ``date``, ``dated_by`` and ``notes`` of every untrusted sheet (in place)."""
    for s in sheets:
        if s.trusted:
            continue
        s.date, s.dated_by = s.named, "name"
        if as_of is not None:
            s.date, s.dated_by = as_of, "as-of"
    if as_of is not None:
        return
    for kind in ("participating", "pending"):
        group = [s for s in sheets if s.kind == kind]
        _date_group(group, [s for s in group if not s.trusted])
    _follow_siblings(sheets)


def _date_group(group: list[Sheet], todo: list[Sheet]) -> None:
    suspect: dict[int, str] = {}
    for s in todo:
        if s.date is None:
            suspect[id(s)] = "the file name holds no date"
        elif s.newest_signed and s.newest_signed > s.date:
            suspect[id(s)] = f"the name says {s.date}, but the list signs agreements up to {s.newest_signed}"
    dated = [s for s in group if s.date is not None and id(s) not in suspect]
    dated.sort(key=lambda s: (s.date, s.name))
    misplaced = _out_of_order(dated, todo)
    suspect.update(misplaced)
    anchors = [s for s in dated if id(s) not in suspect]
    for s in todo:
        if id(s) in suspect:
            _redate(s, anchors, suspect[id(s)])


def _lag(s: Sheet) -> int:
    return (s.date - s.newest_signed).days if s.date and s.newest_signed else 0


def _out_of_order(dated: list[Sheet], todo: list[Sheet]) -> dict[int, str]:
    """Sheets nearly the same as one dated far away, and less like their own neighbours."""
    found: dict[int, tuple[Sheet, Sheet, float]] = {}
    for i, s in enumerate(dated):
        if s.trusted or not s.keys:
            continue
        best, score = None, 0.0
        for t in dated:
            if t is not s and (sc := similarity(s.keys, t.keys)) > score:
                best, score = t, sc
        if best is None or score < NEARLY_SAME or abs((best.date - s.date).days) <= FAR_DAYS:  # type: ignore[operator]
            continue
        near = [similarity(s.keys, dated[j].keys) for j in (i - 1, i + 1) if 0 <= j < len(dated)]
        if near and max(near) >= score - 0.02:
            continue
        found[id(s)] = (s, best, score)
    out = {}
    for s, best, score in found.values():
        # Two sheets pointing at each other: the one whose name is further from its signings moved.
        if id(best) in found and found[id(best)][1] is s and _lag(best) > _lag(s):
            continue
        out[id(s)] = f"its rows match the list of {best.date} ({score:.1%} the same), not its neighbours by name"
    return out


def _redate(s: Sheet, anchors: list[Sheet], why: str) -> None:
    s.notes.append(why)
    if not anchors or not s.keys:
        if s.newest_signed:
            s.date, s.dated_by = s.newest_signed, "evidence"
            s.notes.append(f"dated {s.date}, its newest signing date (give --as-of to override)")
        return
    scores = [similarity(s.keys, a.keys) for a in anchors]
    k = max(range(len(anchors)), key=lambda i: (scores[i], i))
    before = scores[k - 1] if k > 0 else -1.0
    after = scores[k + 1] if k + 1 < len(anchors) else -1.0
    lo = anchors[k - 1].date if before > after else anchors[k].date  # the side it resembles more
    floor = max(d for d in (lo, s.newest_signed) if d is not None) if (lo or s.newest_signed) else None
    # A typo may land on either side of the sheet it matches: between that sheet's neighbours.
    wide_lo = anchors[k - 1].date if k > 0 else None
    wide_hi = anchors[k + 1].date if k + 1 < len(anchors) else None
    least = max(d for d in (wide_lo, s.newest_signed) if d is not None) if (wide_lo or s.newest_signed) else None
    fits = [
        d
        for d in (_typos(s.named) if s.named else [])
        if (least is None or d >= least) and (wide_hi is None or d <= wide_hi)
    ]
    if fits:
        s.date = min(fits, key=lambda d: abs((d - s.named).days) if s.named else 0)
        s.notes.append(f"dated {s.date}: the one reading of the name that fits between its neighbours")
    elif floor is not None:
        s.date = floor
        s.notes.append(f"dated {s.date}, the earliest date its rows and neighbours allow")
    s.dated_by = "evidence"


def _follow_siblings(sheets: Sequence[Sheet]) -> None:
    moved = {s.stamp: s for s in sheets if s.kind == "participating" and s.dated_by == "evidence" and s.stamp}
    for s in sheets:
        p = moved.get(s.stamp)
        if s.kind == "pending" and not s.trusted and p is not None and s.dated_by == "name":
            s.date, s.dated_by = p.date, "sibling"
            s.notes.append(f"named like {p.name}, which holds the list of {p.date}; dated alike")
