"""values(), values_list() and the Arrow, pandas, CSV and Parquet outputs, page by page."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

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


def _two_pages_with_new_keys() -> twiorm.Client:
    """A Calls list of two pages whose records carry keys no field declares: one on both
    pages, one only on the second (Twilio adds properties before documenting them)."""
    from twiorm.transport import FunctionTransport, HTTPRequest, HTTPResponse

    account = "AC" + "0" * 32
    base = f"/2010-04-01/Accounts/{account}/Calls.json"

    def record(n: int, **extra: object) -> dict[str, object]:
        return {"sid": f"CA{n:032x}", "duration": str(n), "brand_new": {"n": n}, **extra}

    def answer(request: HTTPRequest) -> HTTPResponse:
        second = ("PageToken", "PA1") in request.params
        page = {
            "calls": [record(3, later="yes")] if second else [record(1), record(2)],
            "next_page_uri": None if second else f"{base}?PageSize=2&Page=1&PageToken=PA1",
        }
        return HTTPResponse(200, {}, json.dumps(page).encode(), request.url)

    return twiorm.Client(account, "t" * 32, transport=FunctionTransport(answer), retries=0)


def test_keys_no_field_declares_become_string_columns(tmp_path: Path) -> None:
    calls = Call.objects.using(_two_pages_with_new_keys()).all()
    table = calls.to_arrow()
    assert table.num_rows == 3
    assert table.schema.field("brand_new").type == pa.string()
    assert table.column("brand_new").to_pylist() == ['{"n":1}', '{"n":2}', '{"n":3}']
    assert table.column("later").to_pylist() == [None, None, "yes"]
    assert table.schema.field("duration").type == pa.int64()
    # named fields: exactly those, nothing undeclared
    assert calls.to_arrow(["sid"]).column_names == ["sid"]
    # a file keeps the first page's columns: a key first seen later is left out
    parquet = tmp_path / "calls.parquet"
    calls.to_parquet(parquet)
    import pyarrow.parquet as pq

    written = pq.read_table(parquet)
    assert "brand_new" in written.column_names
    assert "later" not in written.column_names
    assert written.num_rows == 3


def test_an_empty_list_still_has_its_columns(twilio_sandbox: Sandbox, tmp_path: Path) -> None:
    calls = Call.objects.using(twilio_sandbox.client).all()
    assert calls.to_arrow(["sid", "duration"]).schema.names == ["sid", "duration"]
    out = io.BytesIO()
    calls.to_csv(out, ["sid", "duration"])
    assert out.getvalue().decode().splitlines() == ['"sid","duration"']


def test_parquet_gathers_pages_into_row_groups(
    calls: twiorm.QuerySet[Call], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twiorm import tables

    monkeypatch.setattr(tables, "ROW_GROUP", 20)
    parquet = tmp_path / "calls.parquet"
    tables.write_parquet(
        calls.iter_batches(["sid"], page_size=10), tables.arrow_schema(Call, ["sid"]), str(parquet)
    )
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(parquet).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [20, 5]


def test_a_progress_bar_knows_the_total_of_a_slice(
    calls: twiorm.QuerySet[Call], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tqdm")
    import tqdm

    totals: list[object] = []
    counted: list[int] = []

    class Bar(tqdm.tqdm):  # type: ignore[misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            totals.append(kwargs.get("total"))
            super().__init__(*args, **{**kwargs, "file": io.StringIO()})  # type: ignore[arg-type]

        def update(self, n: float | None = 1) -> bool | None:
            counted.append(int(n or 0))
            return super().update(n)

    monkeypatch.setattr(tqdm, "tqdm", Bar)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert len(list(calls[:12].iterator(progress=True))) == 12
    assert calls[:7].to_arrow(["sid"], progress=True).num_rows == 7
    list(calls.iterator(progress=True))
    assert totals == [12, 7, None]
    assert sum(counted) == 12 + 7 + 25


def test_no_bar_when_stderr_is_not_a_terminal(
    calls: twiorm.QuerySet[Call], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tqdm")
    import tqdm

    def no_bar(*args: object, **kwargs: object) -> None:
        raise AssertionError("a bar was drawn for a stderr that is not a terminal")

    monkeypatch.setattr(tqdm, "tqdm", no_bar)
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert len(list(calls.iterator(progress=True))) == 25
    assert calls.to_arrow(["sid"], progress=True).num_rows == 25


@pytest.mark.parametrize(
    ("module", "extra", "use"),
    [
        ("pyarrow", "twiorm[arrow]", lambda calls: calls.to_arrow(["sid"])),
        ("pandas", "twiorm[pandas]", lambda calls: calls.to_pandas(["sid"])),
        ("tqdm", "tqdm", lambda calls: list(calls.iterator(progress=True))),
    ],
)
def test_a_missing_extra_is_named(
    calls: twiorm.QuerySet[Call],
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    extra: str,
    use: Any,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    with pytest.raises(twiorm.ConfigurationError, match=re.escape(extra)):
        use(calls)
