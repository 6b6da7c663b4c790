"""The HTTP layer: one small interface, a ``requests`` implementation and a test adapter.

Nothing above this module imports ``requests``. A transport takes a fully built request
(absolute URL, encoded pairs, headers, Basic credentials) and returns an ``HTTPResponse``,
or raises ``ConnectError`` / ``RequestTimeout`` / ``TransportError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import requests

from twiorm.errors import ConnectError, RequestTimeout, TransportError

__all__ = ["FunctionTransport", "HTTPRequest", "HTTPResponse", "RequestsTransport", "Transport"]


@dataclass(frozen=True)
class HTTPRequest:
    """A request ready to send. ``auth`` is (username, secret) and is never shown."""

    method: str
    url: str
    params: Sequence[tuple[str, str]] = ()
    data: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = field(default=None, repr=False)
    timeout: float | tuple[float, float] | None = None


@dataclass(frozen=True)
class HTTPResponse:
    """What came back: status, headers (case-insensitive names lower-cased) and raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str = ""

    def header(self, name: str) -> str | None:
        """Return a header's value by case-insensitive name."""
        return self.headers.get(name.lower())


class Transport(Protocol):
    """Anything that can send an ``HTTPRequest``."""

    def send(self, request: HTTPRequest) -> HTTPResponse:
        """Send the request and return the response; raise a ``TransportError`` on failure."""
        ...


class RequestsTransport:
    """Send over one shared ``requests.Session`` (connection pooling, thread-safe use)."""

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
    ) -> None:
        self.session = session or requests.Session()
        self.session.trust_env = session is not None and session.trust_env
        if proxies:
            self.session.proxies.update(proxies)
        self.verify = verify

    def send(self, request: HTTPRequest) -> HTTPResponse:
        try:
            response = self.session.request(
                request.method,
                request.url,
                params=list(request.params) or None,
                data=list(request.data) or None,
                headers=dict(request.headers),
                auth=request.auth,
                timeout=request.timeout,
                verify=self.verify,
                allow_redirects=False,  # a redirect would resend credentials elsewhere
            )
        except requests.ConnectTimeout as exc:
            raise RequestTimeout(
                f"connecting timed out: {_reason(exc)}", method=request.method, url=request.url
            ) from None
        except requests.ReadTimeout as exc:
            raise RequestTimeout(
                f"no answer in time: {_reason(exc)}", method=request.method, url=request.url
            ) from None
        except requests.ConnectionError as exc:
            raise ConnectError(
                f"connection failed: {_reason(exc)}", method=request.method, url=request.url
            ) from None
        except requests.RequestException as exc:
            raise TransportError(
                f"request failed: {_reason(exc)}", method=request.method, url=request.url
            ) from None
        headers = {name.lower(): value for name, value in response.headers.items()}
        return HTTPResponse(response.status_code, headers, response.content, request.url)

    def __repr__(self) -> str:
        return f"<RequestsTransport verify={self.verify!r}>"


def _reason(exc: BaseException) -> str:
    # The innermost cause says what happened (refused, reset) without echoing the request.
    while exc.__context__ is not None and exc.__context__ is not exc:
        exc = exc.__context__
    return type(exc).__name__


class FunctionTransport:
    """Adapt a plain function to ``Transport``: the fake used by tests and by users' tests."""

    def __init__(self, handler: Callable[[HTTPRequest], HTTPResponse]) -> None:
        self.handler = handler

    def send(self, request: HTTPRequest) -> HTTPResponse:
        return self.handler(request)
