"""A careful HTTP GET: HTTPS only (plain http to loopback alone), timeouts, a size cap, conditional requests.

Standard library only (urllib): one GET at a time of a page and two small sheets needs no
connection pooling, and a third-party client would be a new dependency for one command.
urllib already honours the standard proxy variables (``https_proxy``, ``no_proxy``…) and
verifies certificates against the system store; what it lacks is added here: separate
connect and read timeouts, a deadline and a size cap enforced while streaming, a check of
every redirect *before* it is followed, and no handlers for file:, ftp: or data: URLs.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from agencyref import __version__
from agencyref.roster.update.errors import DownloadError, HTTPStatusError, NetworkError, UnsafeURLError

USER_AGENT = f"agencyref/{__version__} (offline reference)"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """How long to wait and how much to accept. Tests shrink these."""

    connect_timeout: float = 15.0  # seconds to open a connection
    read_timeout: float = 30.0  # seconds of silence tolerated once connected
    total_timeout: float = 300.0  # seconds for one whole response (a slow drip cannot go on forever)
    page_bytes: int = 5 * 2**20  # ICE's page is ~100 KB
    sheet_bytes: int = 20 * 2**20  # ICE's sheets are ~0.2 MB; the importer refuses over 50 MB anyway
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    """What the server said identifies this version, for the next conditional request."""

    etag: str | None = None
    last_modified: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.etag or self.last_modified)


@dataclass(frozen=True)
class Fetched:
    url: str  # the URL asked for
    final_url: str  # after redirects
    not_modified: bool  # 304: the copy we have is current, nothing was downloaded
    path: Path | None  # where the body was written (None when not modified)
    size: int
    validators: Validators
    last_modified: str | None  # the Last-Modified header, to date a list whose file name has no date


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, previous: str | None = None) -> None:
    """Refuse what we never fetch: anything but https, except plain http to loopback.

    ``previous`` is the URL that redirected here: a remote server may not steer us to a
    loopback address (that is where local services listen).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.casefold()
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if scheme not in ("http", "https") or not host:
        raise UnsafeURLError(f"refusing {_shown(url)}: only https:// URLs are fetched")
    if scheme == "http" and not is_loopback(host):
        where = "a redirect to " if previous else ""
        raise UnsafeURLError(
            f"refusing {where}{_shown(url)}: plain http is allowed only to this machine (127.0.0.1, ::1, localhost)"
        )
    if previous is not None and is_loopback(host) and not is_loopback(urlsplit(previous).hostname):
        raise UnsafeURLError(f"refusing a redirect from {_shown(previous)} to this machine ({_shown(url)})")


def _shown(url: str) -> str:
    return url if len(url) <= 200 else url[:200] + "…"


# ---- urllib plumbing: timeouts per phase, redirects checked before they are followed ----------


def _connection(base: type[http.client.HTTPConnection], read_timeout: float) -> Any:
    class Connection(base):  # type: ignore[valid-type, misc]
        """Connects within ``timeout`` (the connect timeout), then waits at most ``read_timeout`` per read."""

        def connect(self) -> None:
            super().connect()
            self.sock.settimeout(read_timeout)

    return Connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._connection = _connection(http.client.HTTPConnection, read_timeout)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float, context: ssl.SSLContext | None) -> None:
        super().__init__(context=context or ssl.create_default_context())
        self._connection = _connection(http.client.HTTPSConnection, read_timeout)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req, context=self._context)  # type: ignore[attr-defined]


class _ProxyHandler(urllib.request.ProxyHandler):
    """The standard proxy variables, except for loopback: a local mirror is reached directly."""

    def proxy_open(self, req: urllib.request.Request, proxy: str, type: str) -> Any:
        if is_loopback(urlsplit(req.full_url).hostname):
            return None
        return super().proxy_open(req, proxy, type)


class _Redirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        check_url(newurl, previous=req.full_url)  # raises before any connection to newurl
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _redirects(limit: int) -> _Redirects:
    class Limited(_Redirects):
        max_redirections = limit
        max_repeats = limit

    return Limited()


def _describe(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return "cannot resolve the host name (offline, or DNS failure)"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({reason.verify_message})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failure ({reason.reason or reason})"
    if isinstance(reason, OSError):
        return reason.strerror or type(reason).__name__
    return str(reason) or type(reason).__name__


class Client:
    """GET one URL at a time into a file, within ``limits``."""

    def __init__(
        self, limits: Limits | None = None, user_agent: str = USER_AGENT, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        """``ssl_context``: certificates to trust instead of the system's (tests, a private mirror)."""
        self.limits = limits or Limits()
        self.user_agent = user_agent
        opener = urllib.request.OpenerDirector()
        for handler in (
            _ProxyHandler(),  # None: from the environment (https_proxy, no_proxy…)
            _HTTPHandler(self.limits.read_timeout),
            _HTTPSHandler(self.limits.read_timeout, ssl_context),
            urllib.request.HTTPDefaultErrorHandler(),
            _redirects(self.limits.max_redirects),
            urllib.request.HTTPErrorProcessor(),
        ):
            opener.add_handler(handler)
        self._opener = opener

    def fetch(self, url: str, dest: Path, *, max_bytes: int, validators: Validators | None = None) -> Fetched:
        """Download ``url`` into ``dest`` (304 → nothing written). Raises an :class:`UpdateError`."""
        check_url(url)
        headers = {"User-Agent": self.user_agent, "Accept": "*/*", "Accept-Encoding": "identity"}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        request = urllib.request.Request(url, headers=headers)
        try:
            response = self._opener.open(request, timeout=self.limits.connect_timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304:
                return Fetched(url, exc.url or url, True, None, 0, validators or Validators(), None)
            reason = exc.reason if exc.code < 300 or exc.code >= 400 else "too many redirects"
            raise HTTPStatusError(f"{_shown(url)}: HTTP {exc.code} {reason}", exc.code) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, UnsafeURLError):
                raise exc.reason from None
            raise NetworkError(f"{_shown(url)}: {_describe(exc)}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise NetworkError(f"{_shown(url)}: {_describe(exc)}") from None
        with response:
            size = self._stream(url, response, dest, max_bytes)
            found = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
            return Fetched(url, response.geturl(), False, dest, size, found, found.last_modified)

    @staticmethod
    def _read(url: str, response: Any, size: int) -> bytes:
        """At most one chunk, as soon as some bytes arrive (each wait bounded by the read timeout)."""
        try:
            chunk: bytes = response.read1(_CHUNK)
        except http.client.IncompleteRead:
            raise DownloadError(f"{_shown(url)}: download cut short after {_size(size)}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise NetworkError(f"{_shown(url)}: {_describe(exc)} after {_size(size)}") from None
        return chunk

    def _stream(self, url: str, response: Any, dest: Path, max_bytes: int) -> int:
        """Copy the body to ``dest``, refusing it as soon as it is too big, too slow or cut short."""
        declared = _content_length(response.headers.get("Content-Length"))
        if declared is not None and declared > max_bytes:
            raise DownloadError(f"{_shown(url)}: {_size(declared)} is over the limit of {_size(max_bytes)}")
        deadline = time.monotonic() + self.limits.total_timeout
        size = 0
        try:
            out = open(dest, "wb")  # noqa: SIM115 (closed below; read errors and write errors differ)
        except OSError as exc:
            raise DownloadError(f"cannot write {dest}: {exc.strerror or exc}") from None
        with out:
            while chunk := self._read(url, response, size):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"{_shown(url)}: more than the limit of {_size(max_bytes)}")
                if time.monotonic() > deadline:
                    raise NetworkError(f"{_shown(url)}: took longer than {self.limits.total_timeout:g} s")
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise DownloadError(f"cannot write {dest}: {exc.strerror or exc}") from None
        if declared is not None and size != declared:
            raise DownloadError(f"{_shown(url)}: download cut short ({_size(size)} of {_size(declared)})")
        return size


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 2**20 else f"{n / 2**20:.1f} MiB"
