"""What can go wrong while updating, one class per outcome a script may want to tell apart.

Each class carries its exit code (documented in `agencyref update --help` and docs/update.md).
None is 4: a failed update is an expected outcome, not an internal error.
"""

from __future__ import annotations

from agencyref.errors import AgencyrefError

NEWER_AVAILABLE = 10  # `update --check`: ICE's list is newer than the one in use (not an error)


class UpdateError(AgencyrefError):
    """An update that could not finish. Nothing was replaced."""

    exit_code = 11
    summary = ""


class NetworkError(UpdateError):
    exit_code = 11
    summary = "cannot reach the server: offline, DNS failure, connection refused or reset, timeout, TLS failure"


class HTTPStatusError(UpdateError):
    exit_code = 12
    summary = "the server answered with an HTTP error (4xx/5xx) or too many redirects"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LayoutError(UpdateError):
    exit_code = 13
    summary = "the page has no links to the sheets (ICE changed its page layout)"


class DownloadError(UpdateError):
    exit_code = 14
    summary = "a download is not a usable spreadsheet: too large, truncated, or not .xlsx"


class SheetError(UpdateError):
    exit_code = 15
    summary = "a downloaded sheet could not be imported (ICE changed its columns, or the file is damaged)"


class UnsafeURLError(UpdateError):
    exit_code = 16
    summary = "refused a URL: plain http to a non-loopback host (also as a redirect), or not http(s)"


ERROR_CLASSES: tuple[type[UpdateError], ...] = (
    NetworkError,
    HTTPStatusError,
    LayoutError,
    DownloadError,
    SheetError,
    UnsafeURLError,
)
