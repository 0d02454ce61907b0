"""ICE's 287(g) page → the links to its participating and pending spreadsheets.

The links are recognised by their path (``/doclib/about/offices/ero/287g/participating…`` and
``…/pending…``), whether absolute or relative to the page, so ICE's page, a saved copy or a
mirror (``wget -mk`` keeps the path under a host folder) all work. Nothing else of the page's
layout is relied on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from agencyref.roster.update.errors import LayoutError

PAGE_URL = "https://www.ice.gov/identify-and-arrest/287g"
SHEET_PATH = "/doclib/about/offices/ero/287g/"
_SHEET = re.compile(re.escape(SHEET_PATH) + r"(participating|pending)[^/]*$", re.IGNORECASE)


@dataclass(frozen=True)
class SheetLinks:
    participating: str
    pending: str | None  # ICE has always listed pending requests; a page without them is still usable


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = next((v for k, v in attrs if k == "href" and v), None)
        if href is None:
            return
        if tag == "base" and self.base is None:
            self.base = href.strip()
        else:
            self.hrefs.append(href.strip())


def sheet_kind(url: str) -> str | None:
    """``"participating"``, ``"pending"`` or None, from the URL's path."""
    m = _SHEET.search(unquote(urlsplit(url).path))
    return m[1].casefold() if m else None


def find_sheet_links(html: str, page_url: str) -> SheetLinks:
    """The first link of each kind (an .xlsx preferred); :class:`LayoutError` when there is none to the participating sheet."""
    parser = _Hrefs()
    parser.feed(html)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: dict[str, list[str]] = {"participating": [], "pending": []}
    for href in parser.hrefs:
        url = urljoin(base, href).split("#", 1)[0]
        kind = sheet_kind(url)
        if kind is not None and url not in found[kind]:
            found[kind].append(url)
    if not found["participating"]:
        pending = " (only a pending-agencies link)" if found["pending"] else ""
        raise LayoutError(
            f"no link to ICE's participating-agencies spreadsheet found on {page_url}{pending}: ICE may have changed "
            f"its page (links were expected under {SHEET_PATH}). Download the sheets yourself and run "
            "`agencyref import-287g FILE…`."
        )
    return SheetLinks(_best(found["participating"]), _best(found["pending"]) if found["pending"] else None)


def _best(urls: list[str]) -> str:
    return next((u for u in urls if urlsplit(u).path.casefold().endswith(".xlsx")), urls[0])
