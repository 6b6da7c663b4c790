"""The public surface is deliberate: adding or removing a name must change this test."""

from __future__ import annotations

import twiorm
import twiorm.resources

PUBLIC = {
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionDroppedError",
    "Credentials",
    "DEFAULT_TIMEOUT",
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
    "Unlisted",
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
    "ValidationError",
    "VerbNotAllowedError",
    "__version__",
    "fields",
    "get_default_client",
    "set_default_client",
}

RESOURCES = {
    "Account",
    "Call",
    "CallRecording",
    "Conference",
    "ConferenceRecording",
    "IncomingPhoneNumber",
    "Message",
    "Number",
    "OutgoingCallerId",
    "Participant",
    "PhoneNumber",
    "Recording",
    "Service",
    "Verification",
    "VerificationCheck",
    "VerifyService",
}


def test_twiorm_exports_exactly_its_public_names() -> None:
    assert set(twiorm.__all__) == PUBLIC
    for name in twiorm.__all__:
        assert hasattr(twiorm, name), name


def test_resources_exports_every_declared_resource() -> None:
    assert set(twiorm.resources.__all__) == RESOURCES
    assert twiorm.resources.Number is twiorm.resources.IncomingPhoneNumber


def test_every_error_is_a_twiorm_error() -> None:
    errors = [getattr(twiorm, n) for n in twiorm.__all__ if n.endswith(("Error", "Timeout"))]
    assert errors
    for error in errors:
        assert issubclass(error, twiorm.TwiormError), error
