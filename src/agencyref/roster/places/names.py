"""How agency and place names are folded for matching: one normaliser for ICE's names and the FBI's.

Two names match only when they fold to the same words, so every kept match can be checked by
reading the two names side by side. What folds together, and nothing more:

- case, punctuation, apostrophes (``Sheriff's`` = ``Sheriffs``), ``&`` = ``and``, "the"/"of";
- abbreviations: ``St.`` = ``Saint``, ``Ft.`` = ``Fort``, ``Mt.`` = ``Mount``, ``Twp`` = ``Township``,
  ``Dept.`` = ``Department``, ``Co.`` = ``County``, ``PD`` = ``Police Department``;
- the kind of agency, split off as a *role*: "County Sheriff's Office", "Sheriff's Department",
  "Sheriff" → sheriff; "Police Department", "Police Dept.", "PD", "Department of Public Safety" → police.
"""

from __future__ import annotations

import re

from agencyref.usps import STATE_NAMES

_NON_WORD = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc`")
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
}
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


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; apostrophes vanish, ``&`` becomes ``and``."""
    if not text.isascii():
        import unicodedata  # only for non-ASCII text: it costs start-up time

        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().translate(_APOSTROPHES).replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


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
    ``"Florida Highway Patrol"`` → ``("", ("florida", "highway", "patrol"))``.
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
