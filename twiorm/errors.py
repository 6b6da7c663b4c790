"""Every error twiorm raises, in one hierarchy.

::

    TwiormError
    ├── DeclarationError (TypeError)        a Resource class is declared wrongly
    ├── ConfigurationError                  no credentials, unknown domain, bad client option
    ├── ValidationError (ValueError)        bad input, raised before any request is sent
    │   ├── InvalidFilterError              unknown filter, lookup or filter value
    │   ├── InvalidPathParameterError       missing or malformed identity / path parameter
    │   └── MissingParameterError           a required or one-of parameter is absent
    ├── ReadOnlyFieldError (AttributeError) assignment to a field Twilio will not accept
    ├── VerbNotAllowedError (TypeError)     e.g. creating a Conference
    ├── MultipleObjectsReturned             get(**filters) matched more than one record
    ├── TransportError                      the request did not complete (or, raised as
    │   │                                   such, could not be prepared: nothing was sent)
    │   ├── ConnectError (ConnectionError)  no connection was made: nothing reached Twilio
    │   │   ├── ConnectTimeout (RequestTimeout)  connecting took longer than allowed
    │   │   └── TLSError                    the server's certificate was not trusted
    │   ├── ConnectionDroppedError (ConnectionError)  the connection broke once the request
    │   │   │                               was on its way (reset, closed, body cut short)
    │   │   └── OutcomeUnknownDisconnect *
    │   └── RequestTimeout (TimeoutError)   no answer within the timeout
    │       └── OutcomeUnknownTimeout *
    ├── OutcomeUnknownError                 * a create or update may have been applied
    ├── MalformedResponseError              a body that is not the JSON Twilio sends
    └── TwilioAPIError                      Twilio answered with an error status
        ├── BadRequestError                 400
        ├── AuthenticationError             401
        ├── PermissionDeniedError           403
        ├── NotFoundError (LookupError)     404
        │   └── ObjectDoesNotExist          base of every Resource.DoesNotExist
        ├── RateLimitError                  429
        └── ServerError                     5xx
            └── OutcomeUnknownServerError *

The three classes marked * are also ``OutcomeUnknownError``: a POST that may or may not
have reached Twilio is never sent twice by twiorm. Catch ``OutcomeUnknownError`` to look
before resending; it carries the method, the URL and the form parameters.

Errors carry the HTTP status, Twilio's code, message and more_info, the method and the
URL. They never carry credentials: the request they describe is twiorm's own
``RequestSpec``, not the transport's prepared request (which holds the Authorization
header), and they are raised with no link to the underlying ``requests`` exception.
Where they quote an answer's body or parameters, secret values are masked
(``twiorm.redaction``); configuration errors describe a bad secret, never echo it.
Every error pickles with its attributes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from twiorm.redaction import redact_text

if TYPE_CHECKING:
    from twiorm.paging import StreamPosition

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionDroppedError",
    "DeclarationError",
    "InvalidFilterError",
    "InvalidPathParameterError",
    "MalformedResponseError",
    "MissingParameterError",
    "MultipleObjectsReturned",
    "NotFoundError",
    "ObjectDoesNotExist",
    "OutcomeUnknownDisconnect",
    "OutcomeUnknownError",
    "OutcomeUnknownServerError",
    "OutcomeUnknownTimeout",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadOnlyFieldError",
    "RequestTimeout",
    "ServerError",
    "TLSError",
    "TransportError",
    "TwilioAPIError",
    "TwiormError",
    "ValidationError",
    "VerbNotAllowedError",
    "api_error_class",
]


class TwiormError(Exception):
    """Base of every error raised by twiorm.

    An error that stops a stream (``QuerySet.iterator``, ``ListResource.stream``) also
    says where: ``next_page_url`` is the page to ask for next, ``records_read`` how many
    records the stream handed over, and ``stream_position`` is what
    ``iterator(resume_from=error)`` needs to go on with nothing lost or repeated.
    Elsewhere the three are ``None``.
    """

    next_page_url: str | None = None
    records_read: int | None = None
    stream_position: StreamPosition | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive the default exception pickling, which
        # calls the class with the positional arguments only.
        return (_rebuild_error, (type(self), self.args, self.__dict__.copy()))


def _rebuild_error(cls: type[TwiormError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


#: The name pickles made before every error shared the rebuild function still refer to.
_rebuild_api_error = _rebuild_error


class DeclarationError(TwiormError, TypeError):
    """A Resource class or its Meta is declared wrongly (raised at class creation)."""


class ConfigurationError(TwiormError):
    """The client cannot be built or used as configured."""


class ValidationError(TwiormError, ValueError):
    """Input that Twilio would reject; raised before any request is sent.

    ``resource`` names the resource class, ``field`` the offending field or parameter
    (``None`` when the error concerns several), ``expected`` what would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        resource: str | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.resource = resource
        self.field = field
        self.expected = expected


class InvalidFilterError(ValidationError):
    """A filter Twilio does not accept for this list, or a value of the wrong type."""


class InvalidPathParameterError(ValidationError):
    """An identity or path parameter that is missing or could leave its resource's path."""


class MissingParameterError(ValidationError):
    """A required parameter, or every member of a one-of group, is absent."""


class ReadOnlyFieldError(TwiormError, AttributeError):
    """Assignment to a field that no Twilio operation accepts as a parameter.

    ``resource`` and ``field`` name where, as on ``ValidationError``.
    """

    def __init__(
        self, message: str, *, resource: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.resource = resource
        self.field = field


class VerbNotAllowedError(TwiormError, TypeError):
    """The resource does not allow this verb (list, fetch, create, update or delete).

    ``resource`` names the resource and ``verb`` the verb refused.
    """

    def __init__(self, message: str, *, resource: str | None = None, verb: str = "") -> None:
        super().__init__(message)
        self.resource = resource
        self.verb = verb


class MultipleObjectsReturned(TwiormError):
    """``get(**filters)`` matched more than one record."""


class TransportError(TwiormError):
    """The HTTP exchange did not complete; ``method`` and ``url`` say which request.

    Raised as this class itself, the request could not even be prepared (an unusable URL
    or header): nothing was sent. The subclasses say how far the exchange got.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class ConnectError(TransportError, ConnectionError):
    """No connection could be made, so the request cannot have reached Twilio."""


class RequestTimeout(TransportError, TimeoutError):
    """No answer within the timeout (the request may have been sent)."""


class ConnectTimeout(ConnectError, RequestTimeout):
    """Connecting took longer than the connect timeout: nothing reached Twilio."""


class TLSError(ConnectError):
    """The TLS handshake failed (e.g. an untrusted certificate): nothing was sent.

    Never retried: another attempt would meet the same certificate.
    """


class ConnectionDroppedError(TransportError, ConnectionError):
    """The connection broke after the request went out: reset, closed, or body cut short."""


class OutcomeUnknownError(TwiormError):
    """A create or update may or may not have been applied; twiorm did not resend it.

    Twilio has no idempotency key for REST POSTs, so sending again could place a second
    call or text. Check first (list recent records), then decide. ``method`` and ``url``
    say which request; ``params`` holds its form parameters as (name, value) pairs, with
    the values of secret-looking ones (passwords, tokens) masked.
    """

    method: str
    url: str
    params: tuple[tuple[str, str], ...]

    @staticmethod
    def _unknown_message(
        method: str, url: str, params: Sequence[tuple[str, str]], what: str
    ) -> str:
        # Names only: the values (phone numbers, message bodies) stay on .params.
        names = ", ".join(dict.fromkeys(name for name, _ in params)) or "none"
        return (
            f"{method} {url} may have been applied: {what}. It was not sent again; check "
            f"whether it took effect before resending (parameters: {names})"
        )


class _TransportOutcomeUnknown(OutcomeUnknownError, TransportError):
    """The shared constructor of the two transport-level unknown outcomes below."""

    def __init__(
        self, what: str, *, method: str, url: str, params: Sequence[tuple[str, str]] = ()
    ) -> None:
        message = self._unknown_message(method, url, params, what)
        super().__init__(message, method=method, url=url)
        self.params = tuple(params)


class OutcomeUnknownTimeout(_TransportOutcomeUnknown, RequestTimeout):
    """A POST was sent but no answer came within the read timeout."""


class OutcomeUnknownDisconnect(_TransportOutcomeUnknown, ConnectionDroppedError):
    """The connection broke after a POST went out, before the whole answer came back."""


class MalformedResponseError(TwiormError):
    """A response body that is not what Twilio sends (HTML from a proxy, truncated JSON).

    ``status``, ``method`` and ``url`` say which answer; ``body`` holds its first
    characters with secrets masked (``twiorm.redaction.redact_excerpt``), or is empty
    when there is nothing readable to show. It is raised with no chained exception: a
    JSON decoding error would hold the whole body.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url: str = "",
        body: str = "",
        method: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        self.body = redact_text(body)  # callers pass an excerpt; mask it again all the same
        self.method = method


class TwilioAPIError(TwiormError):
    """Twilio answered with an error status.

    Attributes: ``status`` (HTTP status), ``code`` (Twilio error code), ``message``,
    ``more_info`` (documentation URL), ``details``, ``method`` and ``url``.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        more_info: str | None = None,
        details: Any = None,
        method: str = "",
        url: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.more_info = more_info
        self.details = details
        self.method = method
        self.url = url
        self.headers = dict(headers or {})
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f" ({self.method} {self.url})" if self.method else ""
        code = f" [{self.code}]" if self.code is not None else ""
        status = f"HTTP {self.status}" if self.status is not None else "Twilio"
        more = f" See {self.more_info}" if self.more_info else ""
        return f"{status}{code}: {self.message}{where}.{more}"


class BadRequestError(TwilioAPIError):
    """HTTP 400: Twilio refused the parameters."""


class AuthenticationError(TwilioAPIError):
    """HTTP 401: wrong Account SID / Auth Token or API key (Twilio code 20003)."""


class PermissionDeniedError(TwilioAPIError):
    """HTTP 403: the credentials may not use this resource."""


class NotFoundError(TwilioAPIError, LookupError):
    """HTTP 404: no such resource (Twilio code 20404)."""


class ObjectDoesNotExist(NotFoundError):
    """Base of the per-resource ``DoesNotExist`` errors.

    Raised by ``get(sid)`` on a 404 (with the HTTP details) and by ``get(**filters)`` when
    no record matches (``status`` is ``None`` then: Twilio answered with an empty list).
    """


class RateLimitError(TwilioAPIError):
    """HTTP 429: too many requests (Twilio code 20429)."""


class ServerError(TwilioAPIError):
    """HTTP 5xx: Twilio failed; the outcome of a create or update is unknown."""


class OutcomeUnknownServerError(OutcomeUnknownError, ServerError):
    """A POST answered with a 5xx: Twilio (or a proxy) failed, perhaps after applying it."""

    def __init__(
        self,
        message: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        status: int | None = None,
        code: int | None = None,
        more_info: str | None = None,
        details: Any = None,
        method: str = "",
        url: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.params = tuple(params)
        super().__init__(
            message,
            status=status,
            code=code,
            more_info=more_info,
            details=details,
            method=method,
            url=url,
            headers=headers,
        )

    def _describe(self) -> str:
        code = f" [{self.code}]" if self.code is not None else ""
        what = f"it answered HTTP {self.status}{code}: {self.message}"
        more = f". See {self.more_info}" if self.more_info else ""
        return self._unknown_message(self.method, self.url, self.params, what) + more


_BY_STATUS: dict[int, type[TwilioAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def api_error_class(status: int) -> type[TwilioAPIError]:
    """Return the error class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, TwilioAPIError)
