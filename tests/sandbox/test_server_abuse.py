"""The sandbox's HTTP server under abuse: bad requests, big bodies, idle and many connections.

Every request here is written byte by byte on a socket, below any HTTP client, so the
tests see what a misbehaving client would. Each socket read has a timeout: a server that
never answers fails the test instead of hanging it.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from twiorm.sandbox import Sandbox
from twiorm.sandbox.operations import Incoming, Reply
from twiorm.sandbox.server import MAX_BODY, SandboxServer

ERROR_KEYS = {"code", "message", "more_info", "status"}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    #: Whether the server ended the connection after answering (checked when asked for).
    closed: bool | None = None

    def error(self) -> dict[str, Any]:
        """The Twilio error body, checked for its shape."""
        assert self.headers["Content-Type"].startswith("application/json"), self.body
        body: dict[str, Any] = json.loads(self.body)
        assert set(body) == ERROR_KEYS
        assert body["status"] == self.status
        assert body["more_info"] == f"https://www.twilio.com/docs/errors/{body['code']}"
        return body


def read_answer(sock: socket.socket) -> Answer:
    """Read one response from ``sock``."""
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        body = response.read()
    finally:
        response.close()
    return Answer(response.status, response.headers, body)


def talk(port: int, data: bytes, *, timeout: float = 2.0, closes: bool = False) -> Answer:
    """Send ``data`` on a new connection and read the one answer.

    With ``closes``, also see whether the server then ends the connection (a server that
    keeps it open makes this wait ``timeout`` seconds and fail).
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = read_answer(sock)
        if closes:
            answer.closed = sock.recv(1) == b""
        return answer


def port_of(sandbox: Sandbox) -> int:
    return int(sandbox.url.rsplit(":", 1)[1])


def basic(sandbox: Sandbox) -> str:
    token = b64encode(f"{sandbox.account_sid}:{sandbox.auth_token}".encode()).decode()
    return f"Basic {token}"


def calls_path(sandbox: Sandbox) -> str:
    return f"/2010-04-01/Accounts/{sandbox.account_sid}/Calls.json"


def head(request_line: str, *headers: str) -> bytes:
    """A request's head: the line, headers, and the empty line; no body."""
    return ("\r\n".join([request_line, "Host: 127.0.0.1", *headers]) + "\r\n\r\n").encode()


# -- authentication happens first, from the headers alone --------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        b"Basic \xc3\xa9\xc3\xa9==",  # non-ASCII where base64 should be
        b"Basic \xff\xfe",
        b"Basic " + b64encode("\u00e9:secret".encode()),  # a username no account has
        b"Basic " + b64encode(b"\xff\xfe:secret"),  # credentials that are not UTF-8
    ],
)
def test_non_ascii_credentials_get_401_not_500(
    twilio_sandbox: Sandbox, authorization: bytes
) -> None:
    request = head(f"GET {calls_path(twilio_sandbox)} HTTP/1.1").replace(
        b"\r\n\r\n", b"\r\nAuthorization: " + authorization + b"\r\n\r\n"
    )
    answer = talk(port_of(twilio_sandbox), request)
    assert answer.status == 401, answer.body
    assert answer.error()["code"] == 20003
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'


@pytest.mark.parametrize("credentials", [None, "Basic " + b64encode(b"AC:wrong").decode()])
def test_an_unauthenticated_body_is_never_read(
    twilio_sandbox: Sandbox, credentials: str | None
) -> None:
    # The body is announced but never sent: a server that reads before it authenticates
    # waits for it, and the client's read times out.
    headers = ["Content-Type: application/x-www-form-urlencoded", "Content-Length: 100000"]
    if credentials:
        headers.append(f"Authorization: {credentials}")
    request = head(f"POST {calls_path(twilio_sandbox)} HTTP/1.1", *headers)
    answer = talk(port_of(twilio_sandbox), request, closes=True)
    assert answer.status == 401
    assert answer.error()["code"] == 20003
    # The unread body is still on the wire: the connection cannot carry another request.
    assert answer.headers["Connection"] == "close"
    assert answer.closed
    assert twilio_sandbox.requests[-1].status == 401
    assert twilio_sandbox.requests[-1].form == {}


# -- request bodies are capped -----------------------------------------------------------


@pytest.mark.parametrize(
    "length",
    [str(MAX_BODY + 1), str(10**12), "9" * 100, "1" * 5000, "0" * 30 + str(MAX_BODY + 1)],
)
def test_a_body_over_the_cap_gets_413_without_being_read(
    twilio_sandbox: Sandbox, length: str
) -> None:
    request = head(
        f"POST {calls_path(twilio_sandbox)} HTTP/1.1",
        f"Authorization: {basic(twilio_sandbox)}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {length}",
    )
    answer = talk(port_of(twilio_sandbox), request, closes=True)
    assert answer.status == 413, answer.body
    assert answer.error()["code"] == 413
    assert str(MAX_BODY) in answer.error()["message"]
    assert answer.closed


def test_a_body_at_the_cap_is_read(twilio_sandbox: Sandbox) -> None:
    body = b"FriendlyName=" + b"x" * (MAX_BODY - len(b"FriendlyName="))
    request = head(
        "POST /v2/Services HTTP/1.1",
        f"Authorization: {basic(twilio_sandbox)}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
    )
    answer = talk(port_of(twilio_sandbox), request + body, timeout=5)
    assert answer.status == 201
    assert len(twilio_sandbox.requests[-1].form["FriendlyName"]) == MAX_BODY - 13


@pytest.mark.parametrize(
    "headers",
    [
        ["Content-Length: abc"],
        ["Content-Length: -5"],
        ["Content-Length: +5"],
        ["Content-Length: 1_0"],
        ["Content-Length: 0x10"],
        ["Content-Length: 5", "Content-Length: 6"],
    ],
)
def test_a_content_length_that_is_not_one_number_gets_400(
    twilio_sandbox: Sandbox, headers: list[str]
) -> None:
    request = head(
        f"POST {calls_path(twilio_sandbox)} HTTP/1.1",
        f"Authorization: {basic(twilio_sandbox)}",
        *headers,
    )
    answer = talk(port_of(twilio_sandbox), request, closes=True)
    assert answer.status == 400, answer.body
    assert answer.error()["code"] == 400
    assert answer.closed


def test_a_chunked_body_is_refused_as_length_required(twilio_sandbox: Sandbox) -> None:
    request = head(
        f"POST {calls_path(twilio_sandbox)} HTTP/1.1",
        f"Authorization: {basic(twilio_sandbox)}",
        "Transfer-Encoding: chunked",
    )
    answer = talk(port_of(twilio_sandbox), request + b"5\r\nTo=1\r\n0\r\n\r\n", closes=True)
    assert answer.status == 411
    assert answer.error()["code"] == 411
    assert answer.closed


def test_expect_100_continue_is_answered_only_once_authenticated(twilio_sandbox: Sandbox) -> None:
    port, path = port_of(twilio_sandbox), calls_path(twilio_sandbox)
    refused = talk(port, head(f"POST {path} HTTP/1.1", "Expect: 100-continue", "Content-Length: 9"))
    assert refused.status == 401  # a final answer, not "100 Continue": no body is wanted
    body = b"To=%2B14155550100&From=%2B15005550006&Url=https%3A%2F%2Fexample.com%2Fx"
    request = head(
        f"POST {path} HTTP/1.1",
        f"Authorization: {basic(twilio_sandbox)}",
        "Expect: 100-continue",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
    )
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(request)
        assert sock.recv(64).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        answer = read_answer(sock)
    assert answer.status == 201, answer.body


# -- malformed requests get Twilio's error body, not HTML or silence ----------------------


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"garbage\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),  # HTTP/0.9
        (b"GET / HTTP/1.x\r\n\r\n", 400),
        (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
        (b"G\x00T / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", 431),
        (b"\r\n" * 20, 400),
    ],
)
def test_malformed_requests_get_a_twilio_error(
    twilio_sandbox: Sandbox, request_bytes: bytes, status: int
) -> None:
    answer = talk(port_of(twilio_sandbox), request_bytes, closes=True)
    assert answer.status == status, answer.body
    assert answer.error()["code"] == status
    assert answer.closed


def test_a_blank_line_before_a_request_is_ignored(twilio_sandbox: Sandbox) -> None:
    request = head(
        f"GET {calls_path(twilio_sandbox)} HTTP/1.1", f"Authorization: {basic(twilio_sandbox)}"
    )
    assert talk(port_of(twilio_sandbox), b"\r\n" + request).status == 200


@pytest.mark.parametrize(("authenticated", "status"), [(True, 405), (False, 401)])
def test_an_unknown_method_is_refused_like_any_other(
    twilio_sandbox: Sandbox, authenticated: bool, status: int
) -> None:
    headers = [f"Authorization: {basic(twilio_sandbox)}"] if authenticated else []
    answer = talk(
        port_of(twilio_sandbox), head(f"BREW {calls_path(twilio_sandbox)} HTTP/1.1", *headers)
    )
    assert answer.status == status, answer.body
    assert answer.error()["code"] == {405: 20004, 401: 20003}[status]


def test_refusals_are_logged_with_phone_numbers_masked(
    twilio_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG", logger="twiorm.sandbox"):
        talk(
            port_of(twilio_sandbox),
            head(
                f"POST {calls_path(twilio_sandbox)}?To=+14155550123 HTTP/1.1", "Content-Length: x"
            ),
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "twiorm.sandbox"]
    assert any("400" in line for line in lines)
    assert not any("4155550123" in line for line in lines)


# -- idle connections and the bound on threads -------------------------------------------


def echo(incoming: Incoming) -> Reply:
    return Reply(200, incoming.target.encode(), {"Content-Type": "text/plain"})


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start ``SandboxServer``s with a given handler and options; stop them afterwards."""
    servers: list[SandboxServer] = []

    def start(handler: Any = echo, **options: Any) -> SandboxServer:
        server = SandboxServer(0, handler, **options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_an_idle_connection_is_closed_after_the_idle_timeout(serve: Any) -> None:
    server = serve(idle_timeout=0.2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed without an answer: nothing was asked
        assert 0.1 < time.monotonic() - started < 2.5


def test_a_keep_alive_connection_is_closed_after_the_idle_timeout(serve: Any) -> None:
    server = serve(idle_timeout=0.2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
        sock.sendall(head("GET /first HTTP/1.1"))
        first = read_answer_keeping(sock)
        assert first == b"/first"
        assert sock.recv(1) == b""


def read_answer_keeping(sock: socket.socket) -> bytes:
    """Read one answer without waiting to see whether the connection closes."""
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        body = response.read()
    finally:
        response.close()
    assert response.status == 200
    return body


def test_a_request_that_stalls_halfway_gets_408(serve: Any) -> None:
    server = serve(idle_timeout=0.2)
    answer = talk(server.port, b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n", timeout=3, closes=True)
    assert answer.status == 408
    assert answer.error()["code"] == 408
    assert answer.closed


def test_a_body_that_stalls_gets_408(twilio_sandbox: Sandbox, serve: Any) -> None:
    server = serve(twilio_sandbox.api.handle, idle_timeout=0.2)
    request = head(
        f"POST {calls_path(twilio_sandbox)} HTTP/1.1",
        f"Authorization: {basic(twilio_sandbox)}",
        "Content-Type: application/x-www-form-urlencoded",
        "Content-Length: 50",
    )
    answer = talk(server.port, request + b"To=", timeout=3, closes=True)
    assert answer.status == 408
    assert answer.closed


def test_connections_beyond_the_bound_wait_for_a_thread(serve: Any) -> None:
    inside = threading.Semaphore(0)
    release = threading.Event()
    busy = 0
    most = 0
    lock = threading.Lock()

    def slow(incoming: Incoming) -> Reply:
        nonlocal busy, most
        with lock:
            busy += 1
            most = max(most, busy)
        inside.release()
        release.wait(5)
        with lock:
            busy -= 1
        return echo(incoming)

    server = serve(slow, max_connections=2)
    sockets: list[socket.socket] = []
    try:
        for number in range(4):
            sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
            sockets[-1].sendall(head(f"GET /{number} HTTP/1.1"))
        assert inside.acquire(timeout=2)
        assert inside.acquire(timeout=2)
        assert not inside.acquire(timeout=0.3)  # the other two wait for a thread
        assert most == 2
        release.set()
        # Once answered, the first two connections sit idle: they give way to the others.
        answers = sorted(read_answer_keeping(sock) for sock in sockets)
        assert answers == [b"/0", b"/1", b"/2", b"/3"]
        assert most == 2
    finally:
        release.set()
        for sock in sockets:
            sock.close()


def test_an_idle_connection_gives_way_when_every_thread_is_taken(serve: Any) -> None:
    server = serve(max_connections=1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as first:
        first.sendall(head("GET /first HTTP/1.1"))
        assert read_answer_keeping(first) == b"/first"
        with socket.create_connection(("127.0.0.1", server.port), timeout=2) as second:
            second.sendall(head("GET /second HTTP/1.1"))
            assert read_answer_keeping(second) == b"/second"
        assert first.recv(1) == b""  # closed so that the second could be served


def test_stopping_frees_a_connection_waiting_for_a_thread(serve: Any) -> None:
    server = serve(max_connections=1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as first:
        first.sendall(b"GET /first HTTP/1.1\r\n")  # halfway: busy, so it cannot give way
        with socket.create_connection(("127.0.0.1", server.port), timeout=2) as second:
            second.sendall(head("GET /second HTTP/1.1"))
            time.sleep(0.2)
            started = time.monotonic()
            server.stop()
            assert time.monotonic() - started < 1.5
            assert second.recv(1) == b""  # closed unanswered: it never had a thread
        assert first.recv(1) == b""
