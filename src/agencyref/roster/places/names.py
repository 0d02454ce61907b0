"""How agency and place names are folded for matching: one normaliser for ICE's names and the FBI's.

Two names match only when they fold to the same words, so every kept match can be checked by
reading the two names side by side. What folds together, and nothing more:

- case, punctuation, apostrophes (``Sheriff's`` = ``Sheriffs``), ``&`` = ``and``, "the"/"of";
- abbreviations: ``St.`` = ``Saint``, ``Ft.`` = ``Fort``, ``Mt.`` = ``Mount``, ``Twp`` = ``Township``,
  ``Dept.`` = ``Department``, ``Co.`` = ``County``, ``PD`` = ``Police Department``;
- ICE's misspellings of "Department" (``Departent``, ``Departement``), and ``Corrections`` = ``Correction``
  (Tennessee's "Department of Correction");
- the kind of agency, split off as a *role*: "County Sheriff's Office", "Sheriff's Department",
  "Sheriff" → sheriff; "Police Department", "Police Dept.", "PD", "Department of Public Safety" → police;
  "Marshal's Office", "Marshal" → marshal (a town marshal is the town's police: see ``match``).

It also says what kind of body a name is (:func:`body_kind`: a constable, a jail, a National Guard …),
so the kinds the FBI's table does not list can be reported apart.
"""

from __future__ import annotations

import functools
import re

from agencyref.text import fold_words
from agencyref.usps import STATE_NAMES

_EXPAND: dict[str, tuple[str, ...]] = {
    "st": ("saint",),
    "ste": ("sainte",),
    "ft": ("fort",),
    "mt": ("mount",),
    "twp": ("township",),
    "dept": ("department",),
    "co": ("county",),
    "cnty": ("county",),
    "sheriffs": ("sheriff",),
    "countys": ("county",),  # "Texas County's Sheriff's Office"
    "univ": ("university",),
    "pd": ("police", "department"),
    "marshals": ("marshal",),
    "constables": ("constable",),
    "corrections": ("correction",),
}
# ICE's misspellings of "Department", read as the word (and named in the match's ``how``).
ROLE_TYPOS = frozenset({"departent", "departement", "deparment", "departmet", "deptartment"})
_EXPAND.update({t: ("department",) for t in ROLE_TYPOS})
_SKIP = frozenset({"the", "of", "and"})
COUNTY_WORDS = frozenset({"county", "parish", "borough"})
# Words that say what kind of municipality a place is; "loose" names drop them.
_MUNICIPAL_WORDS = frozenset({"city", "town", "village", "township", "borough", "charter"})

_SHERIFF_TAILS: tuple[tuple[str, ...], ...] = (
    ("sheriff", "office"),
    ("sheriff", "department"),
    ("sheriff",),
)
_POLICE_TAILS: tuple[tuple[str, ...], ...] = (
    ("police", "services", "department"),
    ("police", "department"),
    ("department", "public", "safety"),
    ("public", "safety", "department"),
    ("public", "safety"),
    ("police",),
)
_MARSHAL_TAILS: tuple[tuple[str, ...], ...] = (("marshal", "office"), ("marshal",))


fold = fold_words  # one comparison form for every name (text.fold_words)


def words(text: str) -> tuple[str, ...]:
    """Comparison words: ``"Ft. Myers PD"`` → ``('fort', 'myers', 'police', 'department')``."""
    out: list[str] = []
    for w in fold(text[:300]).split():
        if w in _SKIP:
            continue
        out.extend(_EXPAND.get(w, (w,)))
    return tuple(out)


def slug(text: str) -> str:
    """``"Orange County Sheriff's Office"`` → ``"orange-county-sheriffs-office"``."""
    return fold(text).replace(" ", "-")


@functools.lru_cache(maxsize=1 << 13)
def agency_key(state: str, name: str) -> str:
    """The stable key of a roster agency: ``fl/orange-county-sheriffs-office``."""
    return f"{(state or 'xx').lower()}/{slug(name)}"


def _strip_tail(toks: tuple[str, ...], tails: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    for tail in tails:
        if len(toks) > len(tail) and toks[-len(tail) :] == tail:
            return toks[: -len(tail)]
    return None


def role_core(name: str) -> tuple[str, tuple[str, ...]]:
    """Split a name into its role (``sheriff``, ``police`` or ``""``) and the words that name the place.

    ``"Orange County Sheriff's Office"`` → ``("sheriff", ("orange",))``;
    ``"St. Petersburg Police Department"`` → ``("police", ("saint", "petersburg"))``;
    ``"Florida Highway Patrol"`` → ``("", ("florida", "highway", "patrol"))``;
    ``"Waterloo Marshal's Office"`` → ``("marshal", ("waterloo",))``.
    """
    toks = words(name)
    core = _strip_tail(toks, _SHERIFF_TAILS)
    if core is not None:
        while len(core) > 1 and core[-1] in COUNTY_WORDS:
            core = core[:-1]
        return "sheriff", core
    core = _strip_tail(toks, _POLICE_TAILS)
    if core is not None:
        return "police", core
    core = _strip_tail(toks, _MARSHAL_TAILS)
    if core is not None:
        return "marshal", core
    return "", toks


def loose(core: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """The kind of municipality a name states, and the name without it.

    ``("city", "miami")`` (City of Miami) → ``("city", ("miami",))``; ``("danville", "borough")`` →
    ``("borough", ("danville",))``; ``("manheim", "township")`` → ``("township", ("manheim",))``.
    A trailing "city" counts too (``Pottsville City``), so ``Union City`` reads as ``("city", ("union",))``:
    see :func:`kinds_agree` for why that cannot match ``Union Township``.
    """
    if len(core) > 1 and core[0] in _MUNICIPAL_WORDS:
        kind, rest = core[0], core[1:]
        if kind == "charter" and rest[0] == "township" and len(rest) > 1:
            rest = rest[1:]
        return ("township" if kind == "charter" else kind), rest
    if len(core) > 1 and core[-1] in _MUNICIPAL_WORDS:
        rest = core[:-1]
        if len(rest) > 1 and rest[-1] == "charter":
            rest = rest[:-1]
        return core[-1], rest
    return None, core


def kinds_agree(a: str | None, b: str | None) -> bool:
    """A stated kind matches the same kind or none, except that a township is never an unlabelled place:
    Pennsylvania has a Manheim borough and a Manheim Township side by side."""
    if a == b:
        return True
    return (a is None or b is None) and "township" not in (a, b)


def without_state(state: str, core: tuple[str, ...]) -> tuple[str, ...] | None:
    """``("florida", "highway", "patrol")`` in FL → ``("highway", "patrol")``; None when it does not start so."""
    name = STATE_NAMES.get(state)
    prefix = words(name) if name else None
    if prefix and len(core) > len(prefix) and core[: len(prefix)] == prefix:
        return core[len(prefix) :]
    return None


def strip_state(state: str, toks: tuple[str, ...]) -> tuple[str, ...]:
    """Words without a leading state name: ``("florida", "highway", "patrol")`` → ``("highway", "patrol")``."""
    return without_state(state, toks) or toks


_FILLER = frozenset({"department", "division", "office"})
# Patterns as text: ``re`` compiles them on first use (this module is imported at start-up; these are not).
_NAME_PARTS = r"\s*(?:,|/|\s-\s*|-\s+)\s*"
_JOINED = r"(?<=[a-z])-(?=[A-Z])"  # "Public Safety-Crime Information Center"
_BOARD = r"(?i)^(?:District )?Board of Trustees of (?:the )?(.+)$|^(.+?) (?:District )?Board of Trustees$"


def name_parts(name: str) -> list[str]:
    """A department and the divisions ICE names after it: ``"Texas Department of Public Safety - Texas
    Highway Patrol"``, ``"… Public Safety-Crime Information Center"``, ``"…, Division of Highway Patrol"``."""
    out = []
    for part in re.split(_NAME_PARTS, name):
        left, _, right = part.partition("-") if re.search(_JOINED, part) else (part, "", "")
        # A hyphen joins a division only after a department's several words ("Sarasota-Manatee" stays one).
        out += [left, right] if right and len(left.split()) >= 3 else [part]
    return [p for p in out if p]


def college_of_board(name: str) -> str:
    """``"District Board of Trustees of Pensacola State College"`` → ``"Pensacola State College"``."""
    found = re.match(_BOARD, name.strip())
    return (found[1] or found[2]) if found else ""


def state_agency_levels(key: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """A state agency's words as they are, without "Department/Division/Office", and without "State",
    each with the phrase that says so in a match's ``how``."""
    out = [("", key)]
    for how, drop in ((" but for 'Department/Division/Office'", _FILLER), (" but for the word 'State'", {"state"})):
        less = tuple(w for w in key if w not in drop)
        if less and less != key:
            out.append((how, less))
    return out


def county_qualified(core: tuple[str, ...], counties: set[str]) -> tuple[tuple[str, ...], str] | None:
    """A name the FBI qualifies with its county: ``("jackson", "township", "luzerne", "county")`` →
    ``(("jackson", "township"), "LUZERNE")`` when Luzerne is one of ``counties`` (upper-case cores)."""
    if len(core) < 3 or core[-1] != "county":
        return None
    for n in (1, 2, 3):
        named = " ".join(core[-1 - n : -1]).upper()
        if len(core) - 1 - n >= 1 and named in counties:
            return core[: -1 - n], named
    return None


def county_core(text: str) -> str:
    """``"Pinellas County"``, ``"PINELLAS"``, ``"St. Charles Parish"`` → ``"pinellas"``, ``"saint charles"``."""
    toks = [w for w in words(text) if w not in COUNTY_WORDS]
    return " ".join(toks)


def county_label(state: str, name: str) -> str:
    """How a county is written: ``Pinellas County``, ``Orleans Parish`` (LA), ``Juneau Borough`` (AK)."""
    if any(w in COUNTY_WORDS for w in fold(name).split()):
        return name
    return f"{name} {'Parish' if state == 'LA' else 'Borough' if state == 'AK' else 'County'}"


def title_case(upper: str) -> str:
    """FBI county names are upper case: ``"MCHENRY"`` → ``"McHenry"``, ``"ST CLAIR"`` → ``"St. Clair"``."""
    out = []
    for w in upper.split():
        t = "-".join(p.capitalize() for p in w.split("-"))
        if t.startswith("Mc") and len(t) > 2:
            t = "Mc" + t[2:].capitalize()
        if t in ("St", "Ste", "Ft", "Mt"):
            t += "."
        out.append(t)
    return " ".join(out)


def role_typos(name: str) -> list[str]:
    """ICE's misspellings of "Department" in a name, as written: ``["Departement"]``."""
    return [w for w in re.split(r"[^0-9A-Za-z]+", name) if w.casefold() in ROLE_TYPOS]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of two words, or ``limit + 1`` once it is sure to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def typo_limit(word: str) -> int:
    """How many letters a distinctive word may differ by and still be read as a typo: none for short
    words (Tye, Troy), one up to six letters, two beyond ("Lampass" for "Lampasas")."""
    return 0 if len(word) < 4 else 1 if len(word) <= 6 else 2


# Words that tell real places apart (East/West Union, Port/Fort Allen): never read as a typo.
_GENERIC_WORDS = (
    "north south east west upper lower new old lake port fort mount saint city town village township borough "
    "county parish beach park heights hills springs falls grove point valley center centre creek river"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())


def one_word_typo(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str, int] | None:
    """``(ice word, fbi word, distance)`` when two names differ in exactly one distinctive word, by a typo."""
    if len(a) != len(b):
        return None
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diff) != 1 or _GENERIC & set(diff[0]):
        return None
    x, y = diff[0]
    limit = min(typo_limit(x), typo_limit(y))
    d = edit_distance(x, y, limit)
    return (x, y, d) if 0 < d <= limit else None


# Kinds of body, by the words in the name (folded; a trailing "s" allowed), for reporting the agencies
# the FBI's table does not list. The first kind that fits wins; a "public safety" department is none.
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("National Guard or military department", ("national guard", "state guard", "military department")),
    ("constable", ("constable",)),
    ("attorney general", ("attorney general",)),
    ("prosecutor", ("district attorney", "state attorney", "county attorney", "prosecutor")),
    ("board of county commissioners", ("board of county commissioners", "county commission")),
    ("corrections", ("jail", "detention", "prison", "correction", "correctional", "corrections")),
    ("state auditor", ("auditor",)),
    ("fire marshal", ("fire marshal",)),
    ("lottery", ("lottery",)),
    ("alcohol and tobacco control", ("alcohol", "alcoholic")),
    ("wildlife agency", ("wildlife", "fish and game")),
    ("drug task force", ("task force",)),
)
_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = []


def body_kind(name: str, state_level: bool) -> str:
    """What kind of body a name says it is (``""`` for an ordinary police or sheriff's agency):
    ``"Bradley County Constable District 1"`` → ``"constable"``; corrections are told apart by level:
    ``"jail or county corrections department"``, ``"state corrections department"``."""
    if not _KIND_PATTERNS:
        _KIND_PATTERNS.extend(
            (kind, re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")s?\b"))
            for kind, phrases in _KINDS
        )
    text = fold(name[:300])
    if "public safety" in text:
        return ""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text):
            if kind == "corrections":
                return "state corrections department" if state_level else "jail or county corrections department"
            return kind
    return ""
