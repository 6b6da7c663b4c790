"""marshmallow schemas derived from a Resource's fields: the one module that knows marshmallow.

Two kinds of schema, both built from ``_meta`` on first use and cached there:

* the **response schema** loads a JSON record (snake_case keys) into typed values; unknown
  keys are kept, since Twilio adds properties over time. Each property loads through its
  field's ``read``, the very conversion an attribute read makes, and dumps back to
  Twilio's JSON through ``dump``;
* a **parameter schema** per operation (``Call.schema("create")``) *loads* the values a
  user gives, keyed by their wire names (``{"From": ...}``), cleaning each with its field,
  and *dumps* Python names to Twilio's encoding under the wire names (``From``,
  ``StartTime>``), lists as repeated keys.

Requests themselves are built by ``Operation.encode`` straight from the fields; these
schemas state the same conversions for marshmallow users and use the same field methods,
so there is one conversion path, not two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import marshmallow as ma

from twiorm import fields
from twiorm.errors import MalformedResponseError

if TYPE_CHECKING:
    from twiorm.operations import Operation, Parameter
    from twiorm.options import Options

__all__ = ["parameter_schema", "response_field", "response_schema"]

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
    """A marshmallow field for one parameter of an operation, converting with its field.

    Loading cleans a value as ``Operation.encode`` does (``Field.check``) and dumping
    encodes it for the wire under its wire name, so the schema and the requests twiorm
    sends never disagree.
    """

    def __init__(self, parameter: Parameter, purpose: str, json_body: bool) -> None:
        super().__init__(data_key=parameter.wire, allow_none=False, required=parameter.required)
        self.parameter = parameter
        self.purpose = purpose
        self.json_body = json_body

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        cleaned, problem = self.parameter.field.check(value, self.purpose)
        if problem is None:
            return cleaned
        raise ma.ValidationError(f"expected {problem.expected}")

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        field = self.parameter.field
        if self.json_body and self.parameter.location == "body":
            return field.dump(value)
        if self.purpose == "filter":
            return field.filter_to_wire(value)
        return field.to_wire(value)


def response_schema(options: Options) -> ma.Schema:
    """Build the schema that loads one response record of the resource."""
    declared = {name: response_field(field) for name, field in options.properties.items()}
    schema_class = ma.Schema.from_dict(declared, name=f"{options.resource_name}ResponseSchema")
    return schema_class(unknown=ma.INCLUDE)


def parameter_schema(operation: Operation) -> ma.Schema:
    """Build the schema of an operation's parameters: it loads values given by their wire
    names (``{"From": ...}``) and dumps Python names to the wire (``From``, ``StartTime>``)."""
    purpose = "filter" if operation.is_list else operation.name
    json_body = operation.body == "json"
    declared: dict[str, MaField] = {
        name: _Parameter(parameter, purpose, json_body)
        for name, parameter in operation.parameters.items()
    }
    name = f"{operation.resource}{operation.name.capitalize()}Parameters"
    return ma.Schema.from_dict(declared, name=name)()
