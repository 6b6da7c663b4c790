"""Shared fixtures: a fake Twilio behind the transport interface, and clients on it."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

import twiorm
from twiorm.transport import FunctionTransport, HTTPRequest, HTTPResponse

ACCOUNT_SID = "AC" + "a" * 32
AUTH_TOKEN = "test-auth-token-not-real-0123456789"

Responder = Callable[[HTTPRequest], HTTPResponse]


class FakeTwilio:
    """Answer requests from queued responses per (method, path); record what was sent."""

    def __init__(self) -> None:
        self.requests: list[HTTPRequest] = []
        self._routes: dict[tuple[str, str], deque[Responder]] = defaultdict(deque)
        self._sticky: dict[tuple[str, str], Responder] = {}

    def reply(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        always: bool = False,
    ) -> None:
        """Queue a response (``always``: answer every such request with it)."""
        content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())

        def respond(request: HTTPRequest) -> HTTPResponse:
            return HTTPResponse(
                status, {k.lower(): v for k, v in (headers or {}).items()}, content, request.url
            )

        if always:
            self._sticky[(method, path)] = respond
        else:
            self._routes[(method, path)].append(respond)

    def __call__(self, request: HTTPRequest) -> HTTPResponse:
        self.requests.append(request)
        key = (request.method, urlsplit(request.url).path)
        if self._routes.get(key):
            return self._routes[key].popleft()(request)
        if key in self._sticky:
            return self._sticky[key](request)
        raise AssertionError(f"unexpected request {key}")

    @property
    def last(self) -> HTTPRequest:
        return self.requests[-1]


@pytest.fixture
def fake() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
def client(fake: FakeTwilio) -> twiorm.Client:
    # retries=0: each unit test scripts one answer per request; tests/reliability covers retries.
    return twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, transport=FunctionTransport(fake), retries=0)


@pytest.fixture(autouse=True)
def _no_default_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests from finding credentials in the developer's environment."""
    for name in (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "TWILIO_REGION",
        "TWILIO_EDGE",
        "TWIORM_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    twiorm.set_default_client(None)
