"""Between Twilio's wire shapes and the Python values twiorm's fields clean and load.

The engine's fields go one way: Python value -> form string (requests) and JSON -> Python
value (responses). The sandbox needs the other two directions, and gets them here so that
every check it makes on a parameter is the field's own ``clean_for``:

* ``decode``: form strings (``"true"``, ``"30"``, repeated keys) -> the Python value a
  user would have passed, ready for ``field.clean_for(value, operation)``;
* ``encode``: a cleaned Python value -> the JSON value Twilio answers with (RFC 2822 or
  ISO 8601 dates, integers as strings where the 2010 API sends them so).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from twiorm import fields
from twiorm.dates import UTC, to_utc

__all__ = [
    "as_datetime",
    "decode",
    "encode",
    "format_iso8601",
    "format_national",
    "format_rfc2822",
]

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NANP = re.compile(r"^\+1([2-9][0-9]{2})([0-9]{3})([0-9]{4})$")


def decode(field: fields.Field[Any], values: list[str]) -> Any:
    """Turn the form values of one parameter into what ``field.clean_for`` expects.

    A value that does not decode (``Timeout=soon``) is passed on as the string, so that
    the field's own check refuses it with its own words.
    """
    if isinstance(field, fields.List):
        return [_decode_one(field.item, value) for value in values]
    # A scalar parameter given twice: the last one wins, as most form parsers do.
    return _decode_one(field, values[-1])


def _decode_one(field: fields.Field[Any], text: str) -> Any:
    if isinstance(field, fields.Bool):
        lowered = text.lower()
        return {"true": True, "false": False}.get(lowered, text)
    if isinstance(field, fields.Int):
        return int(text) if _INTEGER.match(text) else text
    if isinstance(field, fields.Float):
        try:
            return float(text)
        except ValueError:
            return text
    if isinstance(field, fields.Json):
        try:
            return json.loads(text)
        except ValueError:
            # A bare string is valid JSON-typed input too (Twilio passes it through).
            return text
    return text


def encode(field: fields.Field[Any], value: Any) -> Any:
    """Return the JSON value Twilio would answer for a cleaned ``value`` of ``field``."""
    if value is None:
        return None
    if isinstance(field, fields.List):
        return [encode(field.item, item) for item in value]
    if isinstance(field, fields.RFC2822DateTime):
        return format_rfc2822(as_datetime(value))
    if isinstance(field, fields.ISODateTime):
        return format_iso8601(as_datetime(value))
    if isinstance(field, fields.Date):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(field, fields.IntString):
        return str(value)
    if isinstance(field, fields.Int):
        return int(value)
    if isinstance(field, fields.Decimal):
        return str(value)
    if isinstance(field, fields.Float):
        return float(value)
    if isinstance(field, fields.Bool):
        return bool(value)
    if isinstance(field, fields.Json):
        return value
    if isinstance(value, (Decimal, int, float)):
        return str(value)
    return value


def as_datetime(value: date) -> datetime:
    """Return an aware UTC datetime; a plain date means that day's midnight, UTC."""
    if isinstance(value, datetime):
        return to_utc(value)
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


def format_rfc2822(moment: datetime) -> str:
    """``Fri, 18 Oct 2019 17:00:00 +0000``: the 2010 API's date shape, locale-independent."""
    moment = to_utc(moment)
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000"
    )


def format_iso8601(moment: datetime) -> str:
    """``2019-06-24T22:32:49Z``: the newer APIs' date shape."""
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_national(number: str) -> str:
    """``+14155550100`` -> ``(415) 555-0100``; other numbers are returned unchanged."""
    match = _NANP.match(number)
    if match is None:
        return number
    area, exchange, line = match.groups()
    return f"({area}) {exchange}-{line}"
