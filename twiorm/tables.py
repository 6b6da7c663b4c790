"""Query sets as Arrow tables, pandas frames, CSV and Parquet files, a page at a time.

Column types come from the fields: aware datetimes as ``timestamp[us, tz=UTC]``, money
as ``decimal128(38, 10)``, integers as ``int64``, booleans, enums as dictionary-encoded
strings, lists as list columns, dates as ``date32``; objects and anything else as strings
(objects as JSON). Each page of the list becomes one ``RecordBatch``, so writing a CSV or
Parquet file holds one page in memory however long the list is.

Needs the ``arrow`` extra (``pip install 'twiorm[arrow]'``; ``twiorm[pandas]`` for
``to_pandas``).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, BinaryIO

from twiorm import fields
from twiorm.errors import ConfigurationError, ValidationError
from twiorm.suggest import did_you_mean

if TYPE_CHECKING:
    import pyarrow as pa

    from twiorm.fields import Field
    from twiorm.query import QuerySet

__all__ = ["arrow_schema", "columns", "conform", "iter_batches", "progress_bar"]

log = logging.getLogger(__name__)

#: Records to a Parquet row group: enough pages that a large file has few groups.
ROW_GROUP = 65_536

#: Twilio's prices carry at most five decimals; ten leave room for any amount it sends.
MONEY = (38, 10)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:  # an optional extra: say which one
        raise ConfigurationError("tables need pyarrow: pip install 'twiorm[arrow]'") from exc
    return pyarrow


def columns(model: type, names: Sequence[str] | None) -> list[tuple[str, Field[Any]]]:
    """The (name, field) of each column: ``names``, or every property of a record."""
    properties = model._meta.properties  # type: ignore[attr-defined]
    if not names:
        return list(properties.items())
    unknown = [name for name in names if name not in properties]
    if unknown:
        raise ValidationError(
            f"{model.__name__} has no property {unknown[0]!r}"
            f"{did_you_mean(unknown[0], properties)}; it has {', '.join(properties)}",
            resource=model.__name__,
            field=unknown[0],
            expected=", ".join(properties),
        )
    return [(name, properties[name]) for name in names]


def arrow_type(field: Field[Any]) -> pa.DataType:
    """The Arrow type of a field's values."""
    pa = _pyarrow()
    if isinstance(field, fields.List):
        return pa.list_(arrow_type(field.item))
    if isinstance(field, fields.Enum):
        return pa.dictionary(pa.int32(), pa.string())
    if isinstance(field, (fields.RFC2822DateTime, fields.ISODateTime)):
        return pa.timestamp("us", tz="UTC")
    if isinstance(field, fields.Date):
        return pa.date32()
    if isinstance(field, fields.Decimal):
        return pa.decimal128(*MONEY)
    if isinstance(field, fields.Int):  # IntString too
        return pa.int64()
    if isinstance(field, fields.Float):
        return pa.float64()
    if isinstance(field, fields.Bool):
        return pa.bool_()
    return pa.string()


def arrow_schema(model: type, names: Sequence[str] | None = None) -> pa.Schema:
    """The Arrow schema of a resource's records (or of the ``names`` asked for)."""
    pa = _pyarrow()
    return pa.schema([(name, arrow_type(field)) for name, field in columns(model, names)])


def _reader(field: Field[Any]) -> Callable[[Any], Any]:
    """How a column reads a record's raw value: the field's own read, then, for objects,
    JSON text (decided once per column, not per cell)."""
    read = field.read
    if isinstance(field, (fields.Object, fields.Json)):
        return lambda raw: _text(read(raw))
    return read


def iter_batches(
    queryset: QuerySet[Any],
    names: Sequence[str] | None = None,
    *,
    page_size: int | None = None,
    progress: bool = False,
    unknown: bool | None = None,
) -> Iterator[pa.RecordBatch]:
    """One ``RecordBatch`` per page of the list, converted by the fields.

    ``unknown`` (by default: when no ``names`` are asked for) adds a string column for
    each key of a page's records that no field declares, since Twilio adds properties
    before the documents list them; such a column appears from the page that first has it.
    """
    pa = _pyarrow()
    chosen = columns(queryset.model, names)
    declared = arrow_schema(queryset.model, [name for name, _ in chosen])
    readers = [(field.key, _reader(field)) for _, field in chosen]
    if unknown is None:
        unknown = not names
    known = {field.key for field in queryset.model._meta.properties.values()}
    with progress_bar(progress, queryset.model.__name__, queryset._expected()) as bar:
        for _, page in queryset._pages(page_size):
            cells: list[list[Any]] = [[] for _ in readers]
            # (row, record) of the rare records with keys no field reads, kept to the end
            # of the page: the usual record is read once and let go
            odd: list[tuple[int, Mapping[str, Any]]] = []
            count = 0
            for record in page:
                for column, (key, read) in zip(cells, readers, strict=True):
                    raw = record.get(key)
                    column.append(None if raw is None else read(raw))
                if unknown and not known.issuperset(record):
                    odd.append((count, record))
                count += 1
            arrays = []
            for column, target in zip(cells, declared, strict=True):
                if pa.types.is_dictionary(target.type):
                    arrays.append(pa.array(column, pa.string()).dictionary_encode())
                else:
                    arrays.append(pa.array(column, target.type))
            schema = declared
            for key, values in _unknown_columns(odd, known, count).items():
                arrays.append(pa.array(values, pa.string()))
                schema = schema.append(pa.field(key, pa.string()))
            if bar is not None:
                bar.update(count)
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _unknown_columns(
    odd: list[tuple[int, Mapping[str, Any]]], known: set[str], rows: int
) -> dict[str, list[str | None]]:
    """A text column for each key no field reads, in the order the keys first appear."""
    columns: dict[str, list[str | None]] = {}
    for row, record in odd:
        for key, value in record.items():
            if key not in known:
                column = columns.setdefault(key, [None] * rows)
                column[row] = _text(value)
    return columns


def _text(value: Any) -> str | None:
    """A value as a string column holds it: JSON text unless it is a string already."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def conform(
    batches: Iterator[pa.RecordBatch], empty: pa.Schema
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """The schema of the first batch (``empty`` when there is none), and every batch in it:
    a file has one set of columns, so a column missing from a later page is empty there and
    a key first seen after the first page is left out (logged once)."""
    pa = _pyarrow()
    first = next(batches, None)
    if first is None:
        return empty, iter(())
    schema = first.schema

    def each() -> Iterator[Any]:
        yield first
        dropped: set[str] = set()
        for batch in batches:
            if batch.schema.equals(schema):
                yield batch
                continue
            new = set(batch.schema.names) - set(schema.names) - dropped
            if new:
                dropped |= new
                log.warning("columns first seen after the first page left out: %s", sorted(new))
            yield pa.RecordBatch.from_arrays(
                [
                    batch.column(f.name)
                    if f.name in batch.schema.names
                    else pa.nulls(batch.num_rows, f.type)
                    for f in schema
                ],
                schema=schema,
            )

    return schema, each()


def write_csv(batches: Iterator[pa.RecordBatch], schema: pa.Schema, target: str | BinaryIO) -> None:
    """Write batches to a CSV file (a path or a binary file), one page at a time.

    CSV has no dictionary or list columns: enums go as their text, lists as JSON.
    """
    pa = _pyarrow()
    import pyarrow.csv

    def plain(kind: Any) -> Any:
        if pa.types.is_dictionary(kind):
            return kind.value_type
        return pa.string() if pa.types.is_list(kind) else kind

    flat = pa.schema([(f.name, plain(f.type)) for f in schema])
    order = [f.name for f in schema]
    with pyarrow.csv.CSVWriter(target, flat) as out:
        for batch in batches:
            out.write_batch(_flatten(batch, order))


def _flatten(batch: pa.RecordBatch, order: list[str]) -> pa.RecordBatch:
    pa = _pyarrow()
    arrays = []
    for name in order:
        column = batch.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        elif pa.types.is_list(column.type):
            column = pa.array(
                [None if v is None else json.dumps(v) for v in column.to_pylist()], pa.string()
            )
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, names=order)


def write_parquet(
    batches: Iterator[pa.RecordBatch], schema: pa.Schema, path: str, *, rows: int | None = None
) -> None:
    """Write batches to a Parquet file, ``rows`` records (``ROW_GROUP`` unless given; pages
    gathered) to a row group.

    A row group per page would make a file of a million records carry a thousand groups'
    statistics, in memory until the file is closed, and read slowly; a few pages to a
    group keep both memory and the file small.
    """
    pa = _pyarrow()
    import pyarrow.parquet

    rows = rows or ROW_GROUP
    with pyarrow.parquet.ParquetWriter(path, schema) as out:
        held: list[Any] = []
        count = 0
        for batch in batches:
            held.append(batch)
            count += batch.num_rows
            if count >= rows:
                out.write_table(pa.Table.from_batches(held, schema), row_group_size=count)
                held, count = [], 0
        if held:
            out.write_table(pa.Table.from_batches(held, schema), row_group_size=count)


def progress_bar(enabled: bool, what: str, total: int | None = None) -> Any:
    """A tqdm bar counting records, when asked for and writing to a terminal."""
    if not enabled or not sys.stderr.isatty():
        return nullcontext(None)
    try:
        from tqdm import tqdm
    except ImportError as exc:
        raise ConfigurationError("progress bars need tqdm: pip install tqdm") from exc
    return tqdm(unit=" records", desc=what, total=total)
