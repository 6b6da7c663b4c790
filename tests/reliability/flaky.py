"""A small, misbehaving Twilio on 127.0.0.1 for the fault-injection tests.

It serves just enough of the 2010 API for twiorm's resources (a paged list of calls with
cursor tokens, fetch/update/delete of a call, creating and listing messages, a Lookups
fetch) and keeps count of everything it receives and everything it does. Faults are
queued with ``inject(method, path_part, *faults)``: each matching request consumes the
next fault instead of the normal answer. A fault decides whether the request was acted
upon first (``ResetAfterRead``, ``Slow``, ``Truncated`` act, then fail to answer), so a
test can tell a lost answer from a lost request.

Standard library only; every handler thread is bounded (slow answers wait on an event
that ``stop()`` sets).
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ACCOUNT_SID = "AC" + "a" * 32
ACCOUNT_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}"


def call_sid(n: int) -> str:
    return f"CA{n:032x}"


# -- faults ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Answer with an error status (a Twilio-shaped JSON body unless ``raw`` is given)."""

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"


@dataclass(frozen=True)
class Body:
    """Act on the request, then answer ``status`` with this exact body."""

    raw: bytes
    status: int = 200
    content_type: str = "application/json"


@dataclass(frozen=True)
class ResetBeforeRead:
    """Reset the connection before reading the request body: nothing is done."""


@dataclass(frozen=True)
class ResetAfterRead:
    """Act on the request, then reset the connection instead of answering."""


@dataclass(frozen=True)
class Slow:
    """Act on the request, then answer only after ``seconds`` (past the client's timeout)."""

    seconds: float = 1.0


@dataclass(frozen=True)
class Truncated:
    """Act on the request, then send half the body under a Content-Length for all of it."""


@dataclass(frozen=True)
class Answer:
    """No fault: answer this one request normally (to space faults out in a queue)."""


Fault = Status | Body | ResetBeforeRead | ResetAfterRead | Slow | Truncated | Answer


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    authorization: str | None

    def form_dict(self) -> dict[str, str]:
        return dict(self.form)


class _Hangup(Exception):
    """Ends a handler that dropped its connection on purpose."""


# -- the server --------------------------------------------------------------------------


class FlakyTwilio:
    """See the module docstring. ``start()`` it, point a client at ``base_url``."""

    def __init__(self, calls: int = 0, *, port: int = 0) -> None:
        self.calls: list[dict[str, Any]] = [_call_record(n) for n in range(calls)]
        self.messages: list[dict[str, Any]] = []
        self.received: list[Received] = []
        self.faults_applied: Counter[str] = Counter()
        # Which requests met a fault, and which were later answered normally: a fault
        # followed by a normal answer to the same request was absorbed by a retry.
        self._faulted: list[tuple[str, str, str]] = []
        self._served: set[tuple[str, str, str]] = set()
        self.unexpected: list[BaseException] = []  # errors in the server itself: a test bug
        self._faults: list[tuple[str, str, deque[Fault]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------

    def start(self) -> FlakyTwilio:
        owner = self

        class Handler(_Handler):
            server_state = owner

        httpd = _Server(("127.0.0.1", self._port), Handler)
        httpd.owner = self
        self._port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    def inject(self, method: str, path_part: str, *faults: Fault) -> None:
        """Queue faults for requests whose method matches and whose path contains ``path_part``."""
        with self._lock:
            self._faults.append((method, path_part, deque(faults)))

    @property
    def faults_pending(self) -> int:
        with self._lock:
            return sum(len(queue) for _, _, queue in self._faults)

    @property
    def faults_injected(self) -> int:
        return sum(self.faults_applied.values())

    @property
    def faults_absorbed(self) -> int:
        with self._lock:
            return sum(1 for request in self._faulted if request in self._served)

    def requests_to(self, method: str, path_part: str = "") -> list[Received]:
        return [r for r in self.received if r.method == method and path_part in r.path]

    def duplicate_creates(self) -> int:
        """Messages created more than once with the same body (each test body is unique)."""
        bodies = Counter(message["body"] for message in self.messages)
        return sum(count - 1 for count in bodies.values() if count > 1)

    # -- used by the handler ---------------------------------------------------------

    def _next_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for wanted, part, queue in self._faults:
                if wanted == method and part in path and queue:
                    fault = queue.popleft()
                    if isinstance(fault, Answer):
                        return None
                    self.faults_applied[type(fault).__name__] += 1
                    return fault
        return None

    def _wait(self, seconds: float) -> None:
        self._stop.wait(seconds)

    # -- the API ---------------------------------------------------------------------

    def act(self, method: str, path: str, query: dict[str, str], form: dict[str, str]) -> Any:
        """Do what Twilio would; return (status, JSON-able body or None)."""
        with self._lock:
            return self._route(method, path, query, form)

    def _route(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str]
    ) -> tuple[int, Any]:
        if path == f"{ACCOUNT_PATH}/Calls.json" and method == "GET":
            return self._page(path, query, self.calls, "calls")
        if path.startswith(f"{ACCOUNT_PATH}/Calls/") and path.endswith(".json"):
            sid = path.rsplit("/", 1)[1].removesuffix(".json")
            found = next((c for c in self.calls if c["sid"] == sid), None)
            if found is None:
                return 404, _error(20404, f"The requested resource {path} was not found", 404)
            if method == "GET":
                return 200, found
            if method == "POST":
                if "Status" in form:
                    found["status"] = form["Status"]
                return 200, found
            if method == "DELETE":
                self.calls.remove(found)
                return 204, None
        if path == f"{ACCOUNT_PATH}/Messages.json":
            if method == "POST":
                message = {
                    "sid": f"SM{len(self.messages):032x}",
                    "account_sid": ACCOUNT_SID,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                    "num_segments": "1",
                }
                self.messages.append(message)
                return 201, message
            if method == "GET":
                return self._page(path, query, self.messages, "messages")
        if path.startswith("/v2/PhoneNumbers/") and method == "GET":
            number = unquote(path.rsplit("/", 1)[1])
            return 200, {"phone_number": number, "valid": True, "country_code": "US"}
        return 404, _error(20404, f"The requested resource {path} was not found", 404)

    @staticmethod
    def _page(
        path: str, query: dict[str, str], records: list[dict[str, Any]], key: str
    ) -> tuple[int, dict[str, Any]]:
        # Cursor paging as Twilio does it: PageToken=PA<sid of the last record served>.
        size = int(query.get("PageSize", "50"))
        number = int(query.get("Page", "0"))
        start = 0
        token = query.get("PageToken")
        if token:
            last = token.removeprefix("PA")
            found = [i for i, r in enumerate(records) if r["sid"] == last]
            if not found:
                return 400, _error(21481, f"Invalid PageToken {token}", 400)
            start = found[0] + 1
        chunk = records[start : start + size]
        more = start + size < len(records)
        next_uri = None
        if more:
            next_uri = f"{path}?PageSize={size}&Page={number + 1}&PageToken=PA{chunk[-1]['sid']}"
        return 200, {
            key: [dict(r) for r in chunk],
            "next_page_uri": next_uri,
            "page": number,
            "page_size": size,
            "start": start,
            "end": start + max(len(chunk) - 1, 0),
            "first_page_uri": f"{path}?PageSize={size}&Page=0",
            "previous_page_uri": None,
            "uri": f"{path}?PageSize={size}&Page={number}",
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FlakyTwilio

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Dropped connections are the point of this server; anything else is a bug.
        error = sys.exc_info()[1]
        if error is None or isinstance(error, (_Hangup, ConnectionError, TimeoutError)):
            return
        self.owner.unexpected.append(error)


class _Handler(BaseHTTPRequestHandler):
    server_state: FlakyTwilio
    protocol_version = "HTTP/1.0"  # one request per connection: no stale keep-alives

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        state = self.server_state
        parts = urlsplit(self.path)
        fault = state._next_fault(self.command, parts.path)
        signature = (self.command, parts.path, parts.query)
        with state._lock:
            if fault is not None:
                state._faulted.append(signature)
        if isinstance(fault, ResetBeforeRead):
            self._record(parts, b"")
            self._reset()
        length = int(self.headers.get("Content-Length") or 0)
        raw_form = self.rfile.read(length) if length else b""
        self._record(parts, raw_form)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        form = dict(parse_qsl(raw_form.decode(), keep_blank_values=True))
        if isinstance(fault, Status):
            body = fault.raw
            if body is None:
                body = json.dumps(_error(20000 + fault.code, f"status {fault.code}", fault.code))
                body = body.encode()
            self._answer(fault.code, body, fault.content_type, fault.headers)
            return
        status, payload = state.act(self.command, parts.path, query, form)
        body = b"" if payload is None else json.dumps(payload).encode()
        if isinstance(fault, ResetAfterRead):
            self._reset()
        if isinstance(fault, Slow):
            state._wait(fault.seconds)
        if isinstance(fault, Truncated):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 64))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            raise _Hangup
        if isinstance(fault, Body):
            self._answer(fault.status, fault.raw, fault.content_type, {})
            return
        with state._lock:
            state._served.add(signature)
        self._answer(status, body, "application/json", {})

    def _record(self, parts: Any, raw_form: bytes) -> None:
        received = Received(
            method=self.command,
            path=parts.path,
            query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
            form=tuple(parse_qsl(raw_form.decode(errors="replace"), keep_blank_values=True)),
            authorization=self.headers.get("Authorization"),
        )
        with self.server_state._lock:
            self.server_state.received.append(received)

    def _answer(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        raise _Hangup


def _call_record(n: int) -> dict[str, Any]:
    return {
        "sid": call_sid(n),
        "account_sid": ACCOUNT_SID,
        "to": f"+1415555{n % 10000:04d}",
        "from": "+14155550199",
        "status": "completed",
        "duration": str(n % 60),
        "date_created": "Fri, 18 Oct 2019 17:00:00 +0000",
    }


def _error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def http_date(seconds_from_now: float) -> str:
    """An HTTP date ``seconds_from_now`` ahead, as a ``Retry-After`` value."""
    return formatdate(time.time() + seconds_from_now, usegmt=True)


def free_port() -> int:
    """A port nothing listens on right now (for connection-refused faults)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
