"""Partitioned reads on Dask: a long export as many windows read side by side.

::

    from twiorm.contrib.dask import read

    frame = read(Call.objects.filter(status="completed"), by="day",
                 start=date(2026, 11, 1), end=date(2026, 12, 1))
    frame.groupby("status").duration.sum().compute()

One partition per (account by UTC day) from ``start`` (inclusive) to ``end`` (exclusive),
each streaming its window of the resource's date range (``start_time`` for Calls,
``date_sent`` for Messages) with the client's retries; a record is in the one window its
moment falls in, and each partition drops repeated SIDs. Column types are ``to_arrow``'s
(the declared properties: a frame's columns are known before any partition is read).

Credentials never enter the task graph: each partition builds its client with
``client_factory`` (by default ``twiorm.Client()``, which reads ``TWILIO_ACCOUNT_SID``,
``TWILIO_AUTH_TOKEN`` … and ``TWIORM_BASE_URL`` from the worker's environment); pass a
factory of your own that fetches them where your workers can (a function, not a client).
Needs the ``dask`` extra (``pip install 'twiorm[dask]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, NamedTuple

import twiorm
from twiorm import fields
from twiorm.errors import ConfigurationError, ValidationError
from twiorm.query import QuerySet
from twiorm.tables import _pyarrow, arrow_schema, columns

try:
    import dask.dataframe as dd
except ImportError as exc:  # an optional extra: say which one
    raise ImportError("twiorm.contrib.dask needs dask: pip install 'twiorm[dask]'") from exc

__all__ = ["Window", "read"]

_MOMENTS = (fields.RFC2822DateTime, fields.ISODateTime)


class Window(NamedTuple):
    """One partition: an account (``None``: the client's own) and a half-open UTC range."""

    account: str | None
    start: datetime
    end: datetime


def range_filter(queryset: QuerySet[Any]) -> str:
    """The date-time filter a partition uses (``start_time``), or a clear error."""
    for keyword, (field, lookup) in queryset.model._meta.filters.items():
        if lookup == "gte" and isinstance(field, _MOMENTS):
            return str(keyword.removesuffix("__gte"))
    raise ValidationError(
        f"{queryset.model.__name__} has no date-time range filter to partition by",
        resource=queryset.model.__name__,
    )


def windows(start: date, end: date, accounts: Sequence[str] | None) -> list[Window]:
    """Every (account by UTC day) from ``start`` to ``end`` (exclusive)."""
    if end <= start:
        raise ValidationError(f"end ({end}) must come after start ({start})")
    days = []
    day = start
    while day < end:
        days.append(day)
        day += timedelta(days=1)
    found = []
    chosen: Sequence[str | None] = list(accounts) if accounts else [None]
    for account in chosen:
        for each in days:
            begin = datetime.combine(each, time(), tzinfo=timezone.utc)
            found.append(Window(account, begin, begin + timedelta(days=1)))
    return found


def _partition(
    window: Window,
    queryset: QuerySet[Any],
    field: str,
    names: Sequence[str] | None,
    client_factory: Callable[[], twiorm.Client],
    page_size: int | None = None,
) -> Any:
    """Read one window: runs on a worker, with a client of its own."""
    client = client_factory()
    by_day = queryset.model._meta.filters[f"{field}__gte"][0].filter_format == "date"
    last = window.end - timedelta(seconds=1)  # Twilio's times are whole seconds
    bounds = (window.start.date(), last.date()) if by_day else (window.start, last)
    selected = queryset.using(client).filter(
        **{f"{field}__gte": bounds[0], f"{field}__lte": bounds[1]}
    )
    if window.account is not None:
        selected = selected.filter(account_sid=window.account)
    schema = arrow_schema(queryset.model, names)
    batches = list(selected.iter_batches(names, page_size=page_size, unknown=False))
    frame = _pyarrow().Table.from_batches(batches, schema=schema).to_pandas()
    if "sid" in frame.columns:
        frame = frame.drop_duplicates("sid")
    return frame


def read(
    queryset: QuerySet[Any],
    *,
    by: str = "day",
    start: date,
    end: date,
    accounts: Sequence[str] | None = None,
    fields: Sequence[str] | None = None,
    client_factory: Callable[[], twiorm.Client] = twiorm.Client,
    page_size: int | None = None,
) -> Any:
    """A ``dask.dataframe.DataFrame`` of ``queryset``'s records, one partition a window
    (each read ``page_size`` records to a request; by default the largest the list allows)."""
    if by != "day":
        raise ValidationError(f"partitions are by 'day', not {by!r}")
    if queryset._client is not None:
        raise ConfigurationError(
            "pass a query set without using(client): a client holds credentials, which must "
            "not enter the task graph; give client_factory instead"
        )
    field = range_filter(queryset)
    names = [name for name, _ in columns(queryset.model, fields)]
    meta = arrow_schema(queryset.model, names).empty_table().to_pandas()
    _pyarrow()
    return dd.from_map(  # type: ignore[no-untyped-call]
        _partition,
        windows(start, end, accounts),
        queryset=queryset,
        field=field,
        names=names,
        client_factory=client_factory,
        page_size=page_size,
        meta=meta,
        enforce_metadata=False,
    )
