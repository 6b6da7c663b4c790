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
from typing import Any
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
from twiorm.version import __version__

__all__ = [
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
        policy = as_policy(retries, self.retries)
        limit = self.timeout if timeout is None else check_timeout(timeout)
        url = base_url + spec.path
        started = policy.clock()
        attempt = 0
        maybe_applied = False  # did an earlier attempt perhaps take effect?
        while True:
            attempt += 1
            outcome, retry_after = self._attempt(spec, url, limit, decode or parse_body, redirects)
            if isinstance(outcome, _Success):
                return outcome.value
            failure = outcome
            if maybe_applied and spec.method == "DELETE" and _status(failure) == 404:
                # The earlier attempt deleted it and its answer was lost: what the caller
                # asked for is done.
                logger.debug("%s %s: gone after a retry; deleted", spec.method, self._shown(spec))
                return None
            if not self._retryable(failure, policy):
                raise failure
            maybe_applied = maybe_applied or not (
                isinstance(failure, ConnectError) or _status(failure) == 429
            )
            wait = policy.next_wait(attempt, started, retry_after)
            if wait is None:
                raise failure
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s: %s; retry %d of %d in %.2f s",
                    spec.method,
                    self._shown(spec),
                    _summary(failure),
                    attempt,
                    policy.retries,
                    wait,
                )
            policy.sleep(wait)

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

    def _attempt(
        self,
        spec: RequestSpec,
        url: str,
        timeout: Timeout,
        decode: Callable[[HTTPResponse, str], Any],
        redirects: bool = False,
    ) -> tuple[_Success | TwiormError, float | None]:
        """Send once; return the parsed answer, or the error with any Retry-After."""
        started = time.perf_counter()
        try:
            # Credentials go straight into the request: no local variable holds the
            # secret, so no traceback can show it.
            response = self.transport.send(
                HTTPRequest(
                    method=spec.method,
                    url=url,
                    params=_pairs(spec.params),
                    data=_pairs(spec.data),
                    content=None if spec.json is None else json.dumps(spec.json).encode(),
                    headers=_headers(spec),
                    auth=self._credentials.basic_auth(),
                    timeout=timeout,
                )
            )
        except TransportError as exc:
            self._log(spec, type(exc).__name__, started)
            return self._unsent_or_unknown(exc, spec, url), None
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
