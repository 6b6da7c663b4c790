"""The requestor: turns a ``RequestSpec`` into an HTTP exchange and its JSON into data.

It adds the host, credentials and headers, sends through the transport, retries what is
safe to retry (``twiorm.retry``), logs each attempt (method, path and query string with
secret parameters hidden, status, duration; never credentials or bodies) and maps error
statuses to the typed errors of ``twiorm.errors`` using either of Twilio's error body
shapes. Wherever an answer's body is quoted in an error, it goes through
``twiorm.redaction.redact_excerpt`` first.

What may be sent again depends on whether the request can have taken effect:

* no connection was made (``ConnectError``), or Twilio answered 429: any method;
* a timeout, a broken connection or a 5xx: GET and DELETE only. A POST then raises an
  ``OutcomeUnknownError`` carrying its method, URL and parameters, and is not resent.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from twiorm.errors import (
    ConfigurationError,
    ConnectError,
    ConnectionDroppedError,
    MalformedResponseError,
    OutcomeUnknownDisconnect,
    OutcomeUnknownError,
    OutcomeUnknownServerError,
    OutcomeUnknownTimeout,
    RequestTimeout,
    TLSError,
    TransportError,
    TwilioAPIError,
    TwiormError,
    api_error_class,
)
from twiorm.redaction import (
    HIDDEN,
    is_secret_name,
    mask_phone_numbers,
    redact_excerpt,
    redact_params,
    redact_text,
    redact_url,
)
from twiorm.request import RequestSpec, _pairs
from twiorm.retry import SAFE_METHODS, RetryPolicy, as_policy, parse_retry_after
from twiorm.transport import HTTPRequest, HTTPResponse, Transport

if TYPE_CHECKING:
    import asyncio

    from twiorm.async_transport import AsyncTransport
from twiorm.version import __version__

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_TIMEOUT",
    "Requestor",
    "Timeout",
    "check_timeout",
    "error_from_response",
    "parse_json",
]

Timeout = float | tuple[float, float]
#: Seconds to connect and to wait for an answer; Twilio answers REST calls in well under both.
DEFAULT_TIMEOUT: Timeout = (10.0, 60.0)
#: Async requests one client keeps in flight at once: well under the concurrency Twilio
#: allows an account (it answers 429, error 20429, beyond it), leaving room for the
#: account's other processes.
DEFAULT_MAX_CONCURRENCY = 32

logger = logging.getLogger("twiorm")
_USER_AGENT = f"twiorm/{__version__} ({sys.platform}) Python/{sys.version.split()[0]}"
_BODY_EXCERPT = 200


class Requestor:
    """Send compiled requests with one set of credentials over one transport.

    It keeps no per-request state, so one requestor (one client) serves many threads.
    """

    def __init__(
        self,
        transport: Transport,
        credentials: Any,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retries: RetryPolicy | int | None = None,
        mask_phone_numbers: bool = False,
    ) -> None:
        self.transport = transport
        self._credentials = credentials
        self.timeout = check_timeout(timeout)
        self.retries = as_policy(retries)
        self.mask_phone_numbers = mask_phone_numbers
        #: Makes the async transport on first async use (``twiorm.Client`` sets it).
        self.async_transport_factory: Callable[[], AsyncTransport] | None = None
        #: How many async requests may be in flight at once (``Client(max_concurrency=)``).
        self.max_concurrency = DEFAULT_MAX_CONCURRENCY
        self._async: tuple[asyncio.AbstractEventLoop, AsyncTransport, asyncio.Semaphore] | None
        self._async = None
        self._stale: list[AsyncTransport] = []
        self._building: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def send(
        self,
        spec: RequestSpec,
        base_url: str,
        *,
        timeout: Timeout | None = None,
        retries: RetryPolicy | int | None = None,
        decode: Callable[[HTTPResponse, str], Any] | None = None,
        redirects: bool = False,
    ) -> Any:
        """Send ``spec`` to ``base_url``; return the parsed JSON (``None`` for no content).

        ``timeout`` and ``retries`` override the requestor's own for this call; ``decode``
        replaces JSON parsing of a success body (list pages read it as they stream).
        ``redirects`` takes a redirect status as the answer (it is never followed here:
        that would send the credentials to another host).
        """
        call = _Call(self, spec, base_url, timeout, retries, decode, redirects)
        while True:
            started = time.perf_counter()
            try:
                answer: HTTPResponse | TransportError = self.transport.send(call.request())
            except TransportError as exc:
                answer = exc
            step = call.settle(answer, started)
            if isinstance(step, _Success):
                return step.value
            call.policy.sleep(step)

    async def asend(
        self,
        spec: RequestSpec,
        base_url: str,
        *,
        timeout: Timeout | None = None,
        retries: RetryPolicy | int | None = None,
        decode: Callable[[HTTPResponse, str], Any] | None = None,
        redirects: bool = False,
    ) -> Any:
        """``send`` without blocking the event loop: the same retries, errors and logs.

        At most ``max_concurrency`` requests of this requestor are in flight at once; the
        others wait for a place (a wait that is not an attempt and costs no retry).
        """
        transport, places = await self._async_state()
        call = _Call(self, spec, base_url, timeout, retries, decode, redirects)
        while True:
            async with places:
                started = time.perf_counter()
                try:
                    answer: HTTPResponse | TransportError = await transport.send(call.request())
                except TransportError as exc:
                    answer = exc
            step = call.settle(answer, started)
            if isinstance(step, _Success):
                return step.value
            if call.policy.sleep is time.sleep:
                await _asyncio().sleep(step)
            else:  # a policy whose sleep was replaced (tests): its own clock, not the loop's
                call.policy.sleep(step)

    async def _async_state(self) -> tuple[AsyncTransport, asyncio.Semaphore]:
        """The async transport and the concurrency cap, made for the running event loop.

        The transport is built in a worker thread: building TLS contexts reads the CA
        bundle from disk, which must not happen on the loop.
        """
        asyncio = _asyncio()
        loop = asyncio.get_running_loop()
        state = self._async
        if state is not None and state[0] is loop:
            return state[1], state[2]
        factory = self.async_transport_factory
        if factory is None:
            raise ConfigurationError("this requestor has no async transport")
        # One task builds it; the others, arriving together on a fresh client, wait for it.
        if self._building is None or self._building[0] is not loop:
            self._building = (loop, asyncio.Lock())
        async with self._building[1]:
            state = self._async
            if state is not None and state[0] is loop:
                return state[1], state[2]
            transport = await asyncio.to_thread(factory)
            if state is not None:
                # Made on another loop (a test's, an earlier asyncio.run): its connections
                # belong to that loop and cannot be reused here.
                self._stale.append(state[1])
            places = asyncio.Semaphore(self.max_concurrency)
            self._async = (loop, transport, places)
        return transport, places

    @property
    def has_async_connections(self) -> bool:
        """Whether an async transport was made (and not closed since)."""
        return self._async is not None or bool(self._stale)

    async def aclose(self) -> None:
        """Close the async transport's connections (the requestor stays usable)."""
        transports = [*self._stale, *([self._async[1]] if self._async is not None else [])]
        self._async, self._stale = None, []
        for transport in transports:
            await transport.aclose()

    def download(self, url: str, *, timeout: Timeout | None = None) -> HTTPResponse:
        """GET ``url`` outside Twilio's API (where a redirect points) without credentials.

        Only the User-Agent goes with it: the host is not Twilio's, so neither the
        Authorization header nor anything else of the account is sent. An error status is
        raised as a typed error; nothing is retried or followed further.
        """
        limit = self.timeout if timeout is None else check_timeout(timeout)
        response = self.transport.send(
            HTTPRequest("GET", url, headers={"User-Agent": _USER_AGENT}, auth=None, timeout=limit)
        )
        if not 200 <= response.status < 300:
            raise error_from_response(response._replace(url=redact_url(url)), "GET")
        return response

    def _interpret(
        self,
        spec: RequestSpec,
        url: str,
        response: HTTPResponse,
        decode: Callable[[HTTPResponse, str], Any],
        redirects: bool,
        started: float,
    ) -> tuple[_Success | TwiormError, float | None]:
        """Read one answer: the parsed success, or the typed error with any Retry-After."""
        if response.url != url:  # errors name the URL asked for, whatever the transport said
            response = response._replace(url=url)
        self._log(spec, response.status, started)
        if 200 <= response.status < 300 or (redirects and 300 <= response.status < 400):
            return _Success(decode(response, spec.method)), None
        error = error_from_response(response, spec.method)
        retry_after = parse_retry_after(response.header("retry-after"), response.header("date"))
        if response.status >= 500 and spec.method not in SAFE_METHODS:
            error = OutcomeUnknownServerError(
                error.message,
                params=redact_params(_pairs(spec.data)),
                status=error.status,
                code=error.code,
                more_info=error.more_info,
                details=error.details,
                method=error.method,
                url=error.url,
                headers=error.headers,
            )
        return error, retry_after

    @staticmethod
    def _unsent_or_unknown(exc: TransportError, spec: RequestSpec, url: str) -> TwiormError:
        """Turn a failure after sending a POST into an ``OutcomeUnknownError``."""
        if spec.method in SAFE_METHODS or isinstance(exc, ConnectError):
            return exc
        params = redact_params(_pairs(spec.data))
        if isinstance(exc, RequestTimeout):
            return OutcomeUnknownTimeout(
                "no answer came within the read timeout", method=spec.method, url=url, params=params
            )
        if isinstance(exc, ConnectionDroppedError):
            return OutcomeUnknownDisconnect(
                f"the connection broke before the answer arrived ({exc})",
                method=spec.method,
                url=url,
                params=params,
            )
        return exc

    @staticmethod
    def _retryable(failure: TwiormError, policy: RetryPolicy) -> bool:
        if isinstance(failure, OutcomeUnknownError):
            return False  # a POST that may have been applied is never sent twice
        if isinstance(failure, TwilioAPIError):
            return failure.status in policy.statuses
        if isinstance(failure, TLSError):
            return False  # the same certificate would be refused again
        # Connect errors (any method); timeouts and drops here are GET/DELETE ones.
        return isinstance(failure, (ConnectError, RequestTimeout, ConnectionDroppedError))

    def _log(self, spec: RequestSpec, outcome: int | str, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %s in %.1f ms", spec.method, self._shown(spec), outcome, elapsed)

    def _shown(self, spec: RequestSpec) -> str:
        """Return the path and query string as sent, secrets hidden (numbers masked if asked).

        With the query here, urllib3's own request lines can be silenced without losing
        what was asked for.
        """
        shown = spec.path
        pairs = _pairs(spec.params)
        if pairs:
            shown += "?" + "&".join(
                f"{quote_plus(name)}={HIDDEN if is_secret_name(name) else _query_value(value)}"
                for name, value in pairs
            )
        return mask_phone_numbers(shown) if self.mask_phone_numbers else shown

    def __repr__(self) -> str:
        return f"<Requestor {self.transport!r}>"


def _asyncio() -> ModuleType:
    # asyncio costs a sync user ~20 ms at import: it is loaded by the first async call.
    import asyncio

    return asyncio


def _headers(spec: RequestSpec) -> dict[str, str]:
    # The operation's own headers first: they may not replace what twiorm must send.
    headers = {**spec.headers, "Accept": "application/json", "User-Agent": _USER_AGENT}
    if spec.json is not None:
        headers["Content-Type"] = "application/json"
    return headers


def _query_value(value: str) -> str:
    """Encode a value as requests does, hiding the credentials a URL in it may carry."""
    shown = quote_plus(redact_url(value))
    return shown.replace(_ENCODED_HIDDEN, HIDDEN) if "://" in value else shown


_ENCODED_HIDDEN = quote_plus(HIDDEN)


class _Call:
    """One request and its retries: what to send, and what each answer leads to.

    The sync and the async loops both drive it: ``request()`` before each attempt,
    ``settle()`` after, which returns the result, or how long to wait before trying again,
    or raises the typed error when there is to be no other attempt.
    """

    __slots__ = (
        "attempt",
        "decode",
        "limit",
        "maybe_applied",
        "policy",
        "redirects",
        "requestor",
        "spec",
        "started",
        "url",
    )

    def __init__(
        self,
        requestor: Requestor,
        spec: RequestSpec,
        base_url: str,
        timeout: Timeout | None,
        retries: RetryPolicy | int | None,
        decode: Callable[[HTTPResponse, str], Any] | None,
        redirects: bool,
    ) -> None:
        self.requestor = requestor
        self.spec = spec
        self.url = base_url + spec.path
        self.policy = as_policy(retries, requestor.retries)
        self.limit = requestor.timeout if timeout is None else check_timeout(timeout)
        self.decode = decode or parse_body
        self.redirects = redirects
        self.started = self.policy.clock()
        self.attempt = 0
        self.maybe_applied = False  # did an earlier attempt perhaps take effect?

    def request(self) -> HTTPRequest:
        """The next attempt's request (credentials go straight into it, in no local)."""
        self.attempt += 1
        spec = self.spec
        return HTTPRequest(
            method=spec.method,
            url=self.url,
            params=_pairs(spec.params),
            data=_pairs(spec.data),
            content=None if spec.json is None else json.dumps(spec.json).encode(),
            headers=_headers(spec),
            auth=self.requestor._credentials.basic_auth(),
            timeout=self.limit,
        )

    def settle(self, answer: HTTPResponse | TransportError, started: float) -> _Success | float:
        """The result, or the seconds to wait before the next attempt; raise when none."""
        requestor, spec = self.requestor, self.spec
        if isinstance(answer, TransportError):
            requestor._log(spec, type(answer).__name__, started)
            outcome: _Success | TwiormError = requestor._unsent_or_unknown(answer, spec, self.url)
            retry_after = None
        else:
            outcome, retry_after = requestor._interpret(
                spec, self.url, answer, self.decode, self.redirects, started
            )
        if isinstance(outcome, _Success):
            return outcome
        failure = outcome
        if self.maybe_applied and spec.method == "DELETE" and _status(failure) == 404:
            # The earlier attempt deleted it and its answer was lost: what the caller asked
            # for is done.
            logger.debug("%s %s: gone after a retry; deleted", spec.method, requestor._shown(spec))
            return _Success(None)
        if not requestor._retryable(failure, self.policy):
            raise failure
        self.maybe_applied = self.maybe_applied or not (
            isinstance(failure, ConnectError) or _status(failure) == 429
        )
        wait = self.policy.next_wait(self.attempt, self.started, retry_after)
        if wait is None:
            raise failure
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s: %s; retry %d of %d in %.2f s",
                spec.method,
                requestor._shown(spec),
                _summary(failure),
                self.attempt,
                self.policy.retries,
                wait,
            )
        return wait


class _Success:
    """A parsed answer, told apart from an error without isinstance checks on ``Any``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _status(failure: TwiormError) -> int | None:
    return failure.status if isinstance(failure, TwilioAPIError) else None


def _summary(failure: TwiormError) -> str:
    if isinstance(failure, TwilioAPIError):
        return f"HTTP {failure.status}"
    return type(failure).__name__


def check_timeout(timeout: Any) -> Timeout:
    """Return ``timeout`` if it is seconds > 0, or a (connect, read) pair of them; else raise."""
    values: tuple[Any, ...] = timeout if isinstance(timeout, tuple) else (timeout,)
    valid = len(values) in (1, 2) and all(
        type(v) in (int, float) and 0 < v < math.inf for v in values
    )
    if not valid:
        raise ConfigurationError(
            f"timeout must be seconds > 0 or a (connect, read) pair of them, got {timeout!r}"
        )
    return timeout  # type: ignore[no-any-return]


def parse_body(response: HTTPResponse, method: str) -> Any:
    """Parse a success body; an empty one is accepted only for 204 or a DELETE."""
    if not response.body.strip():
        if response.status == 204 or method in ("DELETE", "HEAD"):
            return None
        raise MalformedResponseError(
            f"{method} {response.url} answered {response.status} with an empty body where "
            f"Twilio sends JSON{_applied_hint(response, method)}",
            status=response.status,
            url=response.url,
            body="",
            method=method,
        )
    return parse_json(response, method)


def parse_json(response: HTTPResponse, method: str = "GET") -> Any:
    """Parse a response body as JSON, or raise ``MalformedResponseError`` describing it."""
    try:
        return json.loads(response.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass
    # Raised here, not in the except block: the decoding error (its .doc, its .object)
    # holds the whole body, secrets and all, and would ride along as __context__.
    excerpt = redact_excerpt(response.body, _BODY_EXCERPT)
    kind = response.header("content-type") or "no content type"
    raise MalformedResponseError(
        f"{method} {response.url} answered {response.status} with a body that is not "
        f"JSON ({kind}): {excerpt!r}{_applied_hint(response, method)}",
        status=response.status,
        url=response.url,
        body=excerpt,
        method=method,
    )


def _applied_hint(response: HTTPResponse, method: str) -> str:
    if method in SAFE_METHODS or not 200 <= response.status < 300:
        return ""
    return f"; the {method} was accepted, do not send it again"


def error_from_response(response: HTTPResponse, method: str) -> TwilioAPIError:
    """Build the typed error for an error status, from either of Twilio's body shapes."""
    error_class = api_error_class(response.status)
    body: Any = None
    if response.body.strip():
        try:
            body = json.loads(response.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            body = None
    common: dict[str, Any] = {
        "status": response.status,
        "method": method,
        "url": response.url,
        "headers": response.headers,
    }
    if not isinstance(body, dict):
        excerpt = redact_excerpt(response.body, _BODY_EXCERPT) if response.body else "empty body"
        return error_class(f"non-JSON error body: {excerpt}", **common)
    errors = body.get("errors")
    if "title" in body and "type" in body:  # RFC 9457 problem details, the newer shape
        message = str(body.get("detail") or body.get("title"))
        more_info = body.get("type") if isinstance(body.get("type"), str) else None
        details = {k: body[k] for k in ("title", "instance", "errors") if k in body} or None
        code = body.get("code")
    elif "code" not in body and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        # {"errors": [{"code", "message", "infoUrl", "context"}]}, as Bulk Messaging answers
        first = errors[0]
        message = str(first.get("message") or "no message")
        more_info, code = first.get("infoUrl"), first.get("code")
        details = {"errors": errors}
    else:
        message = str(body.get("message") or body.get("detail") or "no message")
        more_info = body.get("more_info")
        details = body.get("details")
        code = body.get("code")
    return error_class(
        redact_text(message),  # a message may quote a parameter, a callback URL's password
        code=_error_code(code),
        more_info=more_info if isinstance(more_info, str) else None,
        details=details,
        **common,
    )


def _error_code(code: Any) -> int | None:
    """Twilio's error code, an integer (some bodies send it as a string of digits)."""
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return code if isinstance(code, int) and not isinstance(code, bool) else None
