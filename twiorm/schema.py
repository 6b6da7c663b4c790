"""marshmallow schemas derived from a Resource's fields, and the parameter encoder on them.

Two kinds of schema, both built from ``_meta`` once per class and cached there:

* the **response schema** loads a JSON record (snake_case keys) into typed values; unknown
  keys are kept, since Twilio adds properties over time;
* a **parameter schema** per operation (create, update, fetch, filter) *loads* the
  values a user gives (validating each with its field) and *dumps* them to Twilio's form
  encoding under their PascalCase names (``From``, ``StartTime>``), lists as repeated keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import marshmallow as ma

from twiorm.errors import InvalidFilterError, MissingParameterError, ValidationError
from twiorm.fields import Field, WireValue

if TYPE_CHECKING:
    from twiorm.options import Options

__all__ = ["encode_filters", "encode_parameters", "parameter_schema", "response_schema"]


class _Parameter(ma.fields.Field[Any]):
    """A marshmallow field that validates with a twiorm field and encodes for the wire."""

    def __init__(self, field: Field[Any], operation: str, lookup: str = "exact") -> None:
        super().__init__(data_key=field.wire_name(lookup), allow_none=False)
        self.twiorm_field = field
        self.operation = operation

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return self.twiorm_field.clean_for(value, self.operation)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ma.ValidationError(str(exc)) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> WireValue:
        if self.operation == "filter":
            return self.twiorm_field.filter_to_wire(value)
        return self.twiorm_field.to_wire(value)


def response_schema(options: Options) -> ma.Schema:
    """Build the schema that loads one response record of the resource."""
    declared = {
        name: field.response_field()
        for name, field in options.fields.items()
        if not field.write_only
    }
    schema_class = ma.Schema.from_dict(declared, name=f"{options.resource_name}ResponseSchema")
    return schema_class(unknown=ma.INCLUDE)


def parameter_schema(options: Options, operation: str) -> ma.Schema:
    """Build the schema for the parameters of ``operation`` (create, update, fetch, filter)."""
    declared: dict[str, ma.fields.Field[Any]] = {}
    if operation == "filter":
        for keyword, (field, lookup) in options.filters.items():
            declared[keyword] = _Parameter(field, operation, lookup)
    else:
        for name, field in options.parameters(operation).items():
            declared[name] = _Parameter(field, operation)
    name = f"{options.resource_name}{operation.capitalize()}Parameters"
    return ma.Schema.from_dict(declared, name=name)()


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
            f"{options.resource_name} {operation} does not take {', '.join(unknown)}; "
            f"it takes: {', '.join(accepted) or 'no parameters'}",
            resource=options.resource_name,
            field=unknown[0],
            expected=f"one of {', '.join(accepted)}",
        )
    _check_required(options, operation, given)
    return _load_and_dump(options, operation, given, ValidationError)


def encode_filters(options: Options, filters: Mapping[str, Any]) -> dict[str, WireValue]:
    """Validate filter keywords (``start_time__gte=...``) and return the query parameters."""
    unknown = sorted(set(filters) - set(options.filters))
    if unknown:
        raise InvalidFilterError(
            f"{options.resource_name} cannot be filtered by {', '.join(unknown)}; "
            f"Twilio accepts: {options.describe_filters()}",
            resource=options.resource_name,
            field=unknown[0],
            expected=options.describe_filters(),
        )
    given = {name: value for name, value in filters.items() if value is not None}
    return _load_and_dump(options, "filter", given, InvalidFilterError)


def _load_and_dump(
    options: Options, operation: str, given: Mapping[str, Any], error: type[ValidationError]
) -> dict[str, WireValue]:
    schema = options.parameter_schema(operation)
    by_wire = {_wire_key(schema, name): value for name, value in given.items()}
    try:
        loaded = schema.load(by_wire)
    except ma.ValidationError as exc:
        raise _translate(options, operation, schema, exc, given, error) from None
    dumped: dict[str, WireValue] = schema.dump(loaded)
    return dumped


def _wire_key(schema: ma.Schema, name: str) -> str:
    return schema.fields[name].data_key or name


def _translate(
    options: Options,
    operation: str,
    schema: ma.Schema,
    exc: ma.ValidationError,
    given: Mapping[str, Any],
    error: type[ValidationError],
) -> ValidationError:
    messages = exc.messages if isinstance(exc.messages, dict) else {"": exc.messages}
    by_wire = {f.data_key: name for name, f in schema.fields.items()}
    problems = []
    first: str | None = None
    for wire_name, reasons in sorted(messages.items()):
        name = by_wire.get(wire_name, wire_name)
        first = first or name
        field = schema.fields[name].twiorm_field if name in schema.fields else None  # type: ignore[attr-defined]
        expected = field.expected if field is not None else "a valid value"
        reason = "; ".join(reasons) if isinstance(reasons, list) else str(reasons)
        problems.append(
            f"{name}: expected {expected}, got {given.get(name)!r}"
            + (f" ({reason})" if reason != expected else "")
        )
    first_field = schema.fields.get(first) if first else None
    expected_first = first_field.twiorm_field.expected if first_field else None  # type: ignore[attr-defined]
    return error(
        f"{options.resource_name} {operation}: " + "; ".join(problems),
        resource=options.resource_name,
        field=first,
        expected=expected_first,
    )


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
