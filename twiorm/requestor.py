"""The requestor: turns a ``RequestSpec`` into an HTTP exchange and its JSON into data.

It adds the host, credentials and headers, sends through the transport, logs the exchange
(method, path, status, duration; never credentials or parameters) and maps error statuses
to the typed errors of ``twiorm.errors`` using either of Twilio's error body shapes.
"""

from __future__ import annotations

import json
import logging
import platform
import time
from typing import Any

from twiorm.errors import MalformedResponseError, TwilioAPIError, api_error_class
from twiorm.request import RequestSpec, _pairs
from twiorm.transport import HTTPRequest, HTTPResponse, Transport
from twiorm.version import __version__

__all__ = ["DEFAULT_TIMEOUT", "Requestor", "Timeout", "error_from_response"]

Timeout = float | tuple[float, float]
#: Seconds to connect and to wait for an answer; Twilio answers REST calls in well under both.
DEFAULT_TIMEOUT: Timeout = (10.0, 60.0)

logger = logging.getLogger("twiorm")
_USER_AGENT = (
    f"twiorm/{__version__} ({platform.system()} {platform.machine()}) "
    f"Python/{platform.python_version()}"
)
_BODY_EXCERPT = 200


class Requestor:
    """Send compiled requests with one set of credentials over one transport."""

    def __init__(self, transport: Transport, credentials: Any, *, timeout: Timeout) -> None:
        self.transport = transport
        self._credentials = credentials
        self.timeout = timeout

    def send(self, spec: RequestSpec, base_url: str, *, timeout: Timeout | None = None) -> Any:
        """Send ``spec`` to ``base_url``; return the parsed JSON (``None`` for an empty body)."""
        headers = {"Accept": "application/json", "User-Agent": _USER_AGENT}
        request = HTTPRequest(
            method=spec.method,
            url=base_url + spec.path,
            params=_pairs(spec.params),
            data=_pairs(spec.data),
            headers=headers,
            auth=self._credentials.basic_auth(),
            timeout=self.timeout if timeout is None else timeout,
        )
        started = time.perf_counter()
        response = self.transport.send(request)
        if logger.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %s in %.1f ms", spec.method, spec.path, response.status, elapsed)
        if 200 <= response.status < 300:
            return parse_json(response, spec.method) if response.body.strip() else None
        raise error_from_response(response, spec.method)

    def __repr__(self) -> str:
        return f"<Requestor {self.transport!r}>"


def parse_json(response: HTTPResponse, method: str = "GET") -> Any:
    """Parse a response body as JSON, or raise ``MalformedResponseError`` describing it."""
    try:
        return json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        excerpt = _excerpt(response.body)
        kind = response.header("content-type") or "no content type"
        raise MalformedResponseError(
            f"{method} {response.url} answered {response.status} with a body that is not "
            f"JSON ({kind}): {excerpt!r}",
            status=response.status,
            url=response.url,
            body=excerpt,
        ) from None


def error_from_response(response: HTTPResponse, method: str) -> TwilioAPIError:
    """Build the typed error for an error status, from either of Twilio's body shapes."""
    error_class = api_error_class(response.status)
    body: Any = None
    if response.body.strip():
        try:
            body = json.loads(response.body)
        except (ValueError, UnicodeDecodeError):
            body = None
    common: dict[str, Any] = {
        "status": response.status,
        "method": method,
        "url": response.url,
        "headers": response.headers,
    }
    if not isinstance(body, dict):
        excerpt = _excerpt(response.body) if response.body else "empty body"
        return error_class(f"non-JSON error body: {excerpt}", **common)
    if "title" in body and "type" in body:  # RFC 9457 problem details, the newer shape
        message = str(body.get("detail") or body.get("title"))
        more_info = body.get("type") if isinstance(body.get("type"), str) else None
        details = {k: body[k] for k in ("title", "instance", "errors") if k in body} or None
    else:
        message = str(body.get("message") or body.get("detail") or "no message")
        more_info = body.get("more_info")
        details = body.get("details")
    code = body.get("code")
    return error_class(
        message,
        code=code if isinstance(code, int) else None,
        more_info=more_info,
        details=details,
        **common,
    )


def _excerpt(body: bytes) -> str:
    return body[:_BODY_EXCERPT].decode("utf-8", "replace")
