"""twiorm: declarative, Django-style resources over the Twilio REST API.

::

    import twiorm
    from twiorm.resources import Call

    twiorm.set_default_client(twiorm.Client("AC...", "auth-token"))
    for call in Call.objects.filter(status="completed")[:20]:
        print(call.sid, call.duration)
"""

from twiorm import fields
from twiorm.client import Client, Credentials, get_default_client, set_default_client
from twiorm.errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeout,
    DeclarationError,
    InvalidFilterError,
    InvalidPathParameterError,
    MalformedResponseError,
    MissingParameterError,
    MultipleObjectsReturned,
    NotFoundError,
    ObjectDoesNotExist,
    OutcomeUnknownDisconnect,
    OutcomeUnknownError,
    OutcomeUnknownServerError,
    OutcomeUnknownTimeout,
    PermissionDeniedError,
    RateLimitError,
    ReadOnlyFieldError,
    RequestTimeout,
    ServerError,
    TLSError,
    TransportError,
    TwilioAPIError,
    TwiormError,
    ValidationError,
    VerbNotAllowedError,
)
from twiorm.fields import Unlisted
from twiorm.manager import Manager
from twiorm.query import QuerySet
from twiorm.redaction import MaskPhoneNumbers
from twiorm.request import RequestSpec
from twiorm.requestor import DEFAULT_TIMEOUT
from twiorm.resource import Resource
from twiorm.retry import RetryPolicy
from twiorm.version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionDroppedError",
    "Credentials",
    "DeclarationError",
    "InvalidFilterError",
    "InvalidPathParameterError",
    "MalformedResponseError",
    "Manager",
    "MaskPhoneNumbers",
    "MissingParameterError",
    "MultipleObjectsReturned",
    "NotFoundError",
    "ObjectDoesNotExist",
    "OutcomeUnknownDisconnect",
    "OutcomeUnknownError",
    "OutcomeUnknownServerError",
    "OutcomeUnknownTimeout",
    "PermissionDeniedError",
    "QuerySet",
    "RateLimitError",
    "ReadOnlyFieldError",
    "RequestSpec",
    "RequestTimeout",
    "Resource",
    "RetryPolicy",
    "ServerError",
    "TLSError",
    "TransportError",
    "TwilioAPIError",
    "TwiormError",
    "Unlisted",
    "ValidationError",
    "VerbNotAllowedError",
    "__version__",
    "fields",
    "get_default_client",
    "set_default_client",
]
