"""Async requests are recorded and replayed by cassettes, and nothing of twiorm's blocks the
event loop."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

import twiorm
from twiorm.async_transport import AsyncFunctionTransport
from twiorm.pytest_plugin import scrubbing_vcr
from twiorm.resources import Call
from twiorm.sandbox import run
from twiorm.transport import HTTPRequest, HTTPResponse

pytestmark = pytest.mark.anyio

ACCOUNT = "AC" + "a" * 32


async def test_async_requests_record_and_replay_scrubbed(tmp_path: Path) -> None:
    cassette = tmp_path / "async.yaml"
    with run() as sandbox:
        sandbox.seed(Call, 3)
        async with twiorm.Client(
            sandbox.account_sid, sandbox.auth_token, base_url=sandbox.url
        ) as client:
            with scrubbing_vcr().use_cassette(str(cassette)):
                recorded = [c.sid async for c in Call.objects.using(client).all()]
        token, account = sandbox.auth_token, sandbox.account_sid
    written = cassette.read_text()
    assert token not in written
    assert account not in written
    assert "authorization" not in written.lower()
    # replayed with no server at all: the same records, scrubbed as written
    async with twiorm.Client(account, token, base_url="http://127.0.0.1:9") as client:
        with scrubbing_vcr(record_mode="none").use_cassette(str(cassette)) as played:
            replayed = [c.sid async for c in Call.objects.using(client).all()]
    assert replayed == recorded
    assert played.play_count == 1


def _page(n: int, per_page: int) -> bytes:
    start = n * per_page
    records = [
        {"sid": f"CA{i:032x}", "status": "completed", "duration": "5", "start_time": None}
        for i in range(start, start + per_page)
    ]
    following = (
        f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json?PageSize={per_page}&Page={n + 1}"
        if n < 9
        else None
    )
    return json.dumps({"calls": records, "next_page_uri": following}).encode()


async def test_nothing_blocks_the_loop_for_more_than_a_few_milliseconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pages = [_page(n, 200) for n in range(10)]

    async def answer(request: HTTPRequest) -> HTTPResponse:
        await asyncio.sleep(0.001)  # the network
        if not request.url.endswith("/Calls.json"):
            one = {"sid": "CA" + "0" * 32, "status": "queued"}
            return HTTPResponse(200, {}, json.dumps(one).encode(), request.url)
        number = int(dict(request.params).get("Page", "0"))
        return HTTPResponse(200, {}, pages[number], request.url)

    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    loop.slow_callback_duration = 0.005  # asyncio logs every step of the loop that took longer
    try:
        client = twiorm.Client(ACCOUNT, "t" * 32, async_transport=AsyncFunctionTransport(answer))
        with caplog.at_level(logging.WARNING, logger="asyncio"):
            seen = 0
            async for call in Call.objects.using(client).all().aiterator(page_size=200):
                assert call.duration == 5
                seen += 1
                if seen % 50 == 0:
                    await asyncio.sleep(0)  # a consumer that yields now and then
            await Call.objects.using(client).aget("CA" + "0" * 32)
    finally:
        loop.set_debug(False)
    assert seen == 2000
    slow = [r.getMessage() for r in caplog.records if "took" in r.getMessage()]
    assert slow == []
