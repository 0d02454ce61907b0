"""The update client against a local HTTP server; also the server and network guard the other update tests use.

No test here or in the other ``test_update*`` modules sends traffic beyond this machine:
``no_remote_network`` refuses every name lookup and connection that is not loopback, and
records the attempt so tests can assert that none was made.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agencyref.roster.update.client import USER_AGENT, Client, Limits, Validators, check_url, is_loopback
from agencyref.roster.update.errors import DownloadError, HTTPStatusError, NetworkError, UnsafeURLError

MAX_SLEEP = 2.0  # no handler sleeps longer: the server always stops promptly


# ---- network guard ---------------------------------------------------------------------


def _loopback_host(host: object) -> bool:
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def _ip_literal(host: object) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False
    return True


def guard_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse (and record) any lookup or connection to a non-loopback host; clear proxy settings."""
    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback_host(host):
            attempts.append(f"lookup {host}")
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test guard)")
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if _ip_literal(address[0]) and not _loopback_host(address[0]):  # names go through getaddrinfo above
            attempts.append(f"connect {address[0]}:{address[1]}")
            raise ConnectionRefusedError("non-loopback connection refused by the test guard")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)
    return attempts


# ---- local server ----------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # between body bytes
    content_length: int | None = None  # a lie, to cut a download short
    send_length: bool = True


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    sent: int  # body bytes sent (or being sent)


CERT = Path(__file__).parent / "data" / "update" / "loopback-test.pem"  # self-signed for 127.0.0.1, tests only
KEY = CERT.with_suffix(".key")


class Server:
    def __init__(self, tls: bool = False) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        handler = _handler(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]  # clients that hang up
        self.scheme = "https" if tls else "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(CERT, KEY)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def bodies_sent(self, path: str) -> int:
        with self.lock:
            return sum(1 for h in self.hits if h.path == path and h.sent > 0)

    def requests_for(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # a stuck client cannot hold a server thread for long

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_CONNECT(self) -> None:  # acting as an https proxy: record and refuse
            self._record()
            self.send_error(502, "test proxy does not tunnel")

        def do_GET(self) -> None:
            # Recorded before anything is answered: a test reads the record as soon as its client returns.
            hit = self._record()
            route = server.routes.get(self.path.split("?", 1)[0])
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(min(route.delay, MAX_SLEEP))
            etag_match = route.etag is not None and self.headers.get("If-None-Match") == route.etag
            date_match = (
                route.last_modified is not None and self.headers.get("If-Modified-Since") == route.last_modified
            )
            if etag_match or date_match:
                self.send_response(304)
                self.end_headers()
                return
            try:
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                if route.send_length:
                    length = route.content_length if route.content_length is not None else len(route.body)
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                hit.sent = len(route.body)  # before the body goes out, so the client cannot see it first
                self._send(route)
            except OSError:  # the client gave up (as the tests make it): nothing to report
                pass
            if not route.send_length:
                self.close_connection = True

        def _send(self, route: Route) -> None:
            if not route.drip:
                self.wfile.write(route.body)
                return
            started = time.monotonic()
            for i in range(len(route.body)):
                if time.monotonic() - started > MAX_SLEEP:
                    return
                self.wfile.write(route.body[i : i + 1])
                self.wfile.flush()
                time.sleep(route.drip)

        def _record(self) -> Hit:
            hit = Hit(self.command, self.path, dict(self.headers.items()), 0)
            with server.lock:
                server.hits.append(hit)
            return hit

    return Handler


def serving(tls: bool = False) -> Iterator[Server]:
    s = Server(tls)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(autouse=True)
def no_remote_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return guard_network(monkeypatch)


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serving()


FAST = Limits(connect_timeout=2, read_timeout=2, total_timeout=10, page_bytes=64 * 1024, sheet_bytes=64 * 1024)


def fetcher(tmp_path: Path, limits: Limits = FAST) -> Callable[..., Any]:
    client = Client(limits)

    def fetch(url: str, validators: Validators | None = None, max_bytes: int | None = None) -> Any:
        return client.fetch(url, tmp_path / "out.bin", max_bytes=max_bytes or limits.sheet_bytes, validators=validators)

    return fetch


# ---- URL policy --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.ice.gov/identify-and-arrest/287g",
        "http://127.0.0.1:8000/x",
        "http://127.5.6.7/x",
        "http://[::1]:8000/x",
        "http://localhost/x",
        "HTTPS://WWW.ICE.GOV/x",
    ],
)
def test_allowed_urls(url: str) -> None:
    check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://www.ice.gov/identify-and-arrest/287g",
        "http://192.0.2.1/x",
        "http://localhost.example.com/x",
        "http://127.0.0.1.nip.io/x",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "https:///nohost",
        "javascript:alert(1)",
    ],
)
def test_refused_urls(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url)


def test_a_remote_server_may_not_redirect_to_this_machine() -> None:
    with pytest.raises(UnsafeURLError, match="to this machine"):
        check_url("https://127.0.0.1/x", previous="https://mirror.example.org/page")
    check_url("https://www.ice.gov/x", previous="http://127.0.0.1:8000/page")  # a local mirror may send us to ICE


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]") and is_loopback("LOCALHOST")
    assert not is_loopback("10.0.0.1") and not is_loopback("example.org") and not is_loopback(None)


# ---- the client against the server -----------------------------------------------------------


def test_download_sends_our_user_agent_and_returns_validators(server: Server, tmp_path: Path) -> None:
    server.routes["/f"] = Route(b"PK\x03\x04 body", etag='"v1"', last_modified="Fri, 18 Jul 2025 16:00:00 GMT")
    got = fetcher(tmp_path)(server.url("/f"))
    assert not got.not_modified and got.size == 9 and got.path.read_bytes() == b"PK\x03\x04 body"
    assert got.validators == Validators('"v1"', "Fri, 18 Jul 2025 16:00:00 GMT")
    assert server.requests_for("/f")[0].headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("agencyref/")


def test_conditional_request_gets_304_and_no_body(server: Server, tmp_path: Path) -> None:
    server.routes["/f"] = Route(b"PK\x03\x04 body", etag='"v1"')
    fetch = fetcher(tmp_path)
    first = fetch(server.url("/f"))
    second = fetch(server.url("/f"), validators=first.validators)
    assert second.not_modified and second.path is None
    assert server.requests_for("/f")[1].headers["If-None-Match"] == '"v1"'
    assert server.bodies_sent("/f") == 1


def test_if_modified_since_is_sent_too(server: Server, tmp_path: Path) -> None:
    stamp = "Fri, 18 Jul 2025 16:00:00 GMT"
    server.routes["/f"] = Route(b"x", last_modified=stamp)
    assert fetcher(tmp_path)(server.url("/f"), validators=Validators(None, stamp)).not_modified


@pytest.mark.parametrize("status", [403, 404, 500, 503])
def test_http_errors(server: Server, tmp_path: Path, status: int) -> None:
    server.routes["/f"] = Route(b"nope", status=status)
    with pytest.raises(HTTPStatusError, match=f"HTTP {status}") as exc:
        fetcher(tmp_path)(server.url("/f"))
    assert exc.value.status == status and exc.value.exit_code == 12


def test_size_cap_from_the_declared_length(server: Server, tmp_path: Path) -> None:
    server.routes["/big"] = Route(b"x" * 5000)
    with pytest.raises(DownloadError, match="over the limit"):
        fetcher(tmp_path)(server.url("/big"), max_bytes=4000)
    assert server.requests_for("/big")  # refused on the header: the body was not read


def test_size_cap_enforced_while_streaming(server: Server, tmp_path: Path) -> None:
    server.routes["/big"] = Route(b"x" * 300_000, send_length=False)
    with pytest.raises(DownloadError, match="more than the limit"):
        fetcher(tmp_path)(server.url("/big"), max_bytes=100_000)


def test_truncated_download(server: Server, tmp_path: Path) -> None:
    server.routes["/cut"] = Route(b"PK\x03\x04" + b"x" * 100, content_length=5000)
    with pytest.raises(DownloadError, match="cut short"):
        fetcher(tmp_path)(server.url("/cut"))


def test_slow_headers_time_out(server: Server, tmp_path: Path) -> None:
    server.routes["/slow"] = Route(b"x", delay=1.5)
    limits = Limits(connect_timeout=0.3, read_timeout=0.3, total_timeout=5)
    with pytest.raises(NetworkError, match="timed out"):
        fetcher(tmp_path, limits)(server.url("/slow"))


def test_slow_drip_hits_the_deadline(server: Server, tmp_path: Path) -> None:
    server.routes["/drip"] = Route(b"x" * 100, drip=0.05)
    limits = Limits(connect_timeout=1, read_timeout=1, total_timeout=0.3)
    with pytest.raises(NetworkError, match="took longer"):
        fetcher(tmp_path, limits)(server.url("/drip"))


def test_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match="refused"):
        fetcher(tmp_path)(f"http://127.0.0.1:{port}/x")


def test_dns_failure(tmp_path: Path, no_remote_network: list[str]) -> None:
    with pytest.raises(NetworkError, match="cannot resolve"):
        fetcher(tmp_path)("https://no-such-host.invalid/x")
    assert no_remote_network == ["lookup no-such-host.invalid"]


def test_redirect_within_loopback_is_followed(server: Server, tmp_path: Path) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(b"moved")
    got = fetcher(tmp_path)(server.url("/old"))
    assert got.path.read_bytes() == b"moved" and got.final_url.endswith("/new")


@pytest.mark.parametrize(
    "target", ["http://192.0.2.10/participatingAgencies.xlsx", "http://www.ice.gov/x", "ftp://127.0.0.1/x"]
)
def test_redirect_to_plain_http_elsewhere_is_refused_without_connecting(
    server: Server, tmp_path: Path, no_remote_network: list[str], target: str
) -> None:
    server.routes["/r"] = Route(status=302, headers={"Location": target})
    with pytest.raises(UnsafeURLError, match="refusing"):
        fetcher(tmp_path)(server.url("/r"))
    assert no_remote_network == []  # not even a name lookup


def test_redirect_loop_is_an_http_error(server: Server, tmp_path: Path) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    with pytest.raises(HTTPStatusError):
        fetcher(tmp_path)(server.url("/a"))


def test_proxy_variables_are_honoured_for_remote_hosts(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_remote_network: list[str]
) -> None:
    monkeypatch.setenv("https_proxy", server.url(""))
    with pytest.raises(NetworkError):
        fetcher(tmp_path)("https://www.ice.gov/identify-and-arrest/287g")
    connects = [h for h in server.hits if h.method == "CONNECT"]
    assert [h.path for h in connects] == ["www.ice.gov:443"]  # asked the proxy, never the host
    assert no_remote_network == []


def test_loopback_is_reached_directly_even_with_a_proxy_set(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{dead}")
    server.routes["/f"] = Route(b"direct")
    assert fetcher(tmp_path)(server.url("/f")).path.read_bytes() == b"direct"


# ---- HTTPS, with a self-signed certificate for 127.0.0.1 --------------------------------------


@pytest.fixture
def tls_server() -> Iterator[Server]:
    yield from serving(tls=True)


def test_https_with_an_untrusted_certificate_is_refused(tls_server: Server, tmp_path: Path) -> None:
    tls_server.routes["/f"] = Route(b"secret")
    with pytest.raises(NetworkError, match="TLS certificate not trusted"):
        fetcher(tmp_path)(tls_server.url("/f"))


def test_https_download_timeouts_and_conditional_requests(tls_server: Server, tmp_path: Path) -> None:
    tls_server.routes["/f"] = Route(b"PK\x03\x04 over tls", etag='"t1"')
    client = Client(FAST, ssl_context=ssl.create_default_context(cafile=str(CERT)))
    got = client.fetch(tls_server.url("/f"), tmp_path / "f", max_bytes=1000)
    assert got.path is not None and got.path.read_bytes() == b"PK\x03\x04 over tls"
    again = client.fetch(tls_server.url("/f"), tmp_path / "g", max_bytes=1000, validators=got.validators)
    assert again.not_modified and tls_server.bodies_sent("/f") == 1
    tls_server.routes["/slow"] = Route(b"x", delay=1.0)
    slow = Client(
        Limits(connect_timeout=0.3, read_timeout=0.3), ssl_context=ssl.create_default_context(cafile=str(CERT))
    )
    with pytest.raises(NetworkError, match="timed out"):
        slow.fetch(tls_server.url("/slow"), tmp_path / "h", max_bytes=1000)
