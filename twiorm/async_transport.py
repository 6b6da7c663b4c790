"""The asynchronous transport: ``HTTPRequest`` in, ``HTTPResponse`` out, over httpx.

It speaks the same small protocol as the sync transport (``twiorm.transport``) with
``async def send``, and turns every failure into the same typed errors, telling a
connection never made (``ConnectError``, ``ConnectTimeout``, ``TLSError``) from one that
broke after the request went out (``ConnectionDroppedError``, ``RequestTimeout``), which
is what decides whether a POST may be sent again. Redirects are never followed (they
would carry the credentials elsewhere); TLS is always verified; proxies come from the
environment except for loopback hosts, as for the sync transport.

Needs the ``async`` extra (``pip install 'twiorm[async]'``, which brings httpx).
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from typing import Protocol

from twiorm.errors import (
    ConfigurationError,
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeout,
    RequestTimeout,
    TLSError,
    TransportError,
    TwiormError,
)
from twiorm.transport import DEFAULT_MAX_CONNECTIONS, HTTPRequest, HTTPResponse

__all__ = ["AsyncFunctionTransport", "AsyncTransport", "HttpxTransport"]


class AsyncTransport(Protocol):
    """Anything that can send an ``HTTPRequest`` without blocking the event loop."""

    async def send(self, request: HTTPRequest) -> HTTPResponse:
        """Send the request; raise a ``TransportError`` on failure."""
        ...

    async def aclose(self) -> None:
        """Close the pooled connections."""
        ...


class HttpxTransport:
    """Send over one ``httpx.AsyncClient`` (connection pooling, shared by tasks)."""

    def __init__(
        self,
        *,
        proxies: dict[str, str] | None = None,
        max_connections: int | None = None,
    ) -> None:
        try:
            import httpx
        except ImportError as exc:  # the extra is optional: say which one to install
            raise ConfigurationError(
                "async requests need httpx: pip install 'twiorm[async]'"
            ) from exc

        size = max_connections or DEFAULT_MAX_CONNECTIONS
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
        if proxies:
            for scheme, proxy in proxies.items():
                mounts[f"{scheme}://"] = httpx.AsyncHTTPTransport(proxy=proxy, limits=limits)
        # Loopback hosts (a local sandbox) never go through an environment's proxy.
        for host in ("127.0.0.1", "localhost", "[::1]"):
            mounts[f"all://{host}"] = httpx.AsyncHTTPTransport(limits=limits)
        self.client = httpx.AsyncClient(
            limits=limits,
            follow_redirects=False,
            trust_env=not proxies,
            mounts=mounts,
        )

    async def send(self, request: HTTPRequest) -> HTTPResponse:
        import httpx

        failure: TwiormError
        timeout = request.timeout
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        try:
            response = await self.client.request(
                request.method,
                request.url,
                params=list(request.params) or None,
                content=request.content,
                data=None if request.content is not None else dict(_grouped(request.data)) or None,
                headers=dict(request.headers),
                auth=request.auth,
                timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes a typed error below
            failure = _translate(exc, request.method, request.url)
        else:
            headers = {name.lower(): value for name, value in response.headers.items()}
            return HTTPResponse(response.status_code, headers, response.content, request.url)
        # Raised outside the handler: httpx's exception (and its frames) hold the request.
        raise failure

    async def aclose(self) -> None:
        await self.client.aclose()

    def __repr__(self) -> str:
        return "<HttpxTransport>"


def _grouped(pairs: object) -> list[tuple[str, list[str]]]:
    """Form pairs with repeated keys, as httpx takes them (a list per key)."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:  # type: ignore[attr-defined]
        grouped.setdefault(name, []).append(value)
    return list(grouped.items())


def _translate(exc: BaseException, method: str, url: str) -> TwiormError:
    """Map what httpx raised to the typed error saying how far the exchange got."""
    import httpx

    where = {"method": method, "url": url}
    reason = type(exc).__name__
    causes = [exc, exc.__cause__, exc.__context__]
    if any(isinstance(c, ssl.SSLCertVerificationError) for c in causes):
        return TLSError(f"the server's certificate was refused: {reason}", **where)
    if isinstance(exc, httpx.ConnectTimeout):
        return ConnectTimeout(f"connecting timed out: {reason}", **where)
    if isinstance(exc, (httpx.ConnectError, httpx.ProxyError, httpx.PoolTimeout)):
        # Nothing reached Twilio: no connection, or none free in the pool in time.
        return ConnectError(f"could not connect: {reason}", **where)
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return RequestTimeout(f"no answer in time: {reason}", **where)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError)):
        return TransportError(f"the request could not be sent: {reason}", **where)
    if isinstance(exc, httpx.TransportError):
        return ConnectionDroppedError(f"the connection broke: {reason}", **where)
    detail = str(exc)[:300]
    return TransportError(f"the request failed: {type(exc).__name__}: {detail}", **where)


class AsyncFunctionTransport:
    """Adapt an async function to ``AsyncTransport``: the fake the tests use."""

    def __init__(self, handler: Callable[[HTTPRequest], Awaitable[HTTPResponse]]) -> None:
        self.handler = handler
        self.closed = False

    async def send(self, request: HTTPRequest) -> HTTPResponse:
        return await self.handler(request)

    async def aclose(self) -> None:
        self.closed = True
