"""Field types: each knows its JSON key, its request parameter and how to convert both ways.

A field is declared once on a Resource::

    to = fields.Endpoint(create=REQUIRED, filter=True)

and from that single line twiorm knows the JSON key (``to``), the form parameter (``To``),
that ``create`` requires it, that ``filter(to=...)`` is allowed, how to validate a value a
user gives, how to encode it on the wire, and how to read it from a response.

Reading is lazy: an instance keeps the response record as Twilio sent it and a field
converts its value the first time it is read (see ``Field.__get__``). ``twiorm.schema``
states the same conversions as marshmallow schemas; the test suite holds the two to the
same results.
"""

from __future__ import annotations

import decimal
import functools
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar, overload
from urllib.parse import urlsplit

from twiorm.dates import (
    format_date,
    format_datetime,
    format_rfc2822,
    parse_date,
    parse_iso8601,
    parse_rfc2822,
)
from twiorm.errors import (
    DeclarationError,
    MalformedResponseError,
    ReadOnlyFieldError,
    ValidationError,
)
from twiorm.input_errors import Problem
from twiorm.redaction import HIDDEN, is_secret_name

if TYPE_CHECKING:
    from twiorm.resource import Resource

__all__ = [
    "RANGE",
    "REQUIRED",
    "Bool",
    "Date",
    "Decimal",
    "Endpoint",
    "Enum",
    "Field",
    "Float",
    "HttpMethod",
    "ISODateTime",
    "Int",
    "IntString",
    "Json",
    "List",
    "Object",
    "PhoneNumber",
    "RFC2822DateTime",
    "Sid",
    "Str",
    "Twiml",
    "Unlisted",
    "Uri",
    "UriMap",
]

T = TypeVar("T")

#: Marks a parameter as required by an operation: ``fields.Str(create=REQUIRED)``.
REQUIRED: Final = "required"
#: The lookups of Twilio's date filters: ``X`` (exact), ``X>`` (gte) and ``X<`` (lte).
RANGE: Final = ("exact", "gte", "lte")
#: What each lookup appends to the parameter name on the wire.
LOOKUP_SUFFIXES: Final = {"exact": "", "gte": ">", "lte": "<"}


_OPERATION_FLAGS: Final = frozenset({"create", "update", "fetch", "delete"})


class Expected(ValueError):
    """Raised by a ``clean`` to replace the field's usual expectation in the error."""


Requirement = bool | Literal["required"]
#: What a value is given for: "create", "update", "fetch", "filter" (a list's query),
#: "delete", or a named action; fields that care (dates, enums) clean by it.
Operation = str
WireValue = str | list[str]


class Field(Generic[T]):
    """Base of every field type. Subclasses set ``expected`` and override the converters."""

    #: What a valid value looks like, for error messages.
    expected: str = "a value"
    #: True when a JSON string loads as itself, so reading needs no ``load`` call.
    plain: bool = False

    name: str
    key: str
    param: str
    owner: type[Resource]

    def __init__(
        self,
        *,
        create: Requirement = False,
        update: Requirement = False,
        fetch: Requirement = False,
        filter: bool | tuple[str, ...] = False,  # noqa: A002 - mirrors the manager's verb
        filter_format: Literal["date", "date-time"] | None = None,
        delete: Requirement = False,
        actions: Mapping[str, Requirement] | None = None,
        header: bool = False,
        query: bool = False,
        write_only: bool = False,
        key: str | None = None,
        param: str | None = None,
        secret: bool = False,
        request: Field[Any] | Mapping[str, Field[Any]] | None = None,
    ) -> None:
        self.create = create
        self.update = update
        self.fetch = fetch
        self.delete = delete
        #: Named actions (``patch`` …) that take this field, and whether they require it.
        self.actions: dict[str, Requirement] = dict(actions or {})
        #: Sent as an HTTP header (``X-Twilio-Webhook-Enabled``) rather than a parameter.
        self.header = header
        #: Sent in the query string even by a POST (OAuth's token endpoint takes one so).
        self.query = query
        for flag in (create, update, fetch, delete, *self.actions.values()):
            if flag not in (True, False, REQUIRED):
                raise DeclarationError(
                    f"an operation flag is True, False or REQUIRED, not {flag!r}"
                )
        self.lookups: tuple[str, ...] = ("exact",) if filter is True else tuple(filter or ())
        unknown = [lookup for lookup in self.lookups if lookup not in LOOKUP_SUFFIXES]
        if unknown:
            raise DeclarationError(f"unknown filter lookups {unknown}; use {list(LOOKUP_SUFFIXES)}")
        if filter_format not in (None, "date", "date-time"):
            raise DeclarationError(f"filter_format is 'date' or 'date-time', not {filter_format!r}")
        self.filter_format = filter_format
        self.write_only = write_only
        self._secret = secret
        self.secret = secret
        self._key = key
        self._param = param
        requests = request if isinstance(request, Mapping) else {"*": request} if request else {}
        if not all(isinstance(f, Field) for f in requests.values()):
            raise DeclarationError(
                f"request takes a field, or a dict of them by operation, not {request!r}"
            )
        #: How values are checked and encoded when sent, where that differs from how Twilio
        #: answers with them (a log level answered as text, filtered by number), for every
        #: operation ("*") or per operation ("list", "create" …).
        self.requests: dict[str, Field[Any]] = dict(requests)

    # -- declaration -------------------------------------------------------------------

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        # A trailing underscore dodges a Python keyword: from_ is "from" on the wire.
        self.key = self._key or name.rstrip("_")
        self.param = self._param or "".join(part.capitalize() for part in self.key.split("_"))
        # A value whose name says it is a secret (SipAuthPassword) is never echoed.
        self.secret = self._secret or is_secret_name(self.param)
        for sent in self.requests.values():
            # A request field may name its parameter otherwise (a filter "status", an
            # update's "Status"); by default it is this field's.
            if sent._param is None:
                sent._param = self._param
            sent._key = sent._key or self._key
            sent.__set_name__(owner, name)

    def contribute_to_class(self, owner: type[Resource], name: str) -> None:
        """Bind the field to the resource class that declares (or inherits) it."""
        if getattr(self, "name", None) != name:
            self.__set_name__(owner, name)
        self.owner = owner
        for sent in self.requests.values():
            sent.owner = owner

    def sent(self, operation: str) -> Field[Any]:
        """The field that checks and encodes this one's values in ``operation``'s requests."""
        if not self.requests:
            return self
        return self.requests.get(operation) or self.requests.get("*") or self

    def clone(self) -> Field[T]:
        """Return an unbound copy, so that a subclass can bind it to itself."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.pop("owner", None)
        copy.requests = {name: sent.clone() for name, sent in self.requests.items()}
        return copy

    @property
    def explicit_param(self) -> str | None:
        """The wire name the declaration gave (``param=...``), if any."""
        return self._param

    @property
    def writable(self) -> bool:
        """True when some operation accepts this field as a body parameter."""
        return bool(self.create or self.update)

    def requirement(self, operation: str) -> Requirement:
        """Whether ``operation`` (create, update, fetch, delete or an action) takes this field."""
        if operation in _OPERATION_FLAGS:
            flag: Requirement = getattr(self, operation)
            return flag
        return self.actions.get(operation, False)

    def wire_name(self, lookup: str = "exact") -> str:
        """Return the parameter name on the wire, for a filter lookup if given."""
        return self.param + LOOKUP_SUFFIXES[lookup]

    # -- instance access (the hot path) ------------------------------------------------

    # A non-data descriptor: the first read converts the raw value and stores it in the
    # instance's __dict__, so every later read is a plain attribute lookup. Writes go
    # through Resource.__setattr__, which calls ``assign``.
    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Field[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T | None: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        raw = instance._raw.get(self.key)  # type: ignore[attr-defined]
        # Most of a record is strings that load as themselves: skip the call for them.
        value = raw if raw is None or (self.plain and type(raw) is str) else self.read(raw)
        instance.__dict__[self.name] = value
        return value

    def read(self, raw: Any) -> T | None:
        """Convert a JSON value from a response as an attribute read does, or raise
        ``MalformedResponseError``.

        ``null`` reads as ``None``, and so does ``""`` where a string is not the field's
        type: Twilio sends an empty string for a number it does not have yet.
        """
        if raw is None or (raw == "" and not self.plain):
            return None
        if self.plain and type(raw) is str:
            return raw  # type: ignore[return-value]
        try:
            return self.load(raw)
        except (TypeError, ValueError, ArithmeticError):
            problem = f"{self._where()}: Twilio sent {_show(raw)}, expected {self.expected}"
        # Raised outside the handler: the chained error would quote the whole value.
        raise MalformedResponseError(problem)

    def dump(self, value: T) -> Any:
        """Return a loaded value as Twilio's JSON has it (the inverse of ``load``)."""
        return value

    if TYPE_CHECKING:  # for type checkers only: assignment is typed, and routed by Resource

        def __set__(self, instance: object, value: T | None) -> None: ...

    def assign(self, instance: Any, value: Any) -> None:
        """Validate ``value`` for the operation the next ``save()`` sends, and record it."""
        where = {"resource": type(instance).__name__, "field": self.name}
        if not self.writable:
            raise ReadOnlyFieldError(
                f"{self._where()} is read-only: no Twilio operation accepts it as a parameter",
                **where,
            )
        # The value will travel with the next save(): a create, or an update once saved.
        operation: Operation = "update" if instance._persisted else "create"
        if not getattr(self, operation):
            when = "changed after creation" if operation == "update" else "set on create"
            raise ReadOnlyFieldError(f"{self._where()} cannot be {when}", **where)
        if value is None:
            # A form cannot carry a null, and create() and update() drop None as "not
            # given" (as the official helpers do): assigning it would send nothing.
            raise self.validation_error(
                value,
                expected=f"{self.expected} (None is never sent; assign '' to clear a value)",
            )
        instance.__dict__[self.name] = self.sent(operation).validate(value, operation)
        if not instance._dirty:  # loaded instances share one empty frozenset until changed
            instance._dirty = set()
        instance._dirty.add(self.name)

    def _where(self) -> str:
        owner = getattr(self, "owner", None)
        return f"{owner.__name__}.{self.name}" if owner else getattr(self, "name", "field")

    # -- conversions -------------------------------------------------------------------

    def load(self, raw: Any) -> T:
        """Convert a JSON value from a response; raise ``TypeError``/``ValueError`` if malformed."""
        return raw  # type: ignore[no-any-return]

    def clean(self, value: Any) -> T:
        """Check a value given by a user; raise ``ValueError`` saying what was expected."""
        return value  # type: ignore[no-any-return]

    def clean_for(self, value: Any, operation: Operation) -> T:
        """Check a value given as a parameter of ``operation`` (create, update, filter …)."""
        return self.clean(value)

    def check(
        self, value: Any, operation: Operation | None = None, *, name: str | None = None
    ) -> tuple[Any, Problem | None]:
        """Clean ``value``; return it with ``None``, or ``None`` with the ``Problem``.

        ``name`` is how the problem names the value (a filter keyword, say); by default
        the field's name. The problem never quotes a secret's value or reason.
        """
        try:
            return (
                self.clean(value) if operation is None else self.clean_for(value, operation)
            ), None
        except Expected as exc:
            reason, expected = "", str(exc)
        except (TypeError, ValueError) as exc:
            reason, expected = str(exc), self.expected
        # Returned outside the handler: nothing raised from it chains an error that may quote
        # the value (int("…") does).
        shown = self.shown(value)
        return None, Problem(name or self.name, shown, expected, "" if self.secret else reason)

    def validate(self, value: Any, operation: Operation | None = None) -> T:
        """Clean ``value`` or raise twiorm's ``ValidationError`` naming resource and field."""
        cleaned, problem = self.check(value, operation)
        if problem is not None:
            raise self.validation_error(value, problem.reason, expected=problem.expected)
        return cleaned  # type: ignore[no-any-return]

    def validation_error(
        self, value: Any, reason: str = "", *, expected: str | None = None
    ) -> ValidationError:
        """Build the error for an invalid ``value`` of this field."""
        owner = getattr(self, "owner", None)
        problem = Problem(
            self._where(),
            self.shown(value),
            expected or self.expected,
            "" if self.secret else reason,
        )
        return ValidationError(
            problem.describe(),
            resource=owner.__name__ if owner else None,
            field=self.name,
            expected=problem.expected,
        )

    def shown(self, value: Any) -> str:
        """Return ``value`` as an error message may quote it: never a secret's value."""
        return HIDDEN if self.secret and value is not None else _show(value)

    def to_wire(self, value: T) -> WireValue:
        """Encode a cleaned value as Twilio's form encoding wants it."""
        return str(value)

    def filter_to_wire(self, value: T) -> WireValue:
        """Encode a cleaned filter value (dates use the filter's own format)."""
        return self.to_wire(value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._where()}>"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- strings -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK = re.compile(r"[\s\x00-\x1f\x7f]")  # nothing a URL may carry unencoded


class Str(Field[str]):
    """A string. Control characters other than tab and newlines are refused on input."""

    expected = "a string"
    plain = True

    def load(self, raw: Any) -> str:
        if type(raw) is not str:
            raise TypeError("not a string")
        return raw

    def clean(self, value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not a string")
        if _CONTROL.search(value):
            raise ValueError("control characters are not allowed")
        return value


class Twiml(Str):
    """TwiML instructions, sent as a string."""

    expected = "a TwiML document as a string"


class Sid(Str):
    """A Twilio SID: a two-letter prefix and 32 hex digits, e.g. ``CA`` for calls."""

    def __init__(self, prefix: str, *more_prefixes: str, **options: Any) -> None:
        super().__init__(**options)
        self.prefixes = (prefix, *more_prefixes)
        bad = [p for p in self.prefixes if not (isinstance(p, str) and _SID_PREFIX.fullmatch(p))]
        if bad:
            raise DeclarationError(f"a SID prefix is two capital letters (CA, PN …), got {bad}")
        shown = " or ".join(self.prefixes)
        self.expected = f"a SID starting with {shown} followed by 32 hex digits"

    @property
    def pattern(self) -> re.Pattern[str]:
        """The SID's regular expression (compiled on first use: hundreds are declared)."""
        return _sid_pattern(self.prefixes)

    def clean(self, value: Any) -> str:
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise ValueError(self.expected)
        return value


_SID_PREFIX = re.compile(r"[A-Z]{2}")


@functools.cache
def _sid_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^(?:{'|'.join(prefixes)})[0-9a-fA-F]{{32}}$")


class Uri(Str):
    """An absolute http(s) URL; an empty string clears the value on Twilio's side."""

    expected = "an absolute http(s) URL"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text == "":
            return text
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or _BLANK.search(text):
            raise ValueError(self.expected)
        return text


class Unlisted(str):
    """A choice the documents do not list yet, sent as given: Twilio adds values to its
    enums before the documents (and twiorm's declarations) have them.

    ``Call.objects.filter(status=Unlisted("answered-by-robot"))``: the value skips the
    choice check (still a string without control characters), and a type checker accepts
    it where the parameter's type is a ``Literal`` of the known choices.
    """

    __slots__ = ()


class Enum(Str):
    """One of a fixed set of strings. Unknown values from Twilio load unchanged."""

    def __init__(
        self, choices: Iterable[str], *, write_choices: Iterable[str] | None = None, **options: Any
    ) -> None:
        super().__init__(**options)
        if isinstance(choices, str) or isinstance(write_choices, str):
            raise DeclarationError(f"Enum choices are a tuple of strings, e.g. ({choices!r},)")
        self.choices = tuple(choices)
        self.write_choices = tuple(write_choices) if write_choices is not None else self.choices
        self.expected = "one of " + ", ".join(self.choices)

    def clean(self, value: Any) -> str:
        return self._one_of(value, self.choices)

    def clean_for(self, value: Any, operation: Operation) -> str:
        if operation in ("create", "update") and self.write_choices != self.choices:
            try:
                return self._one_of(value, self.write_choices)
            except ValueError:  # say what this operation accepts, not what Twilio reports
                raise Expected(f"one of {', '.join(self.write_choices)} on {operation}") from None
        return self.clean(value)

    def _one_of(self, value: Any, choices: tuple[str, ...]) -> str:
        if isinstance(value, Unlisted):
            return str.__str__(Str.clean(self, value))  # a plain str from here on
        if not isinstance(value, str) or value not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return value


class HttpMethod(Enum):
    """``GET`` or ``POST``, the methods Twilio uses for webhooks (any case is accepted)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(("GET", "POST"), **options)

    def _one_of(self, value: Any, choices: tuple[str, ...]) -> str:
        return super()._one_of(value.upper() if isinstance(value, str) else value, choices)


# Used with fullmatch: "$" would let a trailing newline through.
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*:\S+")  # whatsapp:+1…, sip:…, client:…, messenger:…
_SHORT_CODE = re.compile(r"[0-9]{3,8}")
_ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
# Number filters take partial numbers with "*" wildcards (IncomingPhoneNumbers' PhoneNumber).
_NUMBER_PATTERN = re.compile(r"\+?[0-9*]{1,16}")
_SIM_SID = re.compile(r"DE[0-9a-fA-F]{32}")


class PhoneNumber(Str):
    """An E.164 phone number, a channel address (``whatsapp:+1…``), a short code or sender ID."""

    expected = "an E.164 phone number such as +14155550100, or a channel address"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not (
            _E164.fullmatch(text)
            or _ADDRESS.fullmatch(text)
            or _SHORT_CODE.fullmatch(text)
            or _ALPHANUMERIC_SENDER.fullmatch(text)
        ):
            raise ValueError(self.expected)
        return text

    def clean_for(self, value: Any, operation: Operation) -> str:
        if operation == "filter" and isinstance(value, str) and _NUMBER_PATTERN.fullmatch(value):
            return value  # a partial number or a "*" pattern
        return self.clean(value)


class Endpoint(PhoneNumber):
    """Whom a call reaches: an E.164 number, ``sip:…`` or ``client:…`` (no sender IDs)."""

    expected = "an E.164 phone number such as +14155550100, a sip: URI or client:identity"

    def clean(self, value: Any) -> str:
        text = Str.clean(self, value)  # narrower than PhoneNumber: calls need an address
        if not (_E164.fullmatch(text) or _ADDRESS.fullmatch(text)):
            raise ValueError(self.expected)
        return text

    def clean_for(self, value: Any, operation: Operation) -> str:
        if operation == "filter" and isinstance(value, str) and _SIM_SID.fullmatch(value):
            return value  # To/From filters also match a SIM's SID
        return self.clean(value)


# -- numbers and booleans ----------------------------------------------------------------


class Bool(Field[bool]):
    """A boolean, sent as ``true``/``false``."""

    expected = "True or False"

    def load(self, raw: Any) -> bool:
        if type(raw) is bool:
            return bool(raw)
        if raw in ("true", "false"):  # a few endpoints send booleans as strings
            return bool(raw == "true")
        raise TypeError("not a boolean")

    def clean(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise TypeError(self.expected)
        return value

    def to_wire(self, value: bool) -> str:
        return "true" if value else "false"


class Int(Field[int]):
    """An integer (a JSON number, or a numeric string as the 2010 API sends some)."""

    expected = "an integer"

    def __init__(
        self, *, minimum: int | None = None, maximum: int | None = None, **options: Any
    ) -> None:
        super().__init__(**options)
        self.minimum = minimum
        self.maximum = maximum

    def load(self, raw: Any) -> int:
        if type(raw) is int:
            return raw
        if type(raw) is str:
            return int(raw)
        raise TypeError("not an integer")

    def clean(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(self.expected)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"at most {self.maximum}")
        return value


class IntString(Int):
    """An integer that the 2010 API sends as a string (``duration``, ``num_segments``)."""

    def dump(self, value: int) -> str:
        return str(value)


class Float(Field[float]):
    """A floating-point number."""

    expected = "a number"

    def load(self, raw: Any) -> float:
        if type(raw) in (int, float, str):
            return float(raw)
        raise TypeError("not a number")

    def clean(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(self.expected)
        return float(value)


class Decimal(Field[decimal.Decimal]):
    """An exact decimal, e.g. a price (``"-0.03000"``)."""

    expected = "a decimal number"

    def load(self, raw: Any) -> decimal.Decimal:
        if type(raw) is str:
            return decimal.Decimal(raw)
        if type(raw) in (int, float):
            return decimal.Decimal(str(raw))  # str() keeps 0.1 from becoming 0.1000000000000000055…
        raise TypeError("not a number")

    def clean(self, value: Any) -> decimal.Decimal:
        if isinstance(value, bool):
            raise TypeError(self.expected)
        if isinstance(value, (int, float, str, decimal.Decimal)):
            try:
                result = decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                raise ValueError(self.expected) from None
            if result.is_finite():
                return result
        raise ValueError(self.expected)

    def dump(self, value: decimal.Decimal) -> str:
        return str(value)  # Twilio sends prices as strings: "-0.03000"

    def to_wire(self, value: decimal.Decimal) -> str:
        # Plain notation: str() would send 1E+1 or 1E-7, which a form number may not parse.
        return format(value, "f")


# -- dates -------------------------------------------------------------------------------


class _DateTime(Field[datetime]):
    """Shared input side of the two datetime shapes: users give dates or datetimes."""

    expected = "a datetime, a date or an ISO 8601 string"

    def clean(self, value: Any) -> datetime:
        if isinstance(value, date):  # datetime is a date too
            return value  # type: ignore[return-value]
        if isinstance(value, str):
            try:
                return parse_date(value) if len(value) == 10 else parse_iso8601(value)  # type: ignore[return-value]
            except ValueError:
                pass
            try:  # the shape the 2010 API answers with, which its filters take back
                return parse_rfc2822(value)
            except ValueError:
                raise ValueError(self.expected) from None
        raise TypeError(self.expected)

    def clean_for(self, value: Any, operation: Operation) -> datetime:
        cleaned = self.clean(value)
        if operation == "filter" and self.filter_format == "date" and isinstance(cleaned, datetime):
            # Twilio compares whole days here: a time of day would be silently dropped.
            raise Expected("a date (this filter compares whole days), not a datetime")
        if operation in ("create", "update") and not isinstance(cleaned, datetime):
            # A date-time parameter (SendAt) needs a moment; a bare date would be refused.
            raise Expected("a datetime or an ISO 8601 date-time string, not a date")
        return cleaned

    def to_wire(self, value: datetime) -> str:
        return format_datetime(value)

    def filter_to_wire(self, value: datetime) -> str:
        if self.filter_format == "date":
            return format_date(value)
        return format_datetime(value)


class RFC2822DateTime(_DateTime):
    """A datetime sent by the 2010 API as ``Fri, 18 Oct 2019 17:00:00 +0000``."""

    def load(self, raw: Any) -> datetime:
        return parse_rfc2822(raw)

    def dump(self, value: datetime) -> str:
        return format_rfc2822(value)


class ISODateTime(_DateTime):
    """A datetime sent by the newer APIs as ISO 8601 (``2019-06-24T22:32:49Z``)."""

    def load(self, raw: Any) -> datetime:
        return parse_iso8601(raw)

    def dump(self, value: datetime) -> str:
        return format_datetime(value)


class Date(Field[date]):
    """A calendar date, ``YYYY-MM-DD``."""

    expected = "a date or a YYYY-MM-DD string"

    def load(self, raw: Any) -> date:
        return parse_date(raw)

    def dump(self, value: date) -> str:
        return format_date(value)

    def clean(self, value: Any) -> date:
        if isinstance(value, datetime):
            raise TypeError("a date, not a datetime")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return parse_date(value)
            except ValueError:
                raise ValueError(self.expected) from None
        raise TypeError(self.expected)

    def to_wire(self, value: date) -> str:
        return format_date(value)


# -- structured values -------------------------------------------------------------------


class Json(Field[Any]):
    """Any JSON value; sent as a JSON string unless already a string."""

    expected = "a JSON-serialisable value"

    def clean(self, value: Any) -> Any:
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise TypeError(self.expected) from None
        return value

    def to_wire(self, value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


class Object(Json):
    """A JSON object (a dict)."""

    expected = "a JSON object (dict)"

    def load(self, raw: Any) -> Any:
        if type(raw) is not dict:
            raise TypeError("not an object")
        return raw

    def clean(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(self.expected)
        return super().clean(value)


class UriMap(Object):
    """A map of sub-resource names to their relative URIs."""


class List(Field[list[Any]]):
    """A list of values of one field type, sent as repeated form keys."""

    def __init__(self, item: Field[Any], **options: Any) -> None:
        super().__init__(**options)
        if not isinstance(item, Field):
            raise DeclarationError(f"List takes a field instance, e.g. List(Str()), not {item!r}")
        self.item = item
        self.expected = f"a list of {item.expected.removeprefix('a ').removeprefix('an ')}s"

    def contribute_to_class(self, owner: type[Resource], name: str) -> None:
        super().contribute_to_class(owner, name)
        self.item.__set_name__(owner, name)
        self.item.owner = owner

    def clone(self) -> List:
        copy = super().clone()
        assert isinstance(copy, List)
        copy.item = self.item.clone()
        return copy

    def load(self, raw: Any) -> list[Any]:
        if type(raw) is not list:
            raise TypeError("not a list")
        load = self.item.load
        return [None if item is None else load(item) for item in raw]

    def dump(self, value: list[Any]) -> list[Any]:
        return [None if item is None else self.item.dump(item) for item in value]

    def clean(self, value: Any) -> list[Any]:
        return self.clean_for(value, "update")

    def clean_for(self, value: Any, operation: Operation) -> list[Any]:
        # A single value is one element, as the official helpers accept it.
        single = isinstance(value, (str, bytes)) or not isinstance(value, Iterable)
        items = [value] if single else value
        return [self.item.clean_for(item, operation) for item in items]

    def to_wire(self, value: list[Any]) -> list[str]:
        encoded: list[str] = []
        for item in value:
            wire = self.item.to_wire(item)
            encoded.extend(wire if isinstance(wire, list) else [wire])
        return encoded
