"""Helpers for testing code that uses twiorm: count the requests a block of code sends.

::

    with count_requests(client) as sent:
        Call.objects.using(client).get("CA...")
    assert sent.count == 1
    assert sent.requests[0].method == "GET"

``sent.requests`` are the requests as the code sent them, parameters and form data
included (credentials left out): under a replaying cassette, whose answers hold
scrubbed values, they still show the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from twiorm.client import Client
from twiorm.transport import HTTPRequest, HTTPResponse, Transport

__all__ = ["RequestLog", "count_requests"]


@dataclass
class RequestLog:
    """The requests sent inside a ``count_requests`` block.

    ``sent`` holds them as (method, URL) pairs, ``requests`` whole (``params``, ``data``,
    ``headers`` …) with their credentials removed.
    """

    sent: list[tuple[str, str]] = field(default_factory=list)
    requests: list[HTTPRequest] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many requests were sent."""
        return len(self.sent)


class _CountingTransport:
    def __init__(self, inner: Transport, log: RequestLog) -> None:
        self.inner = inner
        self.log = log

    def send(self, request: HTTPRequest) -> HTTPResponse:
        self.log.sent.append((request.method, request.url))
        self.log.requests.append(request._replace(auth=None))  # no secret kept around
        return self.inner.send(request)


@contextmanager
def count_requests(client: Client) -> Iterator[RequestLog]:
    """Count every request ``client`` sends inside the block (retries included).

    It wraps the client's transport for the block, so requests other threads send with
    the same client meanwhile are counted too: use it where one thread uses the client.
    """
    log = RequestLog()
    requestor = client.requestor
    original = requestor.transport
    requestor.transport = _CountingTransport(original, log)
    try:
        yield log
    finally:
        requestor.transport = original
