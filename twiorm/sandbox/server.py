"""The HTTP side: a stdlib server on 127.0.0.1 that hands requests to the API.

HTTP/1.1 with keep-alive, so a client's connection pool is reused as against Twilio.
Stopping closes the listening socket and every open connection, so no handler thread
outlives the sandbox waiting on an idle keep-alive connection.

The sandbox is a test server, but it listens on a port, so it holds up against a client
that misbehaves:

* Authentication comes first, from the headers: the API asks for the body only once the
  request has authenticated, so a stranger's body is never read.
* Bodies are capped at ``MAX_BODY`` (1 MiB; Twilio's form bodies are a few KiB). A larger
  ``Content-Length`` answers 413 before any of the body is read, one that is not a whole
  number 400, and a body sent without one (``Transfer-Encoding``) 411.
* A connection that sends nothing for ``idle_timeout`` seconds (``IDLE_TIMEOUT``, 60 by
  default) is closed; one that stops halfway through a request gets 408.
* At most ``max_connections`` connections (``MAX_CONNECTIONS``, 64) are served at once, a
  thread each. Beyond that a connection waits: the accepting loop takes no other until a
  thread is free, and frees one by closing the longest-idle keep-alive connection if there
  is one (its client reconnects, as after the idle timeout). Load never answers 503: in a
  burst of parallel tests that would turn a slow moment into a failed test, where waiting
  only slows it. A client that trickles a request byte by byte keeps its thread; the
  sandbox is for tests on this machine, not for the internet.
* A request the server cannot take gets Twilio's error body, never an HTML page, a
  traceback or a silent close. Its code is Twilio's for the status where there is one
  (20003, 20004 ...; see ``refusals.STATUS_CODES``), else the status itself (400, 408,
  411, 413, 414, 431, 505), as the bare HTTP codes in Twilio's error dictionary are.

A connection is closed after a refusal and whenever a body was left unread, since the
unread bytes stand in the way of the next request. What the client still sends is then
drained (read and dropped, never kept) for at most a second before the socket closes:
closing over unread data makes the kernel send a reset, which can destroy the answer
before the client reads it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Final, cast

from twiorm.redaction import mask_phone_numbers
from twiorm.sandbox.operations import Incoming, Reply
from twiorm.sandbox.refusals import Refusal

__all__ = ["HOST", "IDLE_TIMEOUT", "MAX_BODY", "MAX_CONNECTIONS", "SandboxServer"]

#: The only address the sandbox listens on.
HOST = "127.0.0.1"
#: The largest request body the sandbox reads, in bytes.
MAX_BODY: Final = 1 << 20
#: Seconds a connection may send nothing before the sandbox closes it: longer than a
#: test's pause between requests, so a pooled connection is rarely found closed.
IDLE_TIMEOUT: Final = 60.0
#: Connections served at once, a thread each; more wait for one to end.
MAX_CONNECTIONS: Final = 64

logger = logging.getLogger("twiorm.sandbox")
Handler = Callable[[Incoming], Reply]

_JSON: Final = "application/json; charset=utf-8"
# The longest request line read, as the stdlib's limit for a header line.
_MAX_LINE: Final = 65536
# Empty lines skipped where a request line is due: RFC 9112 asks servers to ignore at
# least one, as some clients send CRLF after a body.
_BLANK_LINES: Final = 4
# Seconds a closing connection is drained so that the client can read its answer.
_LINGER: Final = 1.0
# Seconds ``stop`` waits for the connections' threads to end.
_STOP_WAIT: Final = 2.0
# How often the accepting loop, waiting for a free thread, looks for an idle connection to
# close and checks whether the server is stopping.
_WAIT_POLL: Final = 0.02
# Seconds a connection must have been idle to be closed for another: a fresh connection's
# first request is on its way, not late.
_IDLE_ENOUGH: Final = 0.1
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token
_DIGITS = re.compile(r"[0-9]+")


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "twiorm-sandbox"
    sys_version = ""
    # Headers and body go out in separate writes: without this, Nagle's algorithm and
    # delayed ACKs can hold each keep-alive response back by tens of milliseconds.
    disable_nagle_algorithm = True
    server: SandboxServer

    _linger: bool  # drain the connection before it closes
    _answered: bool  # the current request's answer has started
    _unread: int  # bytes of the current request's body not read yet
    _continue: bool  # the client waits for "100 Continue" before it sends the body
    _body: bytes  # the current request's body, once read

    def setup(self) -> None:
        super().setup()
        # Every read and write waits at most this long: an idle connection ends.
        self.connection.settimeout(self.server.idle_timeout)
        self._linger = False

    def finish(self) -> None:
        super().finish()
        if self._linger:
            self._drain()

    # -- one request ---------------------------------------------------------------------

    def handle_one_request(self) -> None:
        self._answered, self._unread, self._continue, self._body = False, 0, False, b""
        try:
            line = self._request_line()
            if line is None:
                self.close_connection = True
                return
            self._handle(line)
        except TimeoutError:
            # The client stopped halfway through its request, or stopped reading the answer.
            self.close_connection = True
            if not self._answered:
                self._refuse(408, "The request was not completed in time")

    def _request_line(self) -> bytes | None:
        """Wait for the next request line; ``None`` when the connection ends first."""
        line = b""
        for _ in range(_BLANK_LINES + 1):
            self.server.note_idle(self.connection)
            try:
                # Peek first: a wait that times out here loses nothing of a request.
                waiting = cast(io.BufferedReader, self.rfile).peek(1)
            except OSError:  # idle too long, reset, or closed to give way
                waiting = b""
            if not self.server.note_busy(self.connection) or not waiting:
                return None
            line = self.rfile.readline(_MAX_LINE + 1)
            if line.strip():
                break
        return line

    def _handle(self, line: bytes) -> None:
        # What refusals read before parse_request sets them.
        self.raw_requestline, self.requestline = line, ""
        self.command, self.request_version = "", self.protocol_version
        if len(line) > _MAX_LINE:
            self._refuse(414, f"The request line is longer than {_MAX_LINE} bytes")
            return
        if not line.strip():
            self._refuse(400, "Expected a request line, got empty lines")
            return
        if not self.parse_request():  # it has refused, through send_error
            return
        if self.request_version == "HTTP/0.9":
            self._refuse(400, "Requests need an HTTP version: HTTP/1.1 or HTTP/1.0")
        elif not _METHOD.fullmatch(self.command):
            self._refuse(400, "The request method is not an HTTP token")
        else:
            length = self._body_length()
            if length is not None:
                self._answer(length)

    def _body_length(self) -> int | None:
        """The body's declared length; ``None`` once a body that cannot be read is refused."""
        if "Transfer-Encoding" in self.headers:
            self._refuse(411, "Send the body with a Content-Length, not a Transfer-Encoding")
            return None
        declared = {value.strip() for value in self.headers.get_all("Content-Length", [])}
        if not declared:
            return 0
        value = declared.pop()
        if declared or not _DIGITS.fullmatch(value):
            self._refuse(400, "Content-Length must be one whole number of bytes")
            return None
        digits, cap = value.lstrip("0") or "0", self.server.max_body
        # Compare lengths first: int() refuses a string of more than 4300 digits.
        if len(digits) > len(str(cap)) or int(digits) > cap:
            self._refuse(413, f"The request body is larger than the {cap} bytes allowed")
            return None
        return int(digits)

    def _answer(self, length: int) -> None:
        self._unread = length
        incoming = Incoming(
            # http.server dispatches on the method; HEAD answers as GET without the body
            "GET" if self.command == "HEAD" else self.command,
            self.path,
            authorization=self.headers.get("Authorization"),
            content_type=self.headers.get("Content-Type"),
            read_body=self._read_body,
        )
        reply = self.server.handler(incoming)
        self._send(reply, close=self._unread > 0)

    def _read_body(self) -> bytes:
        """Read the declared body: the API calls this once the request has authenticated."""
        if self._unread:
            if self._continue:
                self.send_response_only(100)
                self.end_headers()
            try:
                body = self.rfile.read(self._unread)
            except TimeoutError:
                raise Refusal.for_status(408, "The request body was not sent in time") from None
            except OSError:
                raise Refusal.for_status(400, "The connection failed during the body") from None
            if len(body) < self._unread:
                raise Refusal.for_status(400, "The request body ended before its Content-Length")
            self._unread, self._body = 0, body
        return self._body

    def handle_expect_100(self) -> bool:
        # Say "100 Continue" only when the body is read, after authentication: the client
        # of a refused request then never sends its body.
        self._continue = True
        return True

    # -- answering -----------------------------------------------------------------------

    def _send(self, reply: Reply, *, close: bool = False) -> None:
        self._answered = True
        if close:
            self.close_connection = self._linger = True
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if reply.status != 204:  # a 204 has no body and announces none
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body and reply.status != 204 and self.command != "HEAD":
            self.wfile.write(reply.body)

    def _refuse(self, status: int, message: str) -> None:
        """Answer Twilio's error body for a request the server cannot take, then close."""
        if self.request_version == "HTTP/0.9":  # else the stdlib leaves out the status line
            self.request_version = self.protocol_version
        self.log_error("refused with %d: %s", status, message)
        body = Refusal.for_status(status, message).body()
        self._send(Reply(status, body, {"Content-Type": _JSON}), close=True)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # parse_request reports a malformed request line or headers here.
        self._refuse(code, message or self.responses.get(code, ("Bad Request", ""))[0])

    def _drain(self) -> None:
        """Read and drop what the client still sends, for a moment, then let it close."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)  # the answer is complete
            deadline = time.monotonic() + _LINGER
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        # Request lines carry phone numbers in query strings: mask them, as clients may.
        logger.debug("%s %s", self.address_string(), mask_phone_numbers(format % args))


class SandboxServer(HTTPServer):
    """Serve ``handler`` on 127.0.0.1 from a background thread, a thread per connection.

    ``idle_timeout`` (seconds), ``max_connections`` and ``max_body`` (bytes) bound what a
    client can hold; see the module's docstring.
    """

    # Connections waiting for a thread wait in the listening socket's backlog.
    request_queue_size = socket.SOMAXCONN

    def __init__(
        self,
        port: int,
        handler: Handler,
        *,
        idle_timeout: float = IDLE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        max_body: int = MAX_BODY,
    ) -> None:
        if idle_timeout <= 0 or max_connections < 1 or max_body < 0:
            raise ValueError(
                "idle_timeout and max_connections must be positive, max_body not negative"
            )
        self.handler = handler
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self.max_body = max_body
        self._slots = threading.Semaphore(max_connections)
        self._lock = threading.Lock()
        self._threads: dict[socket.socket, threading.Thread] = {}  # open connections
        self._idle: dict[socket.socket, float] = {}  # waiting for a request, since when
        self._giving_way: set[socket.socket] = set()  # closed to free a thread
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        super().__init__((HOST, port), _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (getfqdn), which can stall for
        # seconds where DNS is slow; the sandbox knows its name.
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = self.port

    @property
    def port(self) -> int:
        port: int = self.socket.getsockname()[1]
        return port

    def start(self, poll_interval: float = 0.01) -> None:
        """Serve in a daemon thread until ``stop``.

        ``stop`` waits up to ``poll_interval`` seconds for the serving loop to notice.
        """
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": poll_interval},
            name=f"twiorm-sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close open connections and the listening socket."""
        self._stopping.set()  # a connection waiting for a thread is closed, not served
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        with self._lock:
            open_connections = list(self._threads.items())
        for connection, _ in open_connections:
            with contextlib.suppress(OSError):  # the peer closed it already
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + _STOP_WAIT
        for _, thread in open_connections:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client dropping its connection (or stop() closing it) is routine here, not
        # worth the traceback the base class prints.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)

    # -- a bounded number of connection threads ------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._take_thread():
            self.shutdown_request(request)  # stopping: closed unanswered
            return
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"twiorm-sandbox:{self.port}:connection",
            daemon=True,
        )
        with self._lock:
            self._threads[request] = thread
        try:
            thread.start()
        except BaseException:
            self._forget(request)
            raise

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one connection's failure must not end others
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._forget(request)

    def _forget(self, request: Any) -> None:
        with self._lock:
            self._threads.pop(request, None)
            self._idle.pop(request, None)
            self._giving_way.discard(request)
        self._slots.release()

    def _take_thread(self) -> bool:
        """Wait until a connection may have a thread; ``False`` if the server stops first."""
        taken = self._slots.acquire(blocking=False)
        while not taken and not self._stopping.is_set():
            self._give_way()
            taken = self._slots.acquire(timeout=_WAIT_POLL)
        return taken

    def _give_way(self) -> None:
        """Close the longest-idle connection, one at a time, to free its thread."""
        with self._lock:
            if self._giving_way or not self._idle:
                return
            connection = min(self._idle, key=self._idle.__getitem__)
            if time.monotonic() - self._idle[connection] < _IDLE_ENOUGH:
                return
            del self._idle[connection]
            self._giving_way.add(connection)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)

    def note_idle(self, connection: socket.socket) -> None:
        """Record that ``connection`` waits for a request: it may be closed to give way."""
        with self._lock:
            if connection not in self._giving_way:
                self._idle[connection] = time.monotonic()

    def note_busy(self, connection: socket.socket) -> bool:
        """Record that ``connection`` has a request; ``False`` if it was closed to give way."""
        with self._lock:
            self._idle.pop(connection, None)
            return connection not in self._giving_way
