"""The async path keeps every promise of the sync one: retries, no POST sent twice, typed
errors, a cap on requests in flight, cancellation, closing, and the loop never blocked."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from typing import Any

import pytest

import twiorm
from twiorm.async_transport import AsyncFunctionTransport
from twiorm.errors import ConnectError, OutcomeUnknownServerError
from twiorm.resources import Call
from twiorm.retry import RetryPolicy
from twiorm.transport import HTTPRequest, HTTPResponse

pytestmark = pytest.mark.anyio

ACCOUNT = "AC" + "a" * 32
TOKEN = "async-token-0123456789abcdef0123"
CALL = {"sid": "CA" + "1" * 32, "account_sid": ACCOUNT, "status": "queued"}
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls"


class Script:
    """An async fake Twilio answering from a queue, recording what it is sent."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.sent: list[HTTPRequest] = []
        self.in_flight = self.most_in_flight = 0
        self.pause = 0.0

    async def __call__(self, request: HTTPRequest) -> HTTPResponse:
        self.sent.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.pause:
                await asyncio.sleep(self.pause)
            answer = self.answers.pop(0) if self.answers else (200, CALL)
            if isinstance(answer, Exception):
                raise answer
            status, body = answer
            return HTTPResponse(status, {}, json.dumps(body).encode(), request.url)
        finally:
            self.in_flight -= 1


def client_on(script: Script, **options: Any) -> tuple[twiorm.Client, list[float]]:
    waits: list[float] = []
    options.setdefault("retries", RetryPolicy(retries=3, sleep=waits.append))
    client = twiorm.Client(
        ACCOUNT, TOKEN, async_transport=AsyncFunctionTransport(script), **options
    )
    return client, waits


async def test_a_read_is_retried_as_in_sync() -> None:
    script = Script((503, {"code": 20503}), (429, {"code": 20429}), (200, CALL))
    client, waits = client_on(script)
    call = await Call.objects.using(client).aget(CALL["sid"])
    assert call.status == "queued"
    assert len(script.sent) == 3
    assert len(waits) == 2


async def test_a_create_whose_outcome_is_unknown_is_sent_once() -> None:
    script = Script((500, {"code": 20500, "message": "oops"}))
    client, _ = client_on(script)
    with pytest.raises(OutcomeUnknownServerError):
        await Call.objects.using(client).acreate(
            to="+14155550100", from_="+15005550006", url="https://example.com/x"
        )
    assert len(script.sent) == 1


async def test_a_create_refused_with_429_or_never_connected_is_retried() -> None:
    never = ConnectError("refused", method="POST", url="https://api.twilio.com/")
    script = Script(never, (429, {"code": 20429}), (201, CALL))
    client, _ = client_on(script)
    made = await Call.objects.using(client).acreate(
        to="+14155550100", from_="+15005550006", url="https://example.com/x"
    )
    assert made.sid == CALL["sid"]
    assert [r.method for r in script.sent] == ["POST", "POST", "POST"]


async def test_requests_in_flight_are_capped() -> None:
    script = Script()
    script.pause = 0.02
    client, _ = client_on(script, max_concurrency=3)
    calls = Call.objects.using(client)
    await asyncio.gather(*(calls.aget(CALL["sid"]) for _ in range(20)))
    assert script.most_in_flight == 3
    assert len(script.sent) == 20


async def test_the_loop_keeps_running_while_requests_wait() -> None:
    script = Script()
    script.pause = 0.2
    client, _ = client_on(script)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        for _ in range(15):
            await asyncio.sleep(0.01)
            ticks += 1

    await asyncio.gather(Call.objects.using(client).aget(CALL["sid"]), tick())
    assert ticks == 15


async def test_a_cancelled_request_leaves_the_client_usable() -> None:
    script = Script()
    script.pause = 10
    client, _ = client_on(script, max_concurrency=1)
    task = asyncio.create_task(Call.objects.using(client).aget(CALL["sid"]))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    script.pause = 0
    # the one place in flight was given back: the next request goes out
    call = await asyncio.wait_for(Call.objects.using(client).aget(CALL["sid"]), 2)
    assert call.sid == CALL["sid"]


async def test_closing_closes_the_async_transport() -> None:
    script = Script()
    transport = AsyncFunctionTransport(script)
    async with twiorm.Client(ACCOUNT, TOKEN, async_transport=transport) as client:
        await Call.objects.using(client).aget(CALL["sid"])
    assert transport.closed


async def test_the_async_log_line_is_the_sync_one(caplog: pytest.LogCaptureFixture) -> None:
    client, _ = client_on(Script())
    with caplog.at_level(logging.DEBUG, logger="twiorm"):
        await Call.objects.using(client).aget(CALL["sid"])
    assert any(f"GET {CALLS}/{CALL['sid']}.json -> 200" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text


async def test_httpx_clients_closed_or_collected_leave_no_warning(
    recwarn: pytest.WarningsRecorder,
) -> None:
    from twiorm.sandbox import run

    with run() as sandbox:
        client = twiorm.Client(sandbox.account_sid, sandbox.auth_token, base_url=sandbox.url)
        sandbox.seed(Call, 1)
        assert await Call.objects.using(client).acount() == 1
        await client.aclose()
        other = twiorm.Client(sandbox.account_sid, sandbox.auth_token, base_url=sandbox.url)
        assert await Call.objects.using(other).acount() == 1
        del other
        gc.collect()
        for _ in range(5):  # the collected client's connections close on this loop
            await asyncio.sleep(0.01)
        gc.collect()
    assert [str(w.message) for w in recwarn] == []


def test_a_bad_max_concurrency_is_refused() -> None:
    with pytest.raises(twiorm.ConfigurationError, match="max_concurrency"):
        twiorm.Client(ACCOUNT, TOKEN, max_concurrency=0)


async def test_tasks_arriving_together_share_one_transport() -> None:
    script = Script()
    made: list[AsyncFunctionTransport] = []

    def factory() -> AsyncFunctionTransport:
        made.append(AsyncFunctionTransport(script))
        return made[-1]

    client = twiorm.Client(ACCOUNT, TOKEN, retries=0)
    client.requestor.async_transport_factory = factory
    calls = Call.objects.using(client)
    await asyncio.gather(*(calls.aget(CALL["sid"]) for _ in range(50)))
    assert len(made) == 1
    assert len(script.sent) == 50
