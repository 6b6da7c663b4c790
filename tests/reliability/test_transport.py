"""The transport: how far an exchange got, TLS always verified, nothing chained.

``requests`` reports a refused connection and a reset after sending as the same
``ConnectionError``; the urllib3 exception inside decides whether a POST may be sent
again. The first tests build those exceptions as ``requests`` does and check the typed
error; the later ones check the same on real sockets.
"""

from __future__ import annotations

import datetime
import gzip
import http.client
import ipaddress
import json
import pickle
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from urllib3 import exceptions as u3

import twiorm
from twiorm.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeout,
    RequestTimeout,
    TLSError,
    TransportError,
)
from twiorm.request import RequestSpec
from twiorm.sandbox import Sandbox
from twiorm.transport import HTTPRequest, RequestsTransport

from .conftest import AUTH_TOKEN
from .flaky import (
    ACCOUNT_PATH,
    ACCOUNT_SID,
    FlakyTwilio,
    ResetAfterRead,
    ResetBeforeRead,
    Slow,
    Status,
    Truncated,
    free_port,
)

URL = "https://api.twilio.com/2010-04-01/Accounts/AC/Calls.json"


class FailingSession(requests.Session):
    """A session whose every request raises the given exception (and records the call)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.calls.append(kwargs)
        raise self.error


def _max_retry(reason: Exception) -> u3.MaxRetryError:
    return u3.MaxRetryError(None, URL, reason)  # type: ignore[arg-type]


def _refused() -> BaseException:
    refused = u3.NewConnectionError(None, "Failed to establish a new connection: refused")  # type: ignore[arg-type]
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    return requests.ConnectionError(_max_retry(refused))


CASES: list[tuple[str, Callable[[], BaseException], type[Exception]]] = [
    ("refused", _refused, ConnectError),
    (
        "dns",
        lambda: requests.ConnectionError(
            _max_retry(u3.NameResolutionError("api.twilio.com", None, OSError("no name")))  # type: ignore[arg-type]
        ),
        ConnectError,
    ),
    (
        "connect-timeout",
        lambda: requests.ConnectTimeout(_max_retry(u3.ConnectTimeoutError(None, "timed out"))),
        ConnectTimeout,
    ),
    (
        "read-timeout",
        lambda: requests.ReadTimeout(u3.ReadTimeoutError(None, URL, "Read timed out.")),  # type: ignore[arg-type]
        RequestTimeout,
    ),
    (
        "read-timeout-in-body",
        lambda: requests.ConnectionError(u3.ReadTimeoutError(None, URL, "Read timed out.")),  # type: ignore[arg-type]
        RequestTimeout,
    ),
    (
        "reset",
        lambda: requests.ConnectionError(
            u3.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset by peer"))
        ),
        ConnectionDroppedError,
    ),
    (
        "remote-disconnected",
        lambda: requests.ConnectionError(
            u3.ProtocolError("Connection aborted.", http.client.RemoteDisconnected("closed"))
        ),
        ConnectionDroppedError,
    ),
    (
        "body-cut-short",
        lambda: requests.exceptions.ChunkedEncodingError(
            u3.ProtocolError("Connection broken: IncompleteRead(10 bytes read, 64 more expected)")
        ),
        ConnectionDroppedError,
    ),
    (
        "untrusted-certificate",
        lambda: requests.exceptions.SSLError(
            _max_retry(u3.SSLError(ssl.SSLCertVerificationError(1, "certificate verify failed")))
        ),
        TLSError,
    ),
    (
        "tls-eof-mid-answer",
        lambda: requests.exceptions.SSLError(_max_retry(u3.SSLError(ssl.SSLEOFError(8, "EOF")))),
        ConnectionDroppedError,
    ),
    (
        "proxy-refused-tunnel",
        lambda: requests.exceptions.ProxyError(
            _max_retry(u3.ProxyError("Unable to connect to proxy", OSError("Tunnel failed: 403")))
        ),
        ConnectError,
    ),
    ("invalid-url", lambda: requests.exceptions.InvalidURL("bad"), TransportError),
    (
        "unencodable-credentials",
        lambda: UnicodeEncodeError("latin-1", "tøkén", 1, 2, "not latin-1"),
        TransportError,
    ),
    (
        "corrupt-gzip",
        lambda: requests.exceptions.ContentDecodingError("incorrect header check"),
        twiorm.MalformedResponseError,
    ),
    ("something-else", lambda: RuntimeError("vcr refused the request"), TransportError),
]


@pytest.mark.parametrize(("name", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_requests_failures_become_the_error_that_says_how_far_it_got(
    name: str, make: Callable[[], BaseException], expected: type[Exception]
) -> None:
    transport = RequestsTransport(FailingSession(make()))
    request = HTTPRequest("POST", URL, data=[("To", "+1")], auth=(ACCOUNT_SID, AUTH_TOKEN))
    with pytest.raises(twiorm.TwiormError) as caught:
        transport.send(request)
    error = caught.value
    assert type(error) is expected
    assert error.__context__ is None, "never chained to requests"
    assert error.__cause__ is None
    assert getattr(error, "url", URL) == URL
    assert AUTH_TOKEN not in str(error)


def test_only_connect_failures_say_nothing_was_sent() -> None:
    not_sent = {name for name, _, expected in CASES if issubclass(expected, ConnectError)}
    assert not_sent == {
        "refused",
        "dns",
        "connect-timeout",
        "untrusted-certificate",
        "proxy-refused-tunnel",
    }


def test_an_unforeseen_failure_is_named() -> None:
    transport = RequestsTransport(FailingSession(RuntimeError("vcr refused the request")))
    with pytest.raises(TransportError, match="RuntimeError: vcr refused the request"):
        transport.send(HTTPRequest("GET", URL))


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (ResetBeforeRead(), ConnectionDroppedError),
        (ResetAfterRead(), ConnectionDroppedError),
        (Truncated(), ConnectionDroppedError),
        (Slow(1.0), RequestTimeout),
    ],
    ids=["reset-before-read", "reset-after-read", "truncated", "slow"],
)
def test_real_socket_failures_are_classified_alike(
    flaky: FlakyTwilio, fault: Any, expected: type[Exception]
) -> None:
    flaky.inject("GET", "/Calls.json", fault)
    transport = RequestsTransport()
    try:
        with pytest.raises(TransportError) as caught:
            transport.send(
                HTTPRequest("GET", flaky.base_url + f"{ACCOUNT_PATH}/Calls.json", timeout=(2, 0.3))
            )
    finally:
        transport.close()
    assert type(caught.value) is expected


def _get_calls(flaky: FlakyTwilio, transport: RequestsTransport) -> twiorm.transport.HTTPResponse:
    url = flaky.base_url + f"{ACCOUNT_PATH}/Calls.json"
    return transport.send(HTTPRequest("GET", url, timeout=(2, 2)))


def test_a_compressed_body_is_read_whole_and_decompressed(flaky: FlakyTwilio) -> None:
    document = {"calls": [{"sid": "CA" + "1" * 32}], "next_page_uri": None}
    raw = gzip.compress(json.dumps(document).encode())
    flaky.inject("GET", "/Calls.json", Status(200, headers={"Content-Encoding": "gzip"}, raw=raw))
    transport = RequestsTransport()
    try:
        response = _get_calls(flaky, transport)
    finally:
        transport.close()
    assert json.loads(response.body) == document


def test_a_corrupt_compressed_body_is_a_malformed_response(flaky: FlakyTwilio) -> None:
    corrupt = Status(200, headers={"Content-Encoding": "gzip"}, raw=b"not gzip at all")
    flaky.inject("GET", "/Calls.json", corrupt)
    transport = RequestsTransport()
    try:
        with pytest.raises(twiorm.MalformedResponseError) as caught:
            _get_calls(flaky, transport)
    finally:
        transport.close()
    assert caught.value.__context__ is None
    assert caught.value.status == 200


def test_a_body_read_whole_gives_the_connection_back_for_the_next_request() -> None:
    # The sandbox keeps connections alive (HTTP/1.1), unlike the flaky server.
    with Sandbox() as sandbox:
        url = f"{sandbox.url}/2010-04-01/Accounts/{sandbox.account_sid}.json"
        request = HTTPRequest("GET", url, auth=(sandbox.account_sid, sandbox.auth_token))
        transport = RequestsTransport()
        try:
            answers = [transport.send(request) for _ in range(3)]
            pools = transport.session.get_adapter(url).poolmanager.pools
            opened = sum(pools[key].num_connections for key in pools.keys())  # noqa: SIM118 - not iterable
        finally:
            transport.close()
    assert [json.loads(answer.body)["sid"] for answer in answers] == [sandbox.account_sid] * 3
    assert opened == 1, "each answer was read to its end and the socket reused"


def test_a_refused_connection_on_a_real_socket_is_a_connect_error() -> None:
    transport = RequestsTransport()
    try:
        with pytest.raises(ConnectError) as caught:
            transport.send(HTTPRequest("POST", f"http://127.0.0.1:{free_port()}/x", timeout=2))
    finally:
        transport.close()
    assert type(caught.value) is ConnectError


# -- TLS and hosts -------------------------------------------------------------------------


def test_tls_verification_cannot_be_turned_off() -> None:
    for verify in (False, "", None, 0):
        with pytest.raises(twiorm.ConfigurationError, match="cannot be turned off"):
            RequestsTransport(verify=verify)  # type: ignore[arg-type]
    assert RequestsTransport(verify="/etc/ssl/certs/ca-certificates.crt").verify


def test_every_request_asks_for_verification_and_no_redirects() -> None:
    session = FailingSession(requests.exceptions.InvalidURL("stop here"))
    session.verify = False  # a careless session setting must not win
    with pytest.raises(TransportError):
        RequestsTransport(session).send(HTTPRequest("GET", URL))
    assert session.calls[0]["verify"] is True
    assert session.calls[0]["allow_redirects"] is False


def test_a_redirect_is_not_followed(
    flaky: FlakyTwilio, connect: Callable[..., twiorm.Client]
) -> None:
    elsewhere = FlakyTwilio().start()
    try:
        flaky.inject("GET", "/Calls/", Status(302, headers={"Location": elsewhere.base_url + "/x"}))
        spec = RequestSpec("GET", "api", f"{ACCOUNT_PATH}/Calls/CA{'0' * 32}.json")
        with pytest.raises(twiorm.TwilioAPIError) as caught:
            connect(flaky).send(spec)
        assert caught.value.status == 302
        assert elsewhere.received == [], "credentials must not follow a redirect"
    finally:
        elsewhere.stop()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://127.0.0.1.nip.io:8080",
        "http://localhost.example.com",
        "http://0.0.0.0:4010",
        "http://10.0.0.1",
        "http://[::ffff:8.8.8.8]",
        "ftp://127.0.0.1",
        "http://127.0.0.1/?x=1",
    ],
)
def test_plain_http_is_refused_except_for_loopback(url: str) -> None:
    with pytest.raises(twiorm.ConfigurationError):
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4010", "http://localhost", "http://[::1]:8080", "http://127.0.0.2"]
)
def test_plain_http_is_accepted_for_loopback(url: str) -> None:
    assert twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=url).base_url("api") == url


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """An https server on 127.0.0.1 with a self-signed certificate; yields (url, cert, paths)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert_path, seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_an_untrusted_certificate_is_refused_once(
    tls_server: tuple[str, Path, list[str]],
) -> None:
    url, cert, seen = tls_server
    spec = RequestSpec("GET", "api", "/ok")
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=url)
    try:
        with pytest.raises(TLSError):
            client.send(spec)
    finally:
        client.requestor.transport.close()  # type: ignore[attr-defined]
    assert seen == [], "nothing was sent over an unverified connection"

    trusting = twiorm.Client(
        ACCOUNT_SID, AUTH_TOKEN, base_url=url, transport=RequestsTransport(verify=str(cert))
    )
    try:
        assert trusting.send(spec) == {"ok": True}
    finally:
        trusting.requestor.transport.close()  # type: ignore[attr-defined]
    assert seen == ["/ok"]


def test_a_request_pickles_without_its_credentials() -> None:
    request = HTTPRequest("GET", URL, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=(1.0, 2.0))
    data = pickle.dumps(request)
    assert AUTH_TOKEN.encode() not in data
    copy = pickle.loads(data)
    assert copy.auth is None
    assert (copy.method, copy.url, copy.timeout) == ("GET", URL, (1.0, 2.0))
    assert AUTH_TOKEN not in repr(request)


class RecordingSession(requests.Session):
    """Records the proxies each request was given, then refuses it (nothing is sent)."""

    def __init__(self) -> None:
        super().__init__()
        self.proxies_sent: list[Any] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        self.proxies_sent.append(kwargs.get("proxies"))
        raise requests.exceptions.InvalidURL("recorded, not sent")


def proxies_used(transport: RequestsTransport, url: str) -> Any:
    session = RecordingSession()
    transport.session = session
    with pytest.raises(TransportError):
        transport.send(HTTPRequest("GET", url))
    return session.proxies_sent[-1]


def test_proxies_come_from_the_environment_but_never_for_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = RequestsTransport()
    assert proxies_used(transport, URL)["https"] == "http://proxy.example:3128"
    assert proxies_used(transport, "http://127.0.0.1:4010/2010-04-01/x.json") is None

    monkeypatch.setenv("NO_PROXY", "twilio.com")
    assert proxies_used(RequestsTransport(), URL) is None
    explicit = RequestsTransport(proxies={"https": "http://mine.example:8080"})
    assert explicit.session.proxies["https"] == "http://mine.example:8080"
    assert proxies_used(explicit, URL) is None, "the session's own proxies are not overridden"


def test_a_ca_bundle_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/corporate-ca.pem")
    assert RequestsTransport().verify == "/etc/corporate-ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert RequestsTransport().verify is True, "an empty setting cannot turn verification off"


def test_an_error_status_whose_body_is_cut_short_still_answers_with_its_status() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 100\r\n"
                b'Content-Type: application/json\r\n\r\n{"code": 20'
            )

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    transport = RequestsTransport()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/2010-04-01/Accounts/AC/Messages.json"
    try:
        response = transport.send(HTTPRequest("POST", url, data=[("Body", "hi")], timeout=(2, 2)))
    finally:
        transport.close()
        thread.join(timeout=5)
        listener.close()
    assert (response.status, response.body) == (429, b"")
