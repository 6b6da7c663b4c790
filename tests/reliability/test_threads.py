"""One client shared by several threads, against the local server, with faults on the way."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import twiorm
from twiorm.resources import Call, Message
from twiorm.sandbox import Sandbox, run
from twiorm.transport import (
    DEFAULT_MAX_CONNECTIONS,
    FunctionTransport,
    HTTPResponse,
    RequestsTransport,
)

from .conftest import Sleeper, policy
from .figures import check_stream
from .flaky import ACCOUNT_PATH, ACCOUNT_SID, Answer, FlakyTwilio, ResetAfterRead, Status, call_sid

THREADS = 8
CREATES_PER_THREAD = 5


def test_one_client_serves_many_threads(
    flaky: FlakyTwilio, connect: Callable[..., twiorm.Client], sleeper: Sleeper
) -> None:
    expected = [call_sid(n) for n in range(40)]
    flaky.calls.extend({"sid": sid, "status": "completed"} for sid in expected)
    flaky.inject("GET", f"{ACCOUNT_PATH}/Calls.json", *[Status(503), Answer(), Answer()] * 6)
    flaky.inject("GET", f"{ACCOUNT_PATH}/Calls/", *[ResetAfterRead(), Answer()] * 4)
    flaky.inject("POST", f"{ACCOUNT_PATH}/Messages.json", *[Status(429), Answer()] * 6)
    client = connect(flaky, retries=policy(sleeper, retries=6))
    start = threading.Barrier(THREADS)

    def work(worker: int) -> tuple[list[str], list[str]]:
        start.wait(timeout=10)
        streamed = [call.sid or "" for call in Call.objects.using(client).iterator(page_size=7)]
        created = []
        for n in range(CREATES_PER_THREAD):
            body = f"worker {worker} message {n}"
            message = Message.objects.using(client).create(
                to="+14155550100", from_="+14155550199", body=body
            )
            assert message.body == body
            created.append(message.sid or "")
            fetched = Call.objects.using(client).get(expected[(worker * 5 + n) % 40])
            assert fetched.sid == expected[(worker * 5 + n) % 40]
        return streamed, created

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS), timeout=60))

    for streamed, _ in results:
        assert check_stream(expected, streamed) == (0, 0)
        assert streamed == expected
    sids = [sid for _, created in results for sid in created]
    assert len(set(sids)) == THREADS * CREATES_PER_THREAD
    bodies = sorted(message["body"] for message in flaky.messages)
    assert bodies == sorted(
        f"worker {w} message {n}" for w in range(THREADS) for n in range(CREATES_PER_THREAD)
    ), "every create made exactly once"
    assert flaky.duplicate_creates() == 0
    assert flaky.faults_pending == 0
    assert flaky.faults_absorbed == flaky.faults_injected > 0


# -- the connection pool -------------------------------------------------------------------

#: More threads than urllib3's own default pool (10), fewer than twiorm's (32).
POOL_THREADS = 24
POOL_ROUNDS = 3


def pool_warnings(sandbox: Sandbox, caplog: pytest.LogCaptureFixture, **options: Any) -> list[str]:
    """Have POOL_THREADS threads share one client for a few rounds; return urllib3's
    "pool is full" warnings (logged, not warned: pytest would not turn them into errors)."""
    client = sandbox.new_client(**options)
    account = f"/2010-04-01/Accounts/{sandbox.account_sid}.json"
    together = threading.Barrier(POOL_THREADS)

    def work(_: int) -> None:
        for _ in range(POOL_ROUNDS):
            together.wait(timeout=10)  # every thread holds a connection at the same time
            assert client.request("GET", account)["sid"] == sandbox.account_sid

    caplog.clear()
    try:
        with (
            caplog.at_level(logging.WARNING, logger="urllib3"),
            ThreadPoolExecutor(POOL_THREADS) as pool,
        ):
            list(pool.map(work, range(POOL_THREADS), timeout=60))
    finally:
        client.close()
    return [r.getMessage() for r in caplog.records if "pool is full" in r.getMessage()]


def test_a_client_keeps_a_connection_for_each_of_many_threads(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with run() as sandbox:
        assert pool_warnings(sandbox, caplog) == []
        # The control: a pool smaller than the threads does warn, so the search can find.
        assert pool_warnings(sandbox, caplog, max_connections=4)


def test_the_pool_size_is_checked() -> None:
    for wrong in (0, -1, 2.5, True, "8"):
        with pytest.raises(twiorm.ConfigurationError, match="max_connections"):
            twiorm.Client(ACCOUNT_SID, "token", max_connections=wrong)  # type: ignore[arg-type]
    unused = FunctionTransport(lambda request: HTTPResponse(204, {}, b"", request.url))
    with pytest.raises(twiorm.ConfigurationError, match="own transport"):
        twiorm.Client(ACCOUNT_SID, "token", transport=unused, max_connections=8)
    transport = twiorm.Client(ACCOUNT_SID, "token", max_connections=48).requestor.transport
    assert isinstance(transport, RequestsTransport)
    adapter = transport.session.get_adapter("https://api.twilio.com")
    assert adapter._pool_maxsize == 48  # type: ignore[attr-defined]
    default = RequestsTransport().session.get_adapter("https://api.twilio.com")
    assert default._pool_maxsize == DEFAULT_MAX_CONNECTIONS == 32  # type: ignore[attr-defined]
