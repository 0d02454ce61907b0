"""`agencyref update`: bring ICE's current 287(g) list in. The only package that touches the network.

Imported only by the ``update`` command (``cli/update.py``, inside the command function), so no
offline command ever loads a network module. One module per job: ``page`` (ICE's page → sheet
links), ``client`` (a careful HTTPS GET), ``state`` (validators for conditional requests),
``sources`` (local sheets and folders), ``into_roster`` (the default ingest step), ``run``
(the orchestration) and ``errors`` (one class, and exit code, per way of failing).
"""

from agencyref.roster.update.client import USER_AGENT, Client, Limits, check_url, is_loopback
from agencyref.roster.update.errors import (
    ERROR_CLASSES,
    NEWER_AVAILABLE,
    DownloadError,
    HTTPStatusError,
    LayoutError,
    NetworkError,
    SheetError,
    UnsafeURLError,
    UpdateError,
)
from agencyref.roster.update.into_roster import IngestFn, ingest_into_roster
from agencyref.roster.update.page import PAGE_URL, SheetLinks, find_sheet_links
from agencyref.roster.update.run import UpdateResult, run_update
from agencyref.roster.update.state import STATE_FILE

__all__ = [
    "ERROR_CLASSES",
    "NEWER_AVAILABLE",
    "PAGE_URL",
    "STATE_FILE",
    "USER_AGENT",
    "Client",
    "DownloadError",
    "HTTPStatusError",
    "IngestFn",
    "LayoutError",
    "Limits",
    "NetworkError",
    "SheetError",
    "SheetLinks",
    "UnsafeURLError",
    "UpdateError",
    "UpdateResult",
    "check_url",
    "find_sheet_links",
    "ingest_into_roster",
    "is_loopback",
    "run_update",
]
