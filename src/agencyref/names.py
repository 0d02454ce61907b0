"""Resolve what a user typed to an entity: keys, names and aliases, case-insensitively.

``normalize`` folds case and drops punctuation and spacing, so ``287(g)``,
``287g`` and ``287 G`` are one name. Unknown names get did-you-mean suggestions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import msgspec

from .errors import AmbiguousNameError, NotFoundError

_NON_WORD = re.compile(r"[\W_]+")
_LEADING = ("the", "us", "section", "sec")
MAX_NAME = 200


def normalize(name: str) -> str:
    """Fold a name to its comparison form: ``"U.S. Marshals"`` → ``"marshals"``-ish keys."""
    text = name[:MAX_NAME]
    if not text.isascii():
        import unicodedata  # only for non-ASCII input: it costs start-up time

        text = unicodedata.normalize("NFKC", text)
    text = text.casefold().replace("§", " ")
    words: list[str] = []
    glued = False  # "U.S." splits into "u", "s": glue runs of single letters back together
    for w in _NON_WORD.split(text):
        if not w:
            continue
        if glued and len(w) == 1 and w.isalpha():
            words[-1] += w
        else:
            words.append(w)
            glued = len(w) == 1 and w.isalpha()
    while len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    return "".join(words)


class Entry(msgspec.Struct, frozen=True):
    kind: str  # agency, component, program, matter, term, state
    key: str
    label: str


class NameIndex:
    """Maps every normalized name to the entries it names."""

    def __init__(self, entries: Iterable[tuple[Entry, Iterable[str]]] = ()) -> None:
        self._by_name: dict[str, list[Entry]] = {}
        for entry, names in entries:
            for name in (entry.key, entry.label, *names):
                norm = normalize(name)
                if norm:
                    self._add(norm, entry)

    def _add(self, norm: str, entry: Entry) -> None:
        bucket = self._by_name.setdefault(norm, [])
        if entry not in bucket:
            bucket.append(entry)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Plain rows (normalized name, kind, key, label) for the compiled cache."""
        return [(norm, e.kind, e.key, e.label) for norm, entries in self._by_name.items() for e in entries]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str]]) -> NameIndex:
        index = cls()
        for norm, kind, key, label in rows:
            index._add(norm, Entry(kind, key, label))
        return index

    def lookup(self, name: str, kinds: Iterable[str]) -> list[Entry]:
        allowed = set(kinds)
        return [e for e in self._by_name.get(normalize(name), []) if e.kind in allowed]

    def resolve(self, name: str, kinds: Iterable[str], what: str) -> Entry:
        kinds = tuple(kinds)
        found = self.lookup(name, kinds)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise AmbiguousNameError(what, name, [f"{e.key} ({e.kind}: {e.label})" for e in found])
        raise NotFoundError(what, name, self.suggest(name, kinds))

    def suggest(self, name: str, kinds: Iterable[str], n: int = 5) -> list[str]:
        norm = normalize(name)
        if not norm:
            return []
        allowed = set(kinds)
        candidates: dict[str, str] = {}
        for norm_name, entries in self._by_name.items():
            for e in entries:
                if e.kind in allowed:
                    candidates.setdefault(norm_name, e.key)
        matches = difflib.get_close_matches(norm, list(candidates), n=n * 3, cutoff=0.6)
        # Also offer entries whose names contain what was typed ("marshal" -> usms).
        if len(norm) >= 3:
            matches += sorted(k for k in candidates if norm in k and k not in matches)
        out: list[str] = []
        for match in matches:
            key = candidates[match]
            if key not in out:
                out.append(key)
        return out[:n]

    def names_for(self, kinds: Iterable[str]) -> list[str]:
        """Keys of every entry of these kinds (for shell completion)."""
        allowed = set(kinds)
        keys = {e.key for entries in self._by_name.values() for e in entries if e.kind in allowed}
        return sorted(keys)
