"""Resolve what a user typed to an entity: keys, names and aliases, case-insensitively.

``normalize`` folds case and drops punctuation and spacing, so ``287(g)``,
``287g`` and ``287 G`` are one name. Unknown names get did-you-mean suggestions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import msgspec

from agencyref.errors import AmbiguousNameError, NotFoundError

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
    """Maps every normalized name to the entries it names.

    Entries are kept as plain ``[kind, key, label]`` lists so that the compiled cache can hand
    over its table as decoded, without building an object per name on every call.
    """

    def __init__(self, entries: Iterable[tuple[Entry, Iterable[str]]] = ()) -> None:
        self._by_name: dict[str, list[list[str]]] = {}
        for entry, names in entries:
            row = [entry.kind, entry.key, entry.label]
            for name in (entry.key, entry.label, *names):
                norm = normalize(name)
                if norm:
                    bucket = self._by_name.setdefault(norm, [])
                    if row not in bucket:
                        bucket.append(row)

    def table(self) -> dict[str, list[list[str]]]:
        """The plain table, for the compiled cache."""
        return self._by_name

    @classmethod
    def from_table(cls, table: dict[str, list[list[str]]]) -> NameIndex:
        index = cls()
        index._by_name = table
        return index

    def _entries(self) -> Iterable[tuple[str, Entry]]:
        for norm, rows in self._by_name.items():
            for kind, key, label in rows:
                yield norm, Entry(kind, key, label)

    def lookup(self, name: str, kinds: Iterable[str]) -> list[Entry]:
        allowed = set(kinds)
        return [Entry(k, key, label) for k, key, label in self._by_name.get(normalize(name), []) if k in allowed]

    def resolve(self, name: str, kinds: Iterable[str], what: str) -> Entry:
        kinds = tuple(kinds)
        found = self.lookup(name, kinds)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise AmbiguousNameError(what, name, [f"{e.key} ({e.kind}: {e.label})" for e in found])
        raise NotFoundError(what, name, self.suggest(name, kinds))

    def suggest(self, name: str, kinds: Iterable[str], n: int = 5) -> list[str]:
        """Keys of the closest entries of these kinds, best first; never an exact answer.

        Suggestions come from the kind of thing typed: a state only for state-like text (a misspelt
        or partial state name: ``florda``, ``texs``, ``carolina``), never for a person's name that
        merely shares letters with one (``arpaio`` is not Arizona); two-letter codes and aliases
        only for text that short (``cobb`` is not ``CO``).
        """
        norm = normalize(name)
        if not norm:
            return []
        allowed = set(kinds)
        states: list[tuple[float, str]] = []
        others: list[tuple[float, str]] = []
        for norm_name, e in self._entries():
            if e.kind not in allowed or (len(norm_name) <= 2 < len(norm)):
                continue
            ratio = difflib.SequenceMatcher(None, norm, norm_name).ratio()
            contains = len(norm) >= 3 and norm in norm_name
            if e.kind == "state":
                if ratio >= 0.75 or contains:
                    states.append((max(ratio, 0.8 if contains else 0.0), e.key))
            elif ratio >= 0.6 or contains:
                others.append((max(ratio, 0.6 if contains else 0.0), e.key))
        out: list[str] = []
        for _, key in sorted(states, key=lambda x: (-x[0], x[1])) + sorted(others, key=lambda x: (-x[0], x[1])):
            if key not in out:
                out.append(key)
        return out[:n]

    def names_for(self, kinds: Iterable[str]) -> list[str]:
        """Keys of every entry of these kinds (for shell completion)."""
        allowed = set(kinds)
        keys = {e.key for _, e in self._entries() if e.kind in allowed}
        return sorted(keys)
