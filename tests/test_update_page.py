"""Finding the sheet links on ICE's page, a saved copy or a mirror (by path, absolute or relative)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agencyref.roster.update.errors import LayoutError
from agencyref.roster.update.page import PAGE_URL, find_sheet_links, sheet_kind

PAGE = (Path(__file__).parent / "data" / "update" / "287g.html").read_text(encoding="utf-8")
DOCLIB = "https://www.ice.gov/doclib/about/offices/ero/287g/"


def test_ice_page_structure() -> None:
    links = find_sheet_links(PAGE, PAGE_URL)
    assert links.participating == DOCLIB + "participatingAgencies07182025pm.xlsx"
    assert links.pending == DOCLIB + "pendingAgencies07182025pm.xlsx"


def test_root_relative_links_resolve_against_a_mirror() -> None:
    mirror = PAGE.replace("https://www.ice.gov", "")
    links = find_sheet_links(mirror, "http://127.0.0.1:8080/identify-and-arrest/287g")
    assert (
        links.participating
        == "http://127.0.0.1:8080/doclib/about/offices/ero/287g/participatingAgencies07182025pm.xlsx"
    )


def test_relative_links_of_a_wget_mirror_under_a_host_folder() -> None:
    html = '<a href="../doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx">list</a>'
    links = find_sheet_links(html, "file:///srv/mirror/www.ice.gov/identify-and-arrest/287g.html")
    assert (
        links.participating
        == "file:///srv/mirror/www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx"
    )
    assert links.pending is None


def test_base_tag_and_entities_and_case() -> None:
    html = (
        '<base href="https://mirror.example.org/ice/">'
        '<A HREF="doclib/about/offices/ero/287g/Participating%20Agencies.xlsx?x=1&amp;y=2#top">p</A>'
        '<a href="doclib/about/offices/ero/287g/pendingAgencies.xlsx">q</a>'
    )
    links = find_sheet_links(html, PAGE_URL)
    assert (
        links.participating
        == "https://mirror.example.org/ice/doclib/about/offices/ero/287g/Participating%20Agencies.xlsx?x=1&y=2"
    )
    assert links.pending == "https://mirror.example.org/ice/doclib/about/offices/ero/287g/pendingAgencies.xlsx"


def test_an_xlsx_link_is_preferred() -> None:
    html = (
        f'<a href="{DOCLIB}participatingAgencies.pdf">pdf</a>'
        f'<a href="{DOCLIB}participatingAgencies07182025pm.xlsx">xlsx</a>'
    )
    assert find_sheet_links(html, PAGE_URL).participating.endswith(".xlsx")


def test_other_287g_documents_are_not_sheets() -> None:
    assert sheet_kind(DOCLIB + "287gFactSheet.pdf") is None
    assert sheet_kind("https://www.ice.gov/doclib/287gMOA/participatingX.pdf") is None
    assert sheet_kind(DOCLIB + "pendingAgencies.xlsx") == "pending"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><p>This page has moved.</p></body></html>",
        PAGE.replace("/doclib/about/offices/ero/287g/participating", "/sites/default/files/participating"),
        f'<a href="{DOCLIB}pendingAgencies.xlsx">only pending</a>',
        "<a href=",  # truncated markup
    ],
)
def test_no_participating_link_is_a_layout_error_that_points_to_import(html: str) -> None:
    with pytest.raises(LayoutError) as exc:
        find_sheet_links(html, PAGE_URL)
    assert "import-287g" in str(exc.value) and PAGE_URL in str(exc.value)
    assert exc.value.exit_code == 13
