"""One client shared by several threads, against the local server, with faults on the way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import twiorm
from twiorm.resources import Call, Message

from .conftest import Sleeper, policy
from .figures import check_stream
from .flaky import ACCOUNT_PATH, Answer, FlakyTwilio, ResetAfterRead, Status, call_sid

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
