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
    ├── TransportError                      the request did not complete
    │   ├── ConnectError (ConnectionError)  no connection was made: nothing reached Twilio
    │   └── RequestTimeout (TimeoutError)   connect or read timeout
    ├── MalformedResponseError              a body that is not the JSON Twilio sends
    └── TwilioAPIError                      Twilio answered with an error status
        ├── BadRequestError                 400
        ├── AuthenticationError             401
        ├── PermissionDeniedError           403
        ├── NotFoundError (LookupError)     404
        │   └── ObjectDoesNotExist          base of every Resource.DoesNotExist
        ├── RateLimitError                  429
        └── ServerError                     5xx

API errors carry the HTTP status, Twilio's code, message and more_info, the method and
the URL. They never carry credentials: the request they describe is twiorm's own
``RequestSpec``, not the transport's prepared request (which holds the Authorization
header).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConnectError",
    "DeclarationError",
    "InvalidFilterError",
    "InvalidPathParameterError",
    "MalformedResponseError",
    "MissingParameterError",
    "MultipleObjectsReturned",
    "NotFoundError",
    "ObjectDoesNotExist",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadOnlyFieldError",
    "RequestTimeout",
    "ServerError",
    "TransportError",
    "TwilioAPIError",
    "TwiormError",
    "ValidationError",
    "VerbNotAllowedError",
    "api_error_class",
]


class TwiormError(Exception):
    """Base of every error raised by twiorm."""


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
    """Assignment to a field that no Twilio operation accepts as a parameter."""


class VerbNotAllowedError(TwiormError, TypeError):
    """The resource does not allow this verb (list, fetch, create, update or delete)."""


class MultipleObjectsReturned(TwiormError):
    """``get(**filters)`` matched more than one record."""


class TransportError(TwiormError):
    """The HTTP exchange did not complete; ``method`` and ``url`` say which request."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class ConnectError(TransportError, ConnectionError):
    """No connection could be made, so the request cannot have reached Twilio."""


class RequestTimeout(TransportError, TimeoutError):
    """The connect or read timeout expired."""


class MalformedResponseError(TwiormError):
    """A response body that is not what Twilio sends (HTML from a proxy, truncated JSON)."""

    def __init__(
        self, message: str, *, status: int | None = None, url: str = "", body: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        self.body = body


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

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive the default exception pickling.
        return (_rebuild_api_error, (type(self), self.args, self.__dict__.copy()))


def _rebuild_api_error(
    cls: type[TwilioAPIError], args: tuple[Any, ...], state: dict[str, Any]
) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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
