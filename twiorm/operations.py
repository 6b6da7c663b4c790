"""The operation table: every request a resource makes, and the one function that builds it.

A resource's ``_meta.operations`` maps each operation's name (``list``, ``fetch``,
``create``, ``update``, ``delete``, or a named action such as ``patch``) to an
``Operation``: the HTTP method, the URL template and its placeholders, every parameter
(Python name, wire name, where it goes, whether it is required), the body encoding and
what the answer is. ``Operation.request`` turns an operation and a call's arguments into a
``RequestSpec``; the Django style, the helper style, ``save()`` and ``delete()`` all build
their requests there, so the default account, the method and the checks live only here.

Arguments are checked by their fields once: values a user assigned to an instance were
cleaned on assignment and are passed with ``cleaned=True``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal

from twiorm.errors import InvalidFilterError, ValidationError
from twiorm.fields import REQUIRED, Field, WireValue
from twiorm.input_errors import Problem, bad_values, missing, unknown_names
from twiorm.paths import check_path_value, fill_path, placeholders
from twiorm.request import RequestSpec

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client
    from twiorm.options import Options

__all__ = [
    "ANSWERS",
    "INSTANCE_OPERATIONS",
    "METHODS",
    "STANDARD_METHODS",
    "Encoded",
    "Operation",
    "Parameter",
]

Location = Literal["query", "body", "header"]
BodyEncoding = Literal["form", "json"]
#: What an answer holds: a list page, one record, nothing (204), or a redirect to follow.
AnswerKind = Literal["page", "record", "none", "redirect"]
ANSWERS: Final = ("page", "record", "none", "redirect")
METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The HTTP method of each standard operation unless the declaration says otherwise.
STANDARD_METHODS: Final = {
    "list": "GET",
    "fetch": "GET",
    "create": "POST",
    "update": "POST",
    "delete": "DELETE",
}
#: Standard operations addressed at an instance's URL; list and create use the list's.
INSTANCE_OPERATIONS: Final = frozenset({"fetch", "update", "delete"})
HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")


class Parameter:
    """One parameter of an operation: how a keyword travels on the wire."""

    __slots__ = ("field", "location", "lookup", "name", "required", "wire")

    def __init__(
        self,
        name: str,
        wire: str,
        location: Location,
        field: Field[Any],
        lookup: str = "exact",
        required: bool = False,
    ) -> None:
        self.name = name
        self.wire = wire
        self.location: Location = location
        self.field = field
        self.lookup = lookup
        self.required = required

    def __repr__(self) -> str:
        need = " required" if self.required else ""
        return f"<Parameter {self.name} -> {self.location} {self.wire!r}{need}>"


class Encoded:
    """An operation's arguments, checked and encoded, by where they go."""

    __slots__ = ("body", "headers", "json", "query")

    def __init__(
        self,
        query: dict[str, WireValue] | None = None,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.query: dict[str, WireValue] = query if query is not None else {}
        self.body: dict[str, WireValue] = {}
        self.json = json
        self.headers: dict[str, str] = headers if headers is not None else {}


class Operation:
    """One request a resource can make; see the module docstring."""

    def __init__(
        self,
        options: Options,
        name: str,
        method: str,
        path: str,
        *,
        body: BodyEncoding = "form",
        answer: AnswerKind = "record",
        returns: type | None = None,
        one_of: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        self.options = options
        self.name = name
        self.method = method
        self.path = path
        self.body = body
        self.answer = answer
        #: The resource class the answer is a record of, when not the declaring one.
        self.returns = returns
        self.one_of = one_of

    @cached_property
    def parameters(self) -> Mapping[str, Parameter]:
        """Every parameter by Python name (built on first use: most are never asked for)."""
        return _parameters(self.options, self.name, self.method, self.body)

    @property
    def resource(self) -> str:
        return self.options.resource_name

    @property
    def domain(self) -> str:
        return self.options.domain

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(placeholders(self.path))

    @property
    def is_list(self) -> bool:
        return self.answer == "page"

    def __repr__(self) -> str:
        return f"<Operation {self.resource}.{self.name} {self.describe()}>"

    def required(self) -> tuple[str, ...]:
        return tuple(name for name, p in self.parameters.items() if p.required)

    def describe(self) -> str:
        """``GET /2010-04-01/Accounts/{account_sid}/Calls.json``."""
        return f"{self.method} {self.path}"

    # -- arguments -----------------------------------------------------------------------

    def encode(self, arguments: Mapping[str, Any], *, cleaned: bool = False) -> Encoded:
        """Check ``arguments`` (Python names) and encode them where they go.

        ``None`` means "not given" and is dropped. Unknown names, missing required ones
        and refused values raise a ``ValidationError`` naming them all, before anything
        is sent. ``cleaned`` skips the fields' checks for values already cleaned by them.
        """
        doing = "filter" if self.is_list else self.name
        error = InvalidFilterError if self.is_list else ValidationError
        raw_body = None
        if self.body == "json":
            arguments, raw_body = self._json_object(arguments)
        # Checked before None is dropped: a misspelt name is a mistake whatever its value.
        unknown = sorted(set(arguments) - set(self.parameters))
        if unknown:
            raise unknown_names(
                self.resource,
                "list" if self.is_list else doing,
                unknown,
                self.parameters,
                error=error,
                noun="cannot be filtered by" if self.is_list else "does not take",
            )
        given = {name: value for name, value in arguments.items() if value is not None}
        missing_names = [name for name in self.required() if name not in given]
        if missing_names:
            raise missing(self.resource, self.name, missing_names)
        # Twilio's groups mean "at least one of": a message may carry both Body and MediaUrl.
        for group in self.one_of:
            if not any(name in given for name in group):
                raise missing(self.resource, self.name, group, any_of=True)
        purpose = "filter" if self.is_list else self.name
        encoded = Encoded(json={} if self.body == "json" else None)
        problems: list[Problem] = []
        for name, value in given.items():
            parameter = self.parameters[name]
            field_ = parameter.field
            if cleaned:
                value_ = value
            else:
                value_, problem = field_.check(value, purpose, name=name)
                if problem is not None:
                    problems.append(problem)
                    continue
            if self.is_list and parameter.lookup == "exact" and isinstance(value_, datetime):
                # Twilio reads StartTime=… as "on that day" and matches nothing for a moment.
                problems.append(
                    Problem(
                        name,
                        repr(value),
                        f"a date (Twilio matches the whole day); for a moment use "
                        f"{name}__gte or {name}__lte, for its day pass {name}=<datetime>.date()",
                    )
                )
                continue
            self._place(encoded, parameter, value_, purpose)
        if problems:
            raise bad_values(self.resource, doing, problems, error=error)
        if raw_body is not None and encoded.json is not None:
            encoded.json.update(raw_body)
        return encoded

    def _json_object(
        self, arguments: Mapping[str, Any]
    ) -> tuple[Mapping[str, Any], dict[str, Any] | None]:
        """Take a JSON body given as one object, as the official helpers take it.

        ``contents.create(content_create_request={...})`` (or its model object, with
        ``to_dict()``): its members are the body's, by their JSON names. Members the
        operation declares are checked by their fields; where it declares none (a free-form
        body), the object goes as it is.
        """
        unknown = [name for name in arguments if name not in self.parameters]
        if len(unknown) != 1:
            return arguments, None
        value = arguments[unknown[0]]
        to_dict = getattr(value, "to_dict", None)
        members = to_dict() if callable(to_dict) else value
        if not isinstance(members, Mapping):
            return arguments, None
        rest = {name: v for name, v in arguments.items() if name != unknown[0]}
        by_wire = {p.wire: name for name, p in self.parameters.items() if p.location == "body"}
        if not by_wire:
            return rest, dict(members)
        named = {by_wire.get(str(key), str(key)): member for key, member in members.items()}
        return {**rest, **named}, None

    def _place(self, encoded: Encoded, parameter: Parameter, value: Any, purpose: str) -> None:
        field_ = parameter.field
        if parameter.location == "body" and encoded.json is not None:
            encoded.json[parameter.wire] = field_.dump(value)
            return
        wire = field_.filter_to_wire(value) if purpose == "filter" else field_.to_wire(value)
        if parameter.location == "header":
            encoded.headers[parameter.wire] = wire if isinstance(wire, str) else ",".join(wire)
        elif parameter.location == "query":
            encoded.query[parameter.wire] = wire
        else:
            encoded.body[parameter.wire] = wire

    # -- the request ---------------------------------------------------------------------

    def request(
        self,
        client: Client | None,
        path_values: Mapping[str, Any],
        arguments: Mapping[str, Any] | None = None,
        *,
        cleaned: bool = False,
        encoded: Encoded | None = None,
        query: Mapping[str, WireValue] | None = None,
    ) -> RequestSpec:
        """Build the request for this operation: the one place every request is built.

        ``path_values`` fill the URL template; ``account_sid``, when the template has it and
        no value is given, is the client's account. ``arguments`` are checked and encoded
        (or pass ``encoded`` from an earlier ``encode``); ``query`` adds paging parameters.
        """
        url = self.fill(client, path_values)
        if encoded is None:
            encoded = self.encode(arguments or {}, cleaned=cleaned)
        params = {**encoded.query, **(query or {})}
        return RequestSpec(
            self.method,
            self.domain,
            url,
            params,
            encoded.body,
            json=encoded.json,
            headers=encoded.headers,
        )

    def fill(self, client: Client | None, path_values: Mapping[str, Any]) -> str:
        """Fill the URL template, each value checked (the identity for this operation)."""
        options = self.options
        values: dict[str, str] = {}
        for name in self.path_params:
            value = path_values.get(name)
            if value is None and name == "account_sid" and client is not None:
                value = client.account_sid
            if value is not None:
                verb = self.name if name == options.identity else None
                values[name] = check_path_value(options, name, value, verb)
        return fill_path(options, self.path, values)


def build_operations(options: Options, declared: Mapping[str, Any]) -> dict[str, Operation]:
    """Build the operation table of a resource from its validated Meta and fields.

    ``declared`` holds the Meta options: ``verbs``, ``methods``, ``actions``, ``body``,
    ``answers``, ``one_of``. Raises ``DeclarationError`` (through ``options.fail``) for a
    method, body encoding or answer that is not one Twilio uses.
    """
    methods = dict(declared.get("methods") or {})
    actions = dict(declared.get("actions") or {})
    bodies = declared.get("body") or "form"
    answers = dict(declared.get("answers") or {})
    names = [*(v for v in STANDARD_METHODS if v in options.verbs), *actions]
    for name, method in {**methods, **actions}.items():
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise options.fail(
                f"the method of {name!r} is one of {', '.join(METHODS)}, got {method!r}"
            )
    for option, given in (("methods", methods), ("paths", options.paths), ("answers", answers)):
        for name in given:
            if name not in names:
                raise options.fail(
                    f"{option!r} names {name!r}, not an operation it has: {', '.join(names)}"
                )
    table: dict[str, Operation] = {}
    for name in names:
        method = (actions.get(name) or methods.get(name) or STANDARD_METHODS[name]).upper()
        on_list = name in ("list", "create")
        path = options.paths.get(name) or (options.list_path if on_list else options.instance_path)
        chosen = bodies.get(name, "form") if isinstance(bodies, Mapping) else bodies
        if chosen not in ("form", "json"):
            raise options.fail(f"'body' is 'form' or 'json' (or a dict of them), got {chosen!r}")
        encoding: BodyEncoding = "json" if chosen == "json" else "form"
        answer, returns = _answer(options, name, answers.get(name))
        table[name] = Operation(
            options,
            name,
            method,
            path,
            body=encoding,
            answer=answer,
            returns=returns,
            one_of=options.one_of.get(name, ()),
        )
    seen: dict[tuple[str, str], str] = {}
    for operation in table.values():
        key = (operation.method, operation.path)
        if key in seen:
            raise options.fail(
                f"{seen[key]} and {operation.name} would both be {operation.method} "
                f"{operation.path}: the path cannot serve both (give one another method)"
            )
        seen[key] = operation.name
    return table


def _answer(options: Options, name: str, declared: Any) -> tuple[AnswerKind, type | None]:
    if declared is None:
        return ("page" if name == "list" else "none" if name == "delete" else "record"), None
    if isinstance(declared, type):
        return "record", declared
    if declared in ("record", "none", "redirect"):
        return declared, None
    raise options.fail(
        f"answers[{name!r}] is 'record', 'none', 'redirect' or a Resource class, got {declared!r}"
    )


def _parameters(
    options: Options, name: str, method: str, encoding: BodyEncoding
) -> dict[str, Parameter]:
    if name == "list":
        parameters: dict[str, Parameter] = {}
        for keyword, (field_, lookup) in options.filters.items():
            sent = field_.sent("list")
            parameters[keyword] = Parameter(keyword, sent.wire_name(lookup), "query", sent, lookup)
        for field_name, field_ in options.fields.items():
            requirement = field_.requirement("list")
            if requirement and field_.header:  # a list's own header (Flex-Metadata)
                sent = field_.sent("list")
                parameters[field_name] = Parameter(
                    field_name, sent.param, "header", sent, required=requirement == REQUIRED
                )
        return parameters
    in_query = method in ("GET", "DELETE")
    parameters = {}
    for field_name, field_ in options.fields.items():
        requirement = field_.requirement(name)
        if not requirement:
            continue
        sent = field_.sent(name)
        location: Location
        if field_.header:
            location, wire = "header", sent.param
        elif in_query or field_.query:
            location, wire = "query", sent.param
        else:
            location = "body"
            # A JSON body names its members as Twilio's JSON does (the key), unless the
            # field says otherwise; a form names them in PascalCase.
            wire = (sent.explicit_param or sent.key) if encoding == "json" else sent.param
        parameters[field_name] = Parameter(
            field_name, wire, location, sent, required=requirement == REQUIRED
        )
    return parameters
