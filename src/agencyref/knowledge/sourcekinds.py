"""What a source is, read from its kind and its host: one home for "official or copy?".

Footnotes, `info` and `validate --strict` all ask the same question; answering it once keeps a
copy on a mirror from being counted or labelled as an official page anywhere.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from agencyref.knowledge import model as m

# Kinds that claim the document is the government's own text.
OFFICIAL_KINDS = frozenset({"statute", "regulation", "court", "government", "dataset"})
# Official hosts that do not end in .gov/.mil/.us: local governments' and agencies' own sites.
OFFICIAL_HOSTS = frozenset(
    {
        "ircdocs.indian-river.org",  # Indian River County, FL, public records
        "publicdocs.santa-ana.org",  # City of Santa Ana, CA, public records
        "www.lakewoodpolicenj.com",  # Lakewood (NJ) Police Department
        "sheboyganpolice.com",  # Sheboygan (WI) Police Department
        "www.charlesallenward6.com",  # a DC councilmember's office
        "house-press.com",  # Georgia House of Representatives press office
        "www.oscn.net",  # Oklahoma State Courts Network
    }
)


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def is_ip_host(url: str) -> bool:
    try:
        ipaddress.ip_address(host(url))
    except ValueError:
        return False
    return True


def is_official_host(url: str) -> bool:
    h = host(url)
    return h.endswith((".gov", ".mil", ".us")) or ".gov." in h or h in OFFICIAL_HOSTS


def label(source: m.Source) -> str:
    """One word for footnotes: official, court, research, news, advocacy (with its side), copy, reference…"""
    if source.copy_of:
        return "copy"
    if source.kind == "court":
        return "court"
    if source.kind in OFFICIAL_KINDS:
        return "official"
    if source.kind == "advocacy" and source.side:
        return f"advocacy ({'supports' if source.side == 'for' else 'opposes'})"
    return str(source.kind)


def url_key(url: str) -> str:
    """The form two URLs share when they name the same page (scheme, case of host, trailing slash)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return (
        f"{(parts.hostname or '').lower()}{path}?{parts.query}"
        if parts.query
        else f"{(parts.hostname or '').lower()}{path}"
    )
