"""The HTTP side: a threaded stdlib server on 127.0.0.1 that hands requests to the API.

HTTP/1.1 with keep-alive, so a client's connection pool is reused as against Twilio.
Stopping closes the listening socket and every open connection, so no handler thread
outlives the sandbox waiting on an idle keep-alive connection.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twiorm.redaction import mask_phone_numbers
from twiorm.sandbox.operations import Incoming, Reply

__all__ = ["HOST", "SandboxServer"]

#: The only address the sandbox listens on.
HOST = "127.0.0.1"
logger = logging.getLogger("twiorm.sandbox")
Handler = Callable[[Incoming], Reply]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "twiorm-sandbox"
    sys_version = ""
    # Headers and body go out in separate writes: without this, Nagle's algorithm and
    # delayed ACKs can hold each keep-alive response back by tens of milliseconds.
    disable_nagle_algorithm = True
    server: SandboxServer

    def _answer(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "Content-Length is not a number")
            return
        body = self.rfile.read(length) if length > 0 else b""
        incoming = Incoming(
            "GET" if self.command == "HEAD" else self.command,
            self.path,
            body,
            self.headers.get("Authorization"),
            self.headers.get("Content-Type"),
        )
        reply = self.server.handler(incoming)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 204:  # a 204 has no body and announces none
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body and reply.status != 204 and self.command != "HEAD":
            self.wfile.write(reply.body)

    # http.server dispatches on these names; HEAD answers as GET without the body
    do_GET = do_HEAD = do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = _answer  # noqa: N815

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        # Request lines carry phone numbers in query strings: mask them, as clients may.
        logger.debug("%s %s", self.address_string(), mask_phone_numbers(format % args))


class SandboxServer(ThreadingHTTPServer):
    """Serve ``handler`` on 127.0.0.1 from a background thread."""

    daemon_threads = True

    def __init__(self, port: int, handler: Handler) -> None:
        self.handler = handler
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
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
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):  # the peer closed it already
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client dropping its connection (or stop() closing it) is routine here, not
        # worth the traceback the base class prints.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)

    # -- connection tracking -------------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)
