"""marshmallow schemas derived from a Resource's fields: the one module that knows marshmallow.

Two kinds of schema, both built from ``_meta`` on first use and cached there:

* the **response schema** loads a JSON record (snake_case keys) into typed values; unknown
  keys are kept, since Twilio adds properties over time. Each property loads through its
  field's ``read``, the very conversion an attribute read makes, and dumps back to
  Twilio's JSON through ``dump``;
* a **parameter schema** per operation (create, update, fetch, filter) *loads* the values
  a user gives, keyed by their wire names (``{"From": ...}``: the fields' ``data_key``),
  validating each with its field, and *dumps* Python names to Twilio's form encoding under
  the PascalCase names (``From``, ``StartTime>``), lists as repeated keys.
  ``load_and_dump`` does both for values keyed by Python names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import marshmallow as ma

from twiorm import fields
from twiorm.errors import MalformedResponseError, ValidationError

if TYPE_CHECKING:
    from twiorm.options import Options

__all__ = ["load_and_dump", "parameter_schema", "response_field", "response_schema"]

MaField = ma.fields.Field[Any]


class _Property(ma.fields.Field[Any]):
    """A marshmallow field that reads and dumps a response property with a twiorm field.

    Loading is the very conversion an attribute read makes (``Field.read``), so a schema
    and an instance never disagree on a value: UTC datetimes, ``""`` as ``None`` for
    numbers, prices as ``Decimal``.
    """

    def __init__(self, field: fields.Field[Any]) -> None:
        super().__init__(data_key=field.key, allow_none=True)
        self.twiorm_field = field

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return self.twiorm_field.read(value)
        except MalformedResponseError as exc:
            problem = str(exc)
        raise ma.ValidationError(problem)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else self.twiorm_field.dump(value)


def response_field(field: fields.Field[Any]) -> MaField:
    """Return the marshmallow field that states how ``field`` reads from a response."""
    return _Property(field)


class _Parameter(ma.fields.Field[Any]):
    """A marshmallow field that validates with a twiorm field and encodes for the wire."""

    def __init__(self, field: fields.Field[Any], operation: str, lookup: str = "exact") -> None:
        super().__init__(data_key=field.wire_name(lookup), allow_none=False)
        self.twiorm_field = field
        self.operation = operation

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return self.twiorm_field.clean_for(value, self.operation)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ma.ValidationError(str(exc)) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if self.operation == "filter":
            return self.twiorm_field.filter_to_wire(value)
        return self.twiorm_field.to_wire(value)


def response_schema(options: Options) -> ma.Schema:
    """Build the schema that loads one response record of the resource."""
    declared = {name: response_field(field) for name, field in options.properties.items()}
    schema_class = ma.Schema.from_dict(declared, name=f"{options.resource_name}ResponseSchema")
    return schema_class(unknown=ma.INCLUDE)


def parameter_schema(options: Options, operation: str) -> ma.Schema:
    """Build the schema for the parameters of ``operation`` (create, update, fetch, filter)."""
    declared: dict[str, MaField] = {}
    if operation == "filter":
        for keyword, (field, lookup) in options.filters.items():
            declared[keyword] = _Parameter(field, operation, lookup)
    else:
        for name, field in options.parameters(operation).items():
            declared[name] = _Parameter(field, operation)
    name = f"{options.resource_name}{operation.capitalize()}Parameters"
    return ma.Schema.from_dict(declared, name=name)()


def load_and_dump(
    options: Options, operation: str, given: Mapping[str, Any]
) -> dict[str, fields.WireValue]:
    """Validate ``given`` (python names) with the operation's schema; return wire parameters."""
    schema = options.parameter_schema(operation)
    by_wire = {schema.fields[name].data_key or name: value for name, value in given.items()}
    try:
        loaded = schema.load(by_wire)
    except ma.ValidationError as exc:
        error = _translate(options, operation, schema, exc, given)
    else:
        dumped: dict[str, fields.WireValue] = schema.dump(loaded)
        return dumped
    # Raised outside the handler: marshmallow's error holds the input data, secrets included.
    raise error


def _translate(
    options: Options,
    operation: str,
    schema: ma.Schema,
    exc: ma.ValidationError,
    given: Mapping[str, Any],
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
        shown = field.shown(given.get(name)) if field is not None else "a value"
        hide_reason = field is None or field.secret or reason == expected
        problems.append(
            f"{name}: expected {expected}, got {shown}" + ("" if hide_reason else f" ({reason})")
        )
    first_field = schema.fields.get(first) if first else None
    expected_first = first_field.twiorm_field.expected if first_field else None  # type: ignore[attr-defined]
    return ValidationError(
        f"{options.resource_name} {operation}: " + "; ".join(problems),
        resource=options.resource_name,
        field=first,
        expected=expected_first,
    )
