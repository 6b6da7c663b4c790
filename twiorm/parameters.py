"""Turning what users pass (python names and values) into Twilio's request parameters.

Filters are compiled straight from the fields: each filter keyword maps to a field and a
lookup, the field cleans the value and encodes it (``start_time__gte`` → ``StartTime>``).
Building a query set therefore needs no schema machinery. Create, update and fetch
parameters go through the marshmallow parameter schemas of ``twiorm.schema`` (imported on
first use); the test suite holds both paths to the same results.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from twiorm.errors import InvalidFilterError, MissingParameterError, ValidationError
from twiorm.fields import Expected, WireValue
from twiorm.suggest import did_you_mean

if TYPE_CHECKING:
    from twiorm.options import Options

__all__ = ["encode_filters", "encode_parameters"]


def encode_filters(options: Options, filters: Mapping[str, Any]) -> dict[str, WireValue]:
    """Validate filter keywords (``start_time__gte=...``) and return the query parameters.

    ``None`` means "no filter" and is dropped.
    """
    allowed = options.filters
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        raise InvalidFilterError(
            f"{options.resource_name} cannot be filtered by {', '.join(unknown)}"
            f"{did_you_mean(unknown[0], allowed)}; "
            f"Twilio accepts: {options.describe_filters()}",
            resource=options.resource_name,
            field=unknown[0],
            expected=options.describe_filters(),
        )
    encoded: dict[str, WireValue] = {}
    for keyword, value in filters.items():
        if value is None:
            continue
        field, lookup = allowed[keyword]
        try:
            cleaned = field.clean_for(value, "filter")
        except (TypeError, ValueError) as exc:
            # An Expected replaces the field's usual expectation (a day filter wants a date).
            expected = str(exc) if isinstance(exc, Expected) else field.expected
            reason = "" if isinstance(exc, Expected) else str(exc)
            detail = f" ({reason})" if reason and reason != expected else ""
            raise InvalidFilterError(
                f"{options.resource_name} filter {keyword}: expected {expected}, "
                f"got {value!r}{detail}",
                resource=options.resource_name,
                field=keyword,
                expected=expected,
            ) from None
        if lookup == "exact" and isinstance(cleaned, datetime):
            # Twilio reads StartTime=… as "on that day" and matches nothing for a moment.
            raise InvalidFilterError(
                f"{options.resource_name} filter {keyword}: expected a date (Twilio matches "
                f"the whole day), got {value!r}; for a moment use {keyword}__gte or "
                f"{keyword}__lte, for its day pass {keyword}=<datetime>.date()",
                resource=options.resource_name,
                field=keyword,
                expected="a date",
            )
        encoded[field.wire_name(lookup)] = field.filter_to_wire(cleaned)
    return encoded


def encode_parameters(
    options: Options, operation: str, values: Mapping[str, Any]
) -> dict[str, WireValue]:
    """Validate ``values`` (python names) for ``operation`` and return the form parameters.

    ``None`` means "not given" and is dropped, as Twilio cannot receive a null in a form;
    an empty string is sent, since that is how Twilio clears a value.
    """
    given = {name: value for name, value in values.items() if value is not None}
    accepted = options.parameters(operation)
    unknown = sorted(set(given) - set(accepted))
    if unknown:
        raise ValidationError(
            f"{options.resource_name} {operation} does not take {', '.join(unknown)}"
            f"{did_you_mean(unknown[0], accepted)}; "
            f"it takes: {', '.join(accepted) or 'no parameters'}",
            resource=options.resource_name,
            field=unknown[0],
            expected=f"one of {', '.join(accepted)}",
        )
    _check_required(options, operation, given)
    from twiorm.schema import load_and_dump  # marshmallow loads only when something is written

    return load_and_dump(options, operation, given)


def _check_required(options: Options, operation: str, given: Mapping[str, Any]) -> None:
    missing = [name for name in options.required(operation) if name not in given]
    if missing:
        raise MissingParameterError(
            f"{options.resource_name} {operation} requires {', '.join(missing)}",
            resource=options.resource_name,
            field=missing[0],
            expected="a value",
        )
    # Twilio's groups mean "at least one of": a message may carry both Body and MediaUrl.
    for group in options.one_of.get(operation, ()):
        if not any(name in given for name in group):
            raise MissingParameterError(
                f"{options.resource_name} {operation} needs one of {', '.join(group)}",
                resource=options.resource_name,
                field=group[0],
                expected=f"at least one of {', '.join(group)}",
            )
