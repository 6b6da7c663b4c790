"""values(), values_list() and the Arrow, pandas, CSV and Parquet outputs, page by page."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

import twiorm
from twiorm.resources import Call
from twiorm.sandbox import Sandbox

pa = pytest.importorskip("pyarrow")
UTC = timezone.utc
MOMENT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def calls(twilio_sandbox: Sandbox) -> twiorm.QuerySet[Call]:
    twilio_sandbox.seed(
        Call, 25, status="completed", start_time=MOMENT, duration=lambda i: i, price="-0.0125"
    )
    return Call.objects.using(twilio_sandbox.client).all()


def test_values_are_dicts_converted_by_the_fields(calls: twiorm.QuerySet[Call]) -> None:
    rows = list(calls.values("sid", "duration", "price", "start_time"))
    assert len(rows) == 25
    assert set(rows[0]) == {"sid", "duration", "price", "start_time"}
    assert all(isinstance(r["duration"], int) for r in rows)
    assert rows[0]["price"] == Decimal("-0.0125")
    assert rows[0]["start_time"] == MOMENT
    assert not any(isinstance(r, Call) for r in rows)


def test_values_list_tuples_and_flat(calls: twiorm.QuerySet[Call]) -> None:
    pairs = list(calls.values_list("sid", "status")[:3])
    assert len(pairs) == 3
    assert all(isinstance(p, tuple) and p[1] == "completed" for p in pairs)
    durations = sorted(calls.values_list("duration", flat=True))
    assert durations == list(range(25))
    with pytest.raises(twiorm.ValidationError, match="exactly one"):
        calls.values_list("sid", "status", flat=True)
    with pytest.raises(twiorm.ValidationError, match="did you mean 'duration'"):
        calls.values("duraton")


def test_arrow_columns_are_typed_by_the_fields(calls: twiorm.QuerySet[Call]) -> None:
    table = calls.to_arrow(["sid", "duration", "price", "start_time", "status", "end_time"])
    assert table.num_rows == 25
    types = {field.name: field.type for field in table.schema}
    assert types["duration"] == pa.int64()
    assert types["price"] == pa.decimal128(38, 10)
    assert types["start_time"] == pa.timestamp("us", tz="UTC")
    assert pa.types.is_dictionary(types["status"])
    assert table.column("price")[0].as_py() == Decimal("-0.0125")
    assert table.column("start_time")[0].as_py() == MOMENT


def test_one_batch_per_page(calls: twiorm.QuerySet[Call]) -> None:
    batches = list(calls.iter_batches(["sid"], page_size=10))
    assert [b.num_rows for b in batches] == [10, 10, 5]


def test_csv_and_parquet_are_written_a_page_at_a_time(
    calls: twiorm.QuerySet[Call], tmp_path: Path
) -> None:
    out = io.BytesIO()
    calls.to_csv(out, ["sid", "status", "duration"])
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode())))
    assert len(rows) == 25
    assert rows[0]["status"] == "completed"
    parquet = tmp_path / "calls.parquet"
    calls.to_parquet(parquet, ["sid", "price"])
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).num_rows == 25


def test_pandas_frame(calls: twiorm.QuerySet[Call]) -> None:
    pytest.importorskip("pandas")
    frame = calls.to_pandas(["sid", "duration"])
    assert len(frame) == 25
    assert str(frame["duration"].dtype) == "int64"
