"""A BulkExports day, followed to its file and read into records, against the sandbox."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

import twiorm
from twiorm.resources import Call
from twiorm.sandbox import Sandbox

UTC = timezone.utc


def test_a_day_is_read_into_calls_without_twilio_credentials_on_the_file(
    twilio_sandbox: Sandbox,
) -> None:
    twilio_sandbox.seed(Call, 3, start_time=datetime(2026, 11, 1, 9, tzinfo=UTC), duration=7)
    twilio_sandbox.seed(Call, 2, start_time=datetime(2026, 11, 2, 9, tzinfo=UTC))
    client = twilio_sandbox.client
    day = client.bulkexports.v1.exports("Calls").days("2026-11-01").fetch()
    assert day.redirect_to is not None
    assert "/_files/" in day.redirect_to
    records = list(day.records())
    assert len(records) == 3
    assert all(isinstance(r, Call) for r in records)
    assert {r.duration for r in records} == {7}
    file_request = twilio_sandbox.requests[-1] if twilio_sandbox.requests else None
    # the file is served without credentials: the sandbox logs only Twilio's API requests
    assert file_request is not None
    assert "/_files/" not in file_request.target


def test_an_unknown_resource_type_is_refused() -> None:
    from twiorm.bulkexports import resource_for

    with pytest.raises(twiorm.ValidationError, match="Calls, Messages or Conferences"):
        resource_for("Faxes")


def test_a_custom_export_job_is_awaited(client: twiorm.Client, fake: Any) -> None:
    from twiorm.resources.bulkexports.v1 import Job

    sid = "JS" + "1" * 32
    path = f"/v1/Exports/Jobs/{sid}"
    running = {"job_sid": sid, "details": [{"status": "Running", "count": 2, "days": []}]}
    done = {"job_sid": sid, "details": [{"status": "Completed", "count": 2, "days": []}]}
    fake.reply("GET", path, running)
    fake.reply("GET", path, running)
    fake.reply("GET", path, done)
    waits: list[float] = []
    job = Job.objects.using(client).get(sid)
    assert not job.done
    assert job.wait(interval=5, sleep=waits.append) is job
    assert job.done
    assert waits == [5]
