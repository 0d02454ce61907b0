"""Printable, sanitised text: one home for what may reach a file, a terminal or a message.

Data is cleaned once, where it enters (the importer's cells, the knowledge file's values):
control characters, bidirectional overrides and invisible characters are removed, so an
agency name with a zero-width space is the same agency as without. Renderers then apply
``terminal_safe`` as a last guard, for data that reached them some other way (a roster file
edited by hand). Messages about data use ``printable``, which escapes rather than drops.
"""

from __future__ import annotations

import functools
import re

# Bidirectional embeddings, overrides and isolates, and the invisible marks that steer them:
# they reorder what a terminal or editor shows ("Trojan Source").
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that take no room: they make two equal-looking names different.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_LINE_SEPARATORS = "\u2028\u2029\x85"  # line breaks to some readers, whitespace to us

# Unicode categories Cc (controls), Cf (format: bidi, zero-width, tags, soft hyphen) and Cs (lone
# surrogates, e.g. from undecodable bytes), as of Unicode 14; a test checks it against unicodedata.
_C0_BUT_NEWLINE = "\x00-\x09\x0b-\x1f"
_OTHERS = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_SEPARATORS = "\u2028\u2029"


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    """Compiled on first use: most text is printable and never needs these (start-up matters)."""
    return re.compile(source)


def _unsafe(multiline: bool = False) -> re.Pattern[str]:
    return _pattern(f"[{_C0_BUT_NEWLINE}{_OTHERS}]" if multiline else f"[\n{_C0_BUT_NEWLINE}{_OTHERS}]")


def is_clean(text: str, *, multiline: bool = False) -> bool:
    """True when ``strip_unsafe`` would change nothing."""
    if text.isprintable():  # the common case, in C: no control, format or separator character at all
        return True
    if multiline and all(line.isprintable() for line in text.split("\n")):
        return True
    if _unsafe(multiline).search(text):
        return False
    return text.isascii() or not any(sep in text for sep in _SEPARATORS)


def unsafe_kinds(text: str, *, multiline: bool = False) -> list[str]:
    """What ``strip_unsafe`` removes from ``text``, in words, for a warning."""
    kinds: list[str] = []
    for c in dict.fromkeys(_unsafe().findall(text)):
        if c == "\n" and multiline:
            continue
        if c in ("\t", "\n", "\r"):
            kind = "line breaks or tabs"
        elif c in BIDI:
            kind = "bidirectional controls"
        elif c in ZERO_WIDTH:
            kind = "zero-width characters"
        elif c < "\xa0":
            kind = "control characters"
        else:
            kind = "invisible formatting characters"
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def strip_unsafe(text: str, *, multiline: bool = False) -> str:
    """``text`` without controls, bidi controls or invisible characters.

    Tabs, carriage returns and other line breaks become spaces; ``\\n`` is kept only when
    ``multiline``. Whitespace is otherwise left as it is (callers collapse it if they wish).
    """
    if is_clean(text, multiline=multiline):
        return text
    for sep in _LINE_SEPARATORS:
        text = text.replace(sep, "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")

    def drop(match: re.Match[str]) -> str:
        return "\n" if match[0] == "\n" else ""

    return _unsafe().sub(drop, text)


def terminal_safe(text: str) -> str:
    """Last guard before a terminal: only ``\\n`` survives of the control characters.

    Renderers call it on every string from data; colour codes they add themselves come after.
    """
    return strip_unsafe(text, multiline=True)


def printable(text: str) -> str:
    """``text`` with line breaks, escapes and invisible characters written out (``\\x1b``, ``\\u202e``).

    For messages that quote data: one line, and nothing the terminal would act on.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


# ---- web addresses ---------------------------------------------------------------

# Characters that end a link or a quotation in markdown, HTML or a shell: never inside a URL we link.
_URL_FORBIDDEN = r"[\s\"'<>()\[\]`\\{}|^]"


def safe_url(url: str) -> str | None:
    """``url`` if it is an http(s) address with a host and nothing a renderer would interpret, else None.

    Such a URL can be linked in markdown, shown as a terminal hyperlink and pasted into a shell.
    """
    from urllib.parse import urlsplit

    if not url or len(url) > 4096 or _pattern(_URL_FORBIDDEN).search(url) or not is_clean(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  # raises ValueError for a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or not url.lower().startswith(parts.scheme.lower()):
        return None
    if not _pattern(r"[A-Za-z0-9.\-\[\]:]+").fullmatch(parts.netloc.rpartition("@")[2]):
        return None  # a non-ASCII or odd host: shown as text, never as a link
    return url


# ---- streams that cannot hold every character ----------------------------------------

# What to write for characters the stream cannot hold. Nothing here is a quote or a backslash,
# so a JSON string stays valid JSON whatever is replaced inside it.
_PLAIN = {"\u2014": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
          "\u2018": "'", "\u2019": "'", "\u201c": "'", "\u201d": "'", "\u00ab": "'", "\u00bb": "'",
          "\u2022": "*", "\u25cf": "*", "\u2026": "...", "\u2588": "#", "\u2192": "->", "\u00a0": " ",
          "\u00b7": "."}  # fmt: skip


def _ascii_for(char: str) -> str:
    import unicodedata

    if char in _PLAIN:
        return _PLAIN[char]
    if "\u2500" <= char <= "\u257f":  # box drawing
        name = unicodedata.name(char, "")
        return "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii() and c.isprintable())
    return base.replace('"', "'").replace("\\", "/") or "?"


def _transliterate(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return "".join(_ascii_for(c) for c in exc.object[exc.start : exc.end]), exc.end


TRANSLITERATE = "agencyref.transliterate"  # codec error handler: 'café — x' -> 'cafe - x' on an ASCII stream


def register_transliteration() -> None:
    import codecs

    codecs.register_error(TRANSLITERATE, _transliterate)


# ---- comparison forms: one home for folding names before they are compared ---------------------

_FOLD_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc\u02bb`")
_FOLD_NON_WORD = r"[^0-9a-z]+"


@functools.lru_cache(maxsize=1 << 13)
def fold_words(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents and apostrophes vanish, ``&`` is ``and``.

    ``"Prince George’s County"`` → ``"prince georges county"``; ``"Hawaiʻi"`` → ``"hawaii"``.
    """
    if not text.isascii():
        import unicodedata  # only for non-ASCII text: it costs start-up time

        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().translate(_FOLD_APOSTROPHES).replace("&", " and ")
    return " ".join(_pattern(_FOLD_NON_WORD).sub(" ", text).split())


def squash(text: str) -> str:
    """Letters and digits only, lower-case: ``"Task Force Model"`` → ``"taskforcemodel"``, ``"I-247A"`` → ``"i247a"``."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def tidy(value: str) -> str:
    """A cell or name as tidy text: NFKC, straight quotes, no unsafe characters, whitespace collapsed."""
    import unicodedata

    text = strip_unsafe(unicodedata.normalize("NFKC", value).translate(_QUOTES))
    return " ".join(text.split())
