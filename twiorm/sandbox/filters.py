"""List filters: query parameters checked by the declared fields, turned into predicates.

A filter parameter is a field's wire name with its lookup suffix: ``Status``,
``StartTime>`` (on or after), ``StartTime<`` (on or before). Values are cleaned by the
field exactly as twiorm cleans them before sending, so a value twiorm would refuse the
sandbox refuses too (400, code 20001). Parameters the list does not declare are ignored,
as Twilio ignores them.

Dates follow Twilio's wording: a plain date in an inequality stands for that day's
midnight UTC (``DateSent<=2026-01-05`` is "on or before midnight of this date"), and a
plain date without an operator matches the whole day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from twiorm import fields
from twiorm.options import Options
from twiorm.sandbox.behaviours import invalid_parameter
from twiorm.sandbox.wire import as_datetime, decode

__all__ = ["PAGING_PARAMETERS", "Predicate", "compile_filters"]

#: Query parameters that steer paging, never filters.
PAGING_PARAMETERS = frozenset({"PageSize", "Page", "PageToken"})

Predicate = Callable[[dict[str, Any]], bool]


def compile_filters(meta: Options, query: Sequence[tuple[str, str]]) -> list[Predicate]:
    """Return one predicate per declared filter in ``query``; raise a 400 ``Refusal``."""
    declared = {field.wire_name(lookup): (field, lookup) for field, lookup in meta.filters.values()}
    grouped: dict[str, list[str]] = {}
    for name, value in query:
        if name in declared:
            grouped.setdefault(name, []).append(value)
    predicates: list[Predicate] = []
    for name, values in grouped.items():
        field, lookup = declared[name]
        try:
            wanted = field.clean_for(decode(field, values), "filter")
        except (TypeError, ValueError) as exc:
            raise invalid_parameter(name, values[-1], str(exc) or field.expected) from None
        if not field.write_only:  # a request-only switch (IncludeSoftDeleted) filters nothing
            predicates.append(_predicate(field, lookup, wanted))
    return predicates


def _predicate(field: fields.Field[Any], lookup: str, wanted: Any) -> Predicate:
    key = field.key

    def actual(record: dict[str, Any]) -> Any:
        raw = record.get(key)
        if raw is None:
            return None
        try:
            return field.load(raw)
        except (TypeError, ValueError, ArithmeticError):
            return None  # a value the record cannot have been filtered on

    if isinstance(field, (fields.RFC2822DateTime, fields.ISODateTime, fields.Date)):
        whole_day = not isinstance(wanted, datetime)
        bound = as_datetime(wanted)

        def on_dates(record: dict[str, Any]) -> bool:
            found = actual(record)
            if found is None:
                return False
            moment = as_datetime(found)
            if lookup == "exact":
                return moment.date() == wanted if whole_day else moment == bound
            return moment >= bound if lookup == "gte" else moment <= bound

        return on_dates

    def on_values(record: dict[str, Any]) -> bool:
        found = actual(record)
        if found is None:
            return False
        if isinstance(field, fields.List):
            # Twilio's list filters (a binding's Tag) match records holding every value.
            values = wanted if isinstance(wanted, list) else [wanted]
            return all(value in found for value in values)
        if lookup == "exact":
            return bool(found == wanted)
        try:
            return bool(found >= wanted if lookup == "gte" else found <= wanted)
        except TypeError:
            return False

    return on_values
