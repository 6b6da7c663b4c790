"""The HTTP layer: one small interface, a ``requests`` implementation and a test adapter.

Nothing above this module imports ``requests``. A transport takes a fully built request
(absolute URL, encoded pairs, headers, Basic credentials) and returns an ``HTTPResponse``,
or raises a ``TransportError`` that says how far the exchange got, because that decides
what may be retried: ``ConnectError`` (no connection, so nothing reached Twilio),
``ConnectionDroppedError`` or ``RequestTimeout`` (the request went out, the answer did
not come back), ``TLSError`` (the certificate was refused), or plain ``TransportError``
(the request could not be prepared). ``requests`` reports most of these as one
``ConnectionError``; the urllib3 exception inside it tells them apart.

The errors raised here carry no link to the ``requests`` exception: that one holds the
prepared request, Authorization header included.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, NamedTuple, Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_errors

from twiorm.errors import (
    ConfigurationError,
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeout,
    MalformedResponseError,
    RequestTimeout,
    TLSError,
    TransportError,
    TwiormError,
)
from twiorm.retry import SAFE_METHODS

__all__ = [
    "DEFAULT_MAX_CONNECTIONS",
    "FunctionTransport",
    "HTTPRequest",
    "HTTPResponse",
    "RequestsTransport",
    "Transport",
    "is_loopback",
]


#: Connections kept open per host. Python's thread pools default to at most 32 workers
#: (``ThreadPoolExecutor``), so a client shared by such a pool keeps every connection it
#: opens; each idle one is just a socket. More threads than this still work, but urllib3
#: then closes the extras after each answer ("Connection pool is full") and opens anew.
DEFAULT_MAX_CONNECTIONS: Final = 32


class HTTPRequest(NamedTuple):
    """A request ready to send. ``auth`` is (username, secret) and is never shown.

    Nor is it pickled: a pickled request comes back without credentials.
    """

    method: str
    url: str
    params: Sequence[tuple[str, str]] = ()
    data: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = MappingProxyType({})
    auth: tuple[str, str] | None = None
    timeout: float | tuple[float, float] | None = None
    #: A body already encoded (JSON); sent instead of ``data`` when given.
    content: bytes | None = None

    def __repr__(self) -> str:
        shown = "<hidden>" if self.auth is not None else "None"
        return (
            f"HTTPRequest(method={self.method!r}, url={self.url!r}, params={self.params!r}, "
            f"data={self.data!r}, headers={self.headers!r}, auth={shown}, "
            f"timeout={self.timeout!r}, content={self.content!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        kept = (self.method, self.url, self.params, self.data, dict(self.headers))
        return (HTTPRequest, (*kept, None, self.timeout, self.content))


class HTTPResponse(NamedTuple):
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
    """Send over one shared ``requests.Session`` (connection pooling, thread-safe use).

    TLS certificates are always verified: ``verify`` may name a CA bundle (for a
    corporate proxy that re-signs traffic) but cannot turn verification off; by default
    ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` names it, as for ``requests``.

    Proxies: ``proxies`` if given (for every host), else those of the environment
    (``HTTPS_PROXY``, ``NO_PROXY`` …) as the official SDK does, except for loopback hosts
    (a local sandbox). A ``session`` passed in keeps its own ``trust_env`` setting.

    ``max_connections`` is how many connections to one host are kept for reuse, which
    should be at least the number of threads sharing the transport (default
    ``DEFAULT_MAX_CONNECTIONS``). A ``session`` passed in keeps its own pools unless
    ``max_connections`` is given.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
        max_connections: int | None = None,
    ) -> None:
        if verify is not True and not (isinstance(verify, str) and verify):
            raise ConfigurationError(
                "TLS verification cannot be turned off; pass verify='/path/to/ca-bundle.pem' "
                "to trust a proxy's certificate authority"
            )
        if max_connections is not None and not (
            type(max_connections) is int and max_connections >= 1
        ):
            raise ConfigurationError(
                f"max_connections is a number of connections >= 1, got {max_connections!r}"
            )
        if verify is True and session is None:
            env = os.environ
            verify = env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE") or True
        self.session = session or requests.Session()
        if session is None or max_connections is not None:
            size = max_connections or DEFAULT_MAX_CONNECTIONS
            for prefix in ("https://", "http://"):
                # pool_maxsize is per host; pool_connections, how many hosts keep a pool.
                self.session.mount(prefix, HTTPAdapter(pool_maxsize=size))
        # Environment settings are read here, once per host, not by requests per request.
        self.session.trust_env = session is not None and session.trust_env
        if proxies:
            self.session.proxies.update(proxies)
        self.verify = verify
        self._proxies_from_environment = session is None and not proxies
        self._proxies_by_origin: dict[str, dict[str, str]] = {}

    def _environment_proxies(self, url: str) -> dict[str, str] | None:
        if not self._proxies_from_environment:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        found = self._proxies_by_origin.get(origin)
        if found is None:
            found = {}
            if not is_loopback(parts.hostname or ""):
                found = dict(requests.utils.get_environ_proxies(origin))
            self._proxies_by_origin[origin] = found
        return found or None

    def send(self, request: HTTPRequest) -> HTTPResponse:
        failure: TwiormError
        try:
            response = self.session.request(
                request.method,
                request.url,
                proxies=self._environment_proxies(request.url),
                params=list(request.params) or None,
                data=request.content if request.content is not None else list(request.data) or None,
                headers=dict(request.headers),
                auth=request.auth,
                timeout=request.timeout,
                verify=self.verify,
                allow_redirects=False,  # a redirect would resend credentials elsewhere
                stream=True,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes a typed error below
            failure = _translate(exc, request.method, request.url)
        else:
            try:
                # One read of the whole body: ``response.content`` joins 10 KiB chunks,
                # which costs a list-page stream several µs per record.
                body = response.raw.read(decode_content=True)
            except Exception as exc:  # noqa: BLE001 - as above
                response.close()
                failure = _translate(exc, request.method, request.url, response.status_code)
                if response.status_code >= 400 and not isinstance(failure, MalformedResponseError):
                    # An error status says what happened (a 400 or 429 applied nothing)
                    # even when its body is lost: answer with the status, not a dropped
                    # connection that would leave a POST's outcome unknown.
                    headers = {name.lower(): value for name, value in response.headers.items()}
                    return HTTPResponse(response.status_code, headers, b"", request.url)
            else:
                headers = {name.lower(): value for name, value in response.headers.items()}
                return HTTPResponse(response.status_code, headers, body, request.url)
        # Raised outside the except block so that it has no __context__: the requests
        # exception (and its frames' locals) hold the credentials.
        raise failure

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def __repr__(self) -> str:
        return f"<RequestsTransport verify={self.verify!r}>"


def _translate(exc: BaseException, method: str, url: str, status: int | None = None) -> TwiormError:
    """Map what ``requests`` raised to the typed error saying how far the exchange got.

    ``status`` is the answer's, when its status line arrived before the failure.
    """
    causes = list(_causes(exc))
    reason = _reason(causes)
    where = {"method": method, "url": url}

    def found(*kinds: type[BaseException]) -> bool:
        return any(isinstance(cause, kinds) for cause in causes)

    if isinstance(exc, _NOT_SENT):
        return TransportError(f"the request could not be sent: {reason}", **where)
    if not isinstance(exc, _NETWORK_ERRORS):
        # Not a network failure (a test double refusing the request, a bug): say what it
        # was, but never chain it, since its frames hold the credentials.
        detail = str(exc)[:300]
        return TransportError(f"the request failed: {type(exc).__name__}: {detail}", **where)
    if isinstance(exc, (requests.exceptions.ContentDecodingError, urllib3_errors.DecodeError)):
        # Twilio answered (a POST took effect) but the compressed body was corrupt. There
        # is no excerpt to show: what arrived is compressed bytes, and not kept.
        answered = f" answered {status}" if status is not None else ""
        applied = (
            f"; the {method} was accepted, do not send it again"
            if method not in SAFE_METHODS and status is not None and status < 300
            else ""
        )
        return MalformedResponseError(
            f"{method} {url}{answered} with a body that could not be decompressed "
            f"({reason}){applied}",
            status=status,
            url=url,
            body="",
            method=method,
        )
    if found(ssl.SSLCertVerificationError):
        return TLSError(f"the server's certificate was refused: {reason}", **where)
    if found(urllib3_errors.NewConnectionError):  # checked first: it is a ConnectTimeoutError
        return ConnectError(f"could not connect: {reason}", **where)
    if found(urllib3_errors.ConnectTimeoutError, requests.exceptions.ConnectTimeout):
        return ConnectTimeout(f"connecting timed out: {reason}", **where)
    if isinstance(exc, requests.exceptions.ProxyError):
        # The proxy could not be reached or refused the tunnel: Twilio saw nothing.
        return ConnectError(f"the proxy did not connect: {reason}", **where)
    if found(urllib3_errors.ReadTimeoutError, requests.exceptions.ReadTimeout, socket.timeout):
        return RequestTimeout(f"no answer in time: {reason}", **where)
    # Reset, closed early, body cut short, a TLS failure mid-stream: the request went out.
    return ConnectionDroppedError(f"the connection broke: {reason}", **where)


# What the network can raise: requests' own errors while sending, urllib3's (and the
# socket's) while the body is read.
_NETWORK_ERRORS = (requests.exceptions.RequestException, urllib3_errors.HTTPError, OSError)

# Raised while preparing the request, before any byte is sent.
_NOT_SENT = (
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidHeader,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.URLRequired,
    urllib3_errors.LocationValueError,
    UnicodeError,
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and what it wraps: arguments, urllib3's ``reason``, causes, contexts."""
    pending, seen = [exc], set[int]()
    while pending and len(seen) < 32:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [arg for arg in current.args if isinstance(arg, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            inner.append(reason)
        inner.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        pending.extend(inner)


def _reason(causes: list[BaseException]) -> str:
    # The deepest exception from outside requests and urllib3 names what happened
    # (ConnectionRefusedError, RemoteDisconnected …) without echoing the request.
    for cause in reversed(causes):
        if not type(cause).__module__.startswith(("requests", "urllib3")):
            return type(cause).__name__
    return type(causes[-1]).__name__


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses: where a local server listens."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FunctionTransport:
    """Adapt a plain function to ``Transport``: the fake used by tests and by users' tests."""

    def __init__(self, handler: Callable[[HTTPRequest], HTTPResponse]) -> None:
        self.handler = handler

    def send(self, request: HTTPRequest) -> HTTPResponse:
        return self.handler(request)
