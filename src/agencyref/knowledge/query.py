"""Pure questions over the knowledge base: aspects, who handles what, search, timeline."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import msgspec

from agencyref.errors import NotFoundError, UsageError
from agencyref.knowledge import model as m
from agencyref.knowledge.names import normalize
from agencyref.knowledge.store import Knowledge

# The fixed comparison aspects, in display order: every agency answers each one.
ASPECTS: tuple[tuple[str, str], ...] = (
    ("level", "Level of government"),
    ("parent", "Parent / answers to"),
    ("established", "Established"),
    ("legal_basis", "Legal basis"),
    ("geographic_jurisdiction", "Geographic jurisdiction"),
    ("subject_matter_jurisdiction", "Subject-matter jurisdiction"),
    ("mission", "Mission"),
    ("typical_cases", "Typical cases"),
    ("arrest_powers", "Arrest powers"),
    ("warrants", "Warrants used"),
    ("detention", "Detention"),
    ("oversight", "Oversight"),
    ("size", "Size"),
    ("immigration_role", "Role in immigration enforcement"),
    ("community_role", "Community role"),
)
ASPECT_KEYS = tuple(k for k, _ in ASPECTS)


def pick_aspects(requested: Iterable[str]) -> list[tuple[str, str]]:
    wanted = [normalize(r) for r in requested]
    if not wanted:
        return list(ASPECTS)
    by_norm = {normalize(k): (k, label) for k, label in ASPECTS} | {normalize(lbl): (k, lbl) for k, lbl in ASPECTS}
    out = []
    for raw, norm in zip(requested, wanted, strict=True):
        if norm not in by_norm:
            close = difflib.get_close_matches(norm, list(by_norm), n=3)
            hint = f"; did you mean {', '.join(by_norm[c][0] for c in close)}?" if close else ""
            raise UsageError(f"unknown aspect {raw!r}{hint} (aspects: {', '.join(ASPECT_KEYS)})")
        out.append(by_norm[norm])
    return out


def figure_text(f: m.Figure) -> str:
    value = f"{f.value:,.0f}" if f.value == int(f.value) else f"{f.value:,}"
    return f"{f.label}: {value} {f.unit} (as of {f.as_of})"


def aspect_value(agency: m.Agency, aspect: str) -> tuple[str, list[str]]:
    """An aspect of an agency as (text, source ids)."""
    if aspect == "level":
        return agency.level, []
    if aspect == "established":
        e = agency.established
        return (f"{e.date} — {e.law}" if e.law else e.date), e.sources
    if aspect == "size":
        texts = [figure_text(f) for f in agency.size]
        return ("; ".join(texts) if texts else "—"), [s for f in agency.size for s in f.sources]
    fact: m.Fact = getattr(agency, aspect)
    return fact.text, fact.sources


def find_matters(k: Knowledge, text: str) -> list[m.Matter]:
    """Matters named by ``text``: exact name/alias first, else every matter whose words match."""
    exact = [e for e in k.names.lookup(text, ["matter"])]
    if exact:
        return [k.matters[e.key] for e in exact]
    words = _words(text)
    if not words:
        return []
    hits = []
    for mt in list(k.matters.values()):
        blob = " ".join([mt.key, mt.name, *mt.aliases]).casefold()
        if all(w in blob for w in words):
            hits.append(mt)
    if not hits:
        raise NotFoundError("case type", text, k.names.suggest(text, ["matter"]))
    return hits


class Hit(msgspec.Struct, frozen=True):
    score: float
    kind: str
    key: str
    label: str
    snippet: str


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text[:500].casefold()) if len(w) > 1 or w.isdigit()]


def _snippet(body: str, words: list[str], width: int = 120) -> str:
    low = body.casefold()
    at = min((low.find(w) for w in words if w in low), default=0)
    start = max(0, at - 40)
    text = body[start : start + width].strip()
    return ("…" if start else "") + text + ("…" if start + width < len(body) else "")


def _documents(k: Knowledge) -> Iterable[tuple[str, str, str, str, str]]:
    """(kind, key, label, names, body) for every searchable entity."""
    for a in list(k.agencies.values()):
        body = " ".join(getattr(a, f).text for f in ASPECT_KEYS if f not in ("level", "established", "size"))
        yield "agency", a.key, a.name, " ".join([a.key, a.name, *a.aliases]), body
        for c in a.components:
            yield "component", c.key, c.name, " ".join([c.key, c.name, *c.aliases]), c.summary
    for p in list(k.programs.values()):
        body = " ".join([p.summary.text, p.legal_basis.text, *(h.text for h in p.history)])
        body += " ".join(v.name + " " + v.summary.text for v in p.variants)
        yield "program", p.key, p.name, " ".join([p.key, p.name, *p.aliases]), body
    for mt in list(k.matters.values()):
        yield "matter", mt.key, mt.name, " ".join([mt.key, mt.name, *mt.aliases]), mt.note
    for t in list(k.terms.values()):
        yield "term", t.key, t.term, " ".join([t.key, t.term, *t.aliases]), t.definition
    for s in list(k.states.values()):
        body = " ".join([s.summary or "", *(f"{law.name} {law.citation} {law.summary}" for law in s.laws)])
        yield "state", s.code, s.name, f"{s.code} {s.name}", body
    for e in k.events:
        yield "event", e.date, f"{e.date} {e.title}", e.title, e.summary


def _tokens(text: str) -> set[str]:
    """Words of ``text`` for matching: "287(g)" gives "287", "g" and "287g"; "I-247A" gives "i247a"."""
    low = text.casefold()
    words = set(_WORD.findall(low))
    words.update(_SQUASH.sub("", chunk) for chunk in low.split())
    words.discard("")
    return words


_SQUASH = re.compile(r"[\W_]+")


def _matches(word: str, tokens: set[str]) -> bool:
    """A typed word matches a token it begins (so "warrant" finds "warrants", "ice" does not find "police")."""
    return word in tokens or any(t.startswith(word) for t in tokens)


def search(k: Knowledge, text: str, kinds: Iterable[str] | None = None, limit: int = 20) -> list[Hit]:
    """Rank every entry whose names or text contain all the words typed (names count most)."""
    words = [_SQUASH.sub("", w) for w in text[:500].casefold().split()]
    words = [w for w in words if len(w) > 1 or w.isdigit()]
    if not words:
        return []
    allowed = set(kinds) if kinds else None
    phrase = text.strip().casefold()
    hits = []
    for kind, key, label, names, body in _documents(k):
        if allowed and kind not in allowed:
            continue
        name_tokens, body_tokens = _tokens(names), _tokens(body)
        in_names = [_matches(w, name_tokens) for w in words]
        if not all(n or _matches(w, body_tokens) for w, n in zip(words, in_names, strict=True)):
            continue
        score = sum(5.0 if n else 1.0 for n in in_names)
        if normalize(phrase) in (normalize(label), normalize(key)):
            score += 20
        elif phrase in names.casefold():
            score += 8
        elif phrase in body.casefold():
            score += 2
        hits.append(Hit(score, kind, key, label, _snippet(body, _words(text))))
    hits.sort(key=lambda h: (-h.score, h.kind, h.label))
    return hits[:limit]


def timeline(k: Knowledge, concerns: str | None, since: int | None, until: int | None) -> list[m.Event]:
    events = []
    for e in k.events:
        year = int(e.date[:4])
        if since is not None and year < since:
            continue
        if until is not None and year > until:
            continue
        if concerns and concerns not in e.concerns:
            continue
        events.append(e)
    return sorted(events, key=lambda e: e.date)
