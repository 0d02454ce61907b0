"""One cell of ICE's sheet → a clean value: text, state, model, agency type, signing date, MOA link."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import msgspec

from agencyref.files import SHEET_LIMIT
from agencyref.roster.model import AgencyType, parse_model
from agencyref.text import is_clean, printable, safe_url, tidy, unsafe_kinds
from agencyref.usps import _state_key

SOURCE_URL = "https://www.ice.gov/identify-and-arrest/287g"
MAX_FILE_BYTES = SHEET_LIMIT  # refuse bigger inputs outright (50 MiB; see files.py)
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # zip-bomb guard for workbooks
MAX_CELLS = 2_000_000  # cells a sheet may span: its rows as wide as their last cell, merged and linked ranges
HEADER_SCAN_ROWS = 20  # how many rows above the header we tolerate
MIN_YEAR = 2002  # the first 287(g) agreement was signed in 2002
MAX_TEXT = 500  # longest cell text we keep; longer is cut (and warned about)

Status = Literal["participating", "pending"]
ModelValue = Literal["jem", "tfm", "wso", "unknown"]
MoaStatus = Literal["link", "pending", "none"]


# ---- text -------------------------------------------------------------------


def clean_text(value: object) -> str:
    """Cell value as tidy text: NFKC, straight quotes, no controls or invisible characters, whitespace collapsed.

    Removing zero-width and bidi characters here makes "Harris\u200b County" the same agency as
    "Harris County"; ``cell_warning`` says what was removed.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean_str(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _clean_str(value: str) -> str:
    # Sheets repeat the same texts (states, types, counties, models) thousands of times: cached.
    return tidy(value)


def cell_warning(value: object, column: str) -> str | None:
    """What ``clean_text`` removes from a cell beyond whitespace, as a warning; None if nothing."""
    if not isinstance(value, str) or is_clean(value, multiline=True):
        return None
    kinds = [k for k in unsafe_kinds(value, multiline=True) if k != "line breaks or tabs"]
    return f"{column}: removed {' and '.join(kinds)} from {printable(value[:80])!r}" if kinds else None


_PLACEHOLDERS = {"#n/a", "#na", "n/a", "na", "none", "-", "\u2014", "#ref!", "#value!", "tbd"}


def is_placeholder(text: str) -> bool:
    """``#N/A`` and friends: a cell someone filled with "nothing here"."""
    return text.casefold() in _PLACEHOLDERS


# ---- models and agency types ----------------------------------------------


def model_key(text: object) -> ModelValue:
    """``'Task Force Model '`` → ``'tfm'``; anything unrecognised → ``'unknown'``."""
    key = parse_model(clean_text(text)[:MAX_TEXT]) if isinstance(text, str) else None
    return key or "unknown"


_TYPES: dict[str, AgencyType] = {
    "county": "county",
    "county agency": "county",
    "sheriff": "county",
    "parish": "county",
    "municipality": "municipal",
    "municipal": "municipal",
    "municipal agency": "municipal",
    "city": "municipal",
    "town": "municipal",
    "township": "municipal",
    "village": "municipal",
    "state": "state",
    "state agency": "state",
    "federal": "federal",
    "federal agency": "federal",
    "tribal": "tribal",
    "tribe": "tribal",
    "tribal agency": "tribal",
    "other": "other",
}


def agency_type_key(text: object) -> tuple[AgencyType, bool]:
    """(type, recognised). Empty → ``('unknown', True)``; unknown text → ``('other', False)``."""
    cleaned = clean_text(text)[:MAX_TEXT] if isinstance(text, str) else clean_text(text)
    if not cleaned or is_placeholder(cleaned):
        return "unknown", True
    found = _TYPES.get(_state_key(cleaned))
    return (found, True) if found else ("other", False)


# ---- dates ------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MDY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")


class DateResult(msgspec.Struct, frozen=True):
    iso: str | None  # the date, when it could be read and is plausible
    raw: str | None  # the cell's text when it could not be read
    problem: str | None  # why not


def parse_signed(value: object, max_year: int) -> DateResult:
    """Read a SIGNED cell: datetime, Excel serial, or m/d/yyyy / yyyy-mm-dd text.

    A date outside ``MIN_YEAR..max_year`` is treated as malformed, because a
    287(g) agreement signed in 5025 is a typo, not a fact.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DateResult(None, None, None)
    day: dt.date | None = None
    raw: str
    if isinstance(value, bool):
        raw = str(value)
    elif isinstance(value, dt.datetime):
        raw = value.date().isoformat()
        day = value.date()
    elif isinstance(value, dt.date):
        raw = value.isoformat()
        day = value
    elif isinstance(value, (int, float)):
        raw = clean_text(value)
        day = _from_serial(value)
    else:
        raw = clean_text(value)[:MAX_TEXT]
        day = _from_text(raw)
    if day is None:
        return DateResult(None, raw, f"SIGNED {raw[:120]!r} is not a date")
    if not MIN_YEAR <= day.year <= max_year:
        return DateResult(None, raw, f"SIGNED {raw!r} has an impossible year {day.year}")
    return DateResult(day.isoformat(), None, None)


def _from_serial(value: float) -> dt.date | None:
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    if math.isnan(number) or not 1 <= number < 2958466:  # outside Excel's date range
        return None
    try:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number))
    except OverflowError:
        return None


def _from_text(text: str) -> dt.date | None:
    try:
        if m := _MDY.match(text):
            month, day, year = int(m[1]), int(m[2]), int(m[3])
            if len(m[3]) == 2:
                year += 2000
            return dt.date(year, month, day)
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if _SERIAL.match(text):
            return _from_serial(float(text))
    except (ValueError, OverflowError):
        return None
    return None


# ---- links ------------------------------------------------------------------

_PENDING_LINK = re.compile(r"^link\s*pending$", re.IGNORECASE)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def unwrap_safelinks(url: str) -> str:
    """``https://gcc02.safelinks.protection.outlook.com/?url=<real>&data=…`` → ``<real>``.

    Repeats while the result is still a safelinks URL (mail forwarded twice).
    Returns the input unchanged when it is not a safelinks URL or has no ``url``.
    """
    current = url.strip()
    for _ in range(10):
        try:
            parts = urlsplit(current)
        except ValueError:
            return current
        host = (parts.hostname or "").casefold()
        if not host.endswith("safelinks.protection.outlook.com"):
            return current
        inner = parse_qs(parts.query).get("url")
        if not inner or not inner[0].strip():
            return current
        current = inner[0].strip()
    return current


def is_safelinks(url: str) -> bool:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return False
    return host.casefold().endswith("safelinks.protection.outlook.com")


class LinkResult(msgspec.Struct, frozen=True):
    status: MoaStatus
    url: str | None
    unwrapped: bool  # the target was a safelinks wrapper
    problem: str | None


def parse_link(text: object, target: object, column: str = "MOA") -> LinkResult:
    """See ``_parse_link``; cached for the texts and targets a sheet repeats."""
    if (text is None or isinstance(text, str)) and (target is None or isinstance(target, str)):
        return _parse_link_cached(text, target, column)
    return _parse_link(text, target, column)


_ICE_LINK_TYPO = re.compile(r"^(?:chrome-extension://[a-z]+/)?(https?):/{1,3}((?:www\.)?ice\.gov/\S+)$", re.IGNORECASE)


def repair_ice_link(url: str) -> str:
    """ICE's own typos in its MOA links: ``https:/www.ice.gov/…`` (one slash), and links saved through a
    browser's PDF viewer (``chrome-extension://…/https:/www.ice.gov/…``). Anything else is returned as is."""
    found = _ICE_LINK_TYPO.match(url)
    return f"{found.group(1).lower()}://{found.group(2)}" if found else url


@functools.lru_cache(maxsize=1 << 14)
def _parse_link_cached(text: str | None, target: str | None, column: str) -> LinkResult:
    return _parse_link(text, target, column)


def _parse_link(text: object, target: object, column: str = "MOA") -> LinkResult:
    """Read a MOA/ADDENDUM cell from its text and its hyperlink target.

    A hyperlink (or a URL typed into the cell) → ``link``; "link pending" in any
    case or spacing → ``pending``; empty → ``none``. Text that promises a link
    but carries none (``'link | addendum'`` without a hyperlink) → ``none`` with
    a problem message.
    """
    shown = clean_text(text)[:MAX_TEXT]
    href = clean_text(target)[:4096] if isinstance(target, str) else ""
    if not href and _URL.match(shown):
        href = shown
    if href:
        wrapped = is_safelinks(href)
        url = repair_ice_link(unwrap_safelinks(href) if wrapped else href)
        if _URL.match(url) and safe_url(url):
            return LinkResult("link", url, wrapped, None)
        shown_href = printable(url if wrapped else href)[:120]
        return LinkResult("none", None, wrapped, f"{column} hyperlink {shown_href!r} is not a web address; not linked")
    if not shown or is_placeholder(shown):
        return LinkResult("none", None, False, None)
    if _PENDING_LINK.match(shown):
        return LinkResult("pending", None, False, None)
    return LinkResult("none", None, False, f"{column} cell {shown[:120]!r} has no hyperlink")


# ---- column layout ----------------------------------------------------------

_COLUMNS: dict[str, str] = {
    "STATE": "state",
    "LAW ENFORCEMENT AGENCY": "agency",
    "AGENCY": "agency",
    "TYPE": "type",
    "AGENCY TYPE": "type",
    "COUNTY": "county",
    "SUPPORT TYPE": "model",
    "MODEL": "model",
    "SIGNED": "signed",
    "DATE SIGNED": "signed",
    "MOA": "moa",
    "ADDENDUM": "addendum",
}
