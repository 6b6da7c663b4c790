"""Fixtures for the reliability suite: the flaky server, clients on it, injected time.

Nothing here sleeps for real: retry policies get a ``Sleeper`` that records each wait
(and advances a fake clock), and the client timeouts are a fraction of a second. At the
end of the run the suite prints one line of figures: faults injected, how many were
absorbed by retries, inputs tried by hypothesis, duplicates and losses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import twiorm
from twiorm.retry import RetryPolicy

from .figures import FIGURES
from .flaky import ACCOUNT_SID, FlakyTwilio

AUTH_TOKEN = "reliability-token-0123456789abcdef"
#: (connect, read) seconds: long enough for a loopback answer, short enough for a test.
FAST_TIMEOUT = (2.0, 0.3)


class Sleeper:
    """Stands in for ``time.sleep`` and ``time.monotonic``: records waits, moves a clock."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 1000.0
        self.on_sleep: Callable[[], None] | None = None

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep()

    def clock(self) -> float:
        return self.now


@pytest.fixture
def sleeper() -> Sleeper:
    return Sleeper()


def policy(sleeper: Sleeper, **options: Any) -> RetryPolicy:
    """A retry policy that waits on ``sleeper`` and uses its clock."""
    return RetryPolicy(sleep=sleeper, clock=sleeper.clock, **options)


@pytest.fixture
def flaky() -> Iterator[FlakyTwilio]:
    server = FlakyTwilio(calls=0).start()
    yield server
    server.stop()
    FIGURES["faults injected"] += server.faults_injected
    FIGURES["faults absorbed by a retry"] += server.faults_absorbed
    FIGURES["duplicate creates"] += server.duplicate_creates()
    assert not server.unexpected, f"the test server itself failed: {server.unexpected!r}"


@pytest.fixture
def connect(sleeper: Sleeper) -> Iterator[Callable[..., twiorm.Client]]:
    """Build clients on a server, closing their connection pools afterwards."""
    made: list[twiorm.Client] = []

    def build(server: FlakyTwilio, **options: Any) -> twiorm.Client:
        options.setdefault("retries", policy(sleeper))
        options.setdefault("timeout", FAST_TIMEOUT)
        client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=server.base_url, **options)
        made.append(client)
        return client

    yield build
    for client in made:
        close = getattr(client.requestor.transport, "close", None)
        if close is not None:
            close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    injected = FIGURES["faults injected"]
    absorbed = FIGURES["faults absorbed by a retry"]
    terminalreporter.write_line(
        f"twiorm reliability: {injected} faults injected, {absorbed} absorbed by a retry, "
        f"{injected - absorbed} surfaced as the expected typed error; "
        f"{FIGURES['hypothesis inputs']} inputs tried by hypothesis "
        f"({FIGURES['hypothesis inputs refused']} refused before sending); "
        f"{FIGURES['duplicate creates']} duplicate creates; "
        f"{FIGURES['stream records expected']} streamed records checked, "
        f"{FIGURES['stream records lost']} lost, {FIGURES['stream records repeated']} repeated"
    )
