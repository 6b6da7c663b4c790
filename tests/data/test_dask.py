"""Partitioned reads on Dask against the sandbox: local scheduler and dask.distributed."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta, timezone

import pytest

from twiorm.resources import Call, Number
from twiorm.sandbox import Sandbox

dd = pytest.importorskip("dask.dataframe")
dask_read = pytest.importorskip("twiorm.contrib.dask").read
UTC = timezone.utc
FIRST = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def env(twilio_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio_sandbox.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_sandbox.auth_token)
    monkeypatch.setenv("TWIORM_BASE_URL", twilio_sandbox.url)
    # a call a day for ten days, one at the very start of a day and one at its very end
    twilio_sandbox.seed(Call, 10, start_time=lambda i: FIRST + timedelta(days=i, hours=i))
    twilio_sandbox.seed(Call, 1, start_time=FIRST + timedelta(days=2))
    twilio_sandbox.seed(Call, 1, start_time=FIRST + timedelta(days=3) - timedelta(seconds=1))
    return twilio_sandbox


def test_one_partition_a_day_each_record_once(env: Sandbox) -> None:
    frame = dask_read(
        Call.objects.all(),
        start=date(2026, 11, 1),
        end=date(2026, 11, 8),
        fields=["sid", "start_time", "duration"],
    )
    assert frame.npartitions == 7
    result = frame.compute(scheduler="threads")
    assert len(result) == 9  # 7 days of one a day, and the two on day three's edges
    assert result["sid"].is_unique
    assert str(result["start_time"].dtype).startswith("datetime64")
    assert result["start_time"].min() >= FIRST


def test_no_credentials_in_the_task_graph(env: Sandbox) -> None:
    frame = dask_read(Call.objects.all(), start=date(2026, 11, 1), end=date(2026, 11, 3))
    graph = pickle.dumps(dict(frame.__dask_graph__()))
    assert env.auth_token.encode() not in graph
    assert env.auth_token not in repr(dict(frame.__dask_graph__()))


def test_it_runs_on_a_local_cluster(env: Sandbox) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        frame = dask_read(Call.objects.all(), start=date(2026, 11, 1), end=date(2026, 11, 11))
        result = client.compute(frame).result()
    assert len(result) == 12


def test_a_resource_without_a_date_range_is_refused() -> None:
    from twiorm.errors import ValidationError

    with pytest.raises(ValidationError, match="no date-time range filter"):
        dask_read(Number.objects.all(), start=date(2026, 1, 1), end=date(2026, 1, 2))
