"""Which failures are retried, which are not, and how long twiorm waits in between.

These run against a scripted transport (answers and failures in order), so each test
states exactly what Twilio did and checks exactly what twiorm sent.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import deque
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import twiorm
from twiorm.errors import (
    ConnectError,
    ConnectionDroppedError,
    ConnectTimeout,
    OutcomeUnknownDisconnect,
    OutcomeUnknownError,
    OutcomeUnknownServerError,
    OutcomeUnknownTimeout,
    RequestTimeout,
    TLSError,
)
from twiorm.request import RequestSpec
from twiorm.requestor import DEFAULT_TIMEOUT
from twiorm.retry import DEFAULT_RETRIES, RetryPolicy, as_policy, parse_retry_after
from twiorm.transport import HTTPRequest, HTTPResponse

from .conftest import AUTH_TOKEN, Sleeper, policy
from .figures import FIGURES
from .flaky import ACCOUNT_PATH, ACCOUNT_SID

Step = HTTPResponse | BaseException
BASE = "https://api.twilio.com"
GET = RequestSpec("GET", "api", f"{ACCOUNT_PATH}/Calls/CA{'0' * 32}.json")
DELETE = RequestSpec("DELETE", "api", GET.path)
CREATE = RequestSpec(
    "POST",
    "api",
    f"{ACCOUNT_PATH}/Calls.json",
    data={
        "To": "+14155550100",
        "From": "+14155550199",
        "Url": "https://example.com/twiml",
        "SipAuthPassword": "sip-pass-word",
    },
)


class Script:
    """A transport answering from a script: each step is a response or an error to raise."""

    def __init__(self, *steps: Step) -> None:
        self.steps: deque[Step] = deque(steps)
        self.sent: list[HTTPRequest] = []

    def send(self, request: HTTPRequest) -> HTTPResponse:
        self.sent.append(request)
        step = self.steps.popleft()
        if isinstance(step, BaseException):
            raise step
        return step


def ok(body: Any = None, status: int = 200) -> HTTPResponse:
    raw = b"" if body is None else json.dumps(body).encode()
    return HTTPResponse(status, {"content-type": "application/json"}, raw, "")


def error(status: int, **headers: str) -> HTTPResponse:
    body = json.dumps({"code": 20000 + status, "message": f"status {status}", "status": status})
    lowered = {name.lower().replace("_", "-"): value for name, value in headers.items()}
    return HTTPResponse(status, lowered, body.encode(), "")


def client_on(script: Script, retries: RetryPolicy | int | None = None) -> twiorm.Client:
    return twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, transport=script, retries=retries)


def send(client: twiorm.Client, spec: RequestSpec, **options: Any) -> Any:
    return client.requestor.send(spec, BASE, **options)


def dropped() -> ConnectionDroppedError:
    return ConnectionDroppedError("the connection broke: ConnectionResetError")


# -- what is retried -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("spec", [GET, DELETE], ids=["GET", "DELETE"])
def test_reads_and_deletes_are_retried_on_transient_statuses(
    sleeper: Sleeper, spec: RequestSpec, status: int
) -> None:
    script = Script(
        error(status), error(status), ok({"sid": "x"}) if spec is GET else ok(None, 204)
    )
    send(client_on(script, policy(sleeper)), spec)
    assert len(script.sent) == 3
    assert len(sleeper.waits) == 2


@pytest.mark.parametrize(
    "failure",
    [dropped, lambda: RequestTimeout("no answer"), lambda: ConnectError("refused")],
    ids=["dropped", "read-timeout", "refused"],
)
@pytest.mark.parametrize("spec", [GET, DELETE], ids=["GET", "DELETE"])
def test_reads_and_deletes_are_retried_after_network_failures(
    sleeper: Sleeper, spec: RequestSpec, failure: Any
) -> None:
    script = Script(failure(), ok({"sid": "x"}) if spec is GET else ok(None, 204))
    send(client_on(script, policy(sleeper)), spec)
    assert len(script.sent) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 501, 505])
def test_other_statuses_are_not_retried(sleeper: Sleeper, status: int) -> None:
    script = Script(error(status))
    with pytest.raises(twiorm.TwilioAPIError) as caught:
        send(client_on(script, policy(sleeper)), GET)
    assert caught.value.status == status
    assert len(script.sent) == 1
    assert sleeper.waits == []


def test_a_refused_certificate_is_not_retried(sleeper: Sleeper) -> None:
    script = Script(TLSError("certificate verify failed"))
    with pytest.raises(TLSError):
        send(client_on(script, policy(sleeper)), GET)
    assert len(script.sent) == 1


@pytest.mark.parametrize(
    "first",
    [
        lambda: ConnectError("could not connect: ConnectionRefusedError"),
        lambda: ConnectTimeout("connecting timed out"),
        lambda: error(429),
    ],
    ids=["refused", "connect-timeout", "429"],
)
def test_a_create_is_retried_only_when_it_cannot_have_been_applied(
    sleeper: Sleeper, first: Any
) -> None:
    script = Script(first(), ok({"sid": "CA" + "1" * 32}, 201))
    assert send(client_on(script, policy(sleeper)), CREATE) == {"sid": "CA" + "1" * 32}
    assert len(script.sent) == 2
    assert script.sent[0].data == script.sent[1].data


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (lambda: RequestTimeout("no answer in time"), OutcomeUnknownTimeout),
        (dropped, OutcomeUnknownDisconnect),
        (lambda: error(500), OutcomeUnknownServerError),
        (lambda: error(502), OutcomeUnknownServerError),
        (lambda: error(503), OutcomeUnknownServerError),
        (lambda: error(504), OutcomeUnknownServerError),
        (lambda: error(501), OutcomeUnknownServerError),
    ],
    ids=["read-timeout", "dropped", "500", "502", "503", "504", "501"],
)
def test_a_create_whose_outcome_is_unknown_is_never_resent(
    sleeper: Sleeper, failure: Any, raised: type[OutcomeUnknownError]
) -> None:
    script = Script(failure(), ok({"sid": "CA" + "1" * 32}, 201))
    with pytest.raises(OutcomeUnknownError) as caught:
        send(client_on(script, policy(sleeper)), CREATE)
    error = caught.value
    assert type(error) is raised
    assert len(script.sent) == 1, "a POST that may have been applied was sent again"
    assert sleeper.waits == []
    # It says what to check, and carries what was sent (secrets masked).
    assert (error.method, error.url) == ("POST", BASE + CREATE.path)
    assert dict(error.params) == {
        "To": "+14155550100",
        "From": "+14155550199",
        "Url": "https://example.com/twiml",
        "SipAuthPassword": "<hidden>",
    }
    assert "may have been applied" in str(error)
    assert BASE + CREATE.path in str(error)
    assert "+14155550100" not in str(error), "parameter values belong on .params, not the text"
    assert "sip-pass-word" not in repr(error.__dict__)


def test_outcome_unknown_errors_are_also_the_honest_base_classes() -> None:
    assert issubclass(OutcomeUnknownTimeout, RequestTimeout)
    assert issubclass(OutcomeUnknownTimeout, TimeoutError)
    assert issubclass(OutcomeUnknownDisconnect, ConnectionDroppedError)
    assert issubclass(OutcomeUnknownServerError, twiorm.ServerError)
    assert not issubclass(OutcomeUnknownError, twiorm.TransportError)
    assert issubclass(ConnectTimeout, ConnectError)
    assert issubclass(ConnectTimeout, RequestTimeout)


def test_a_delete_whose_first_answer_was_lost_counts_a_404_as_done(sleeper: Sleeper) -> None:
    script = Script(dropped(), error(404))
    assert send(client_on(script, policy(sleeper)), DELETE) is None
    assert len(script.sent) == 2


def test_a_delete_of_something_that_never_existed_is_still_not_found(sleeper: Sleeper) -> None:
    for first in (ConnectError("refused"), error(429)):  # neither can have deleted anything
        script = Script(first, error(404))
        with pytest.raises(twiorm.NotFoundError):
            send(client_on(script, policy(sleeper)), DELETE)
    with pytest.raises(twiorm.NotFoundError):
        send(client_on(Script(error(404)), policy(sleeper)), DELETE)


# -- how often and how long --------------------------------------------------------------


def test_attempts_are_capped(sleeper: Sleeper) -> None:
    script = Script(*[error(503) for _ in range(10)])
    with pytest.raises(twiorm.ServerError) as caught:
        send(client_on(script, policy(sleeper, retries=4)), GET)
    assert caught.value.status == 503
    assert len(script.sent) == 5
    assert len(sleeper.waits) == 4


def test_backoff_doubles_up_to_its_cap(sleeper: Sleeper) -> None:
    script = Script(*[error(503) for _ in range(7)], ok({}))
    retries = policy(sleeper, retries=7, backoff=0.5, max_backoff=4.0, jitter=lambda top: top)
    send(client_on(script, retries), GET)
    assert sleeper.waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


@given(retry=st.integers(1, 40), draw=st.floats(0, 1))
def test_full_jitter_stays_between_zero_and_the_ceiling(retry: int, draw: float) -> None:
    FIGURES["hypothesis inputs"] += 1
    rule = RetryPolicy(backoff=0.25, max_backoff=5.0, jitter=lambda top: top * draw)
    wait = rule.delay(retry)
    assert 0 <= wait <= min(5.0, 0.25 * 2 ** (retry - 1))


def test_the_default_jitter_spreads_waits() -> None:
    waits = {RetryPolicy().delay(3) for _ in range(50)}
    assert len(waits) > 40
    assert all(0 <= wait <= 2.0 for wait in waits)


def test_retry_after_seconds_are_honoured_exactly(sleeper: Sleeper) -> None:
    script = Script(error(429, retry_after="7"), error(503, retry_after="2.5"), ok({}))
    send(client_on(script, policy(sleeper)), GET)
    assert sleeper.waits == [7.0, 2.5]


def test_retry_after_as_an_http_date_is_read_against_the_response_date(sleeper: Sleeper) -> None:
    limited = error(
        429, retry_after="Wed, 21 Oct 2026 07:28:30 GMT", date="Wed, 21 Oct 2026 07:28:00 GMT"
    )
    script = Script(limited, ok({}))
    send(client_on(script, policy(sleeper)), CREATE)
    assert sleeper.waits == [30.0]


def test_an_unreadable_retry_after_falls_back_to_backoff(sleeper: Sleeper) -> None:
    script = Script(error(429, retry_after="soon"), ok({}))
    send(client_on(script, policy(sleeper, backoff=1.0, jitter=lambda top: top)), GET)
    assert sleeper.waits == [1.0]


def test_a_retry_after_past_the_deadline_is_not_waited_for(sleeper: Sleeper) -> None:
    script = Script(error(429, retry_after="3600"), ok({}))
    with pytest.raises(twiorm.RateLimitError) as caught:
        send(client_on(script, policy(sleeper, deadline=60)), GET)
    assert caught.value.headers["retry-after"] == "3600"
    assert len(script.sent) == 1
    assert sleeper.waits == []


def test_no_retry_starts_past_the_deadline(sleeper: Sleeper) -> None:
    script = Script(*[error(503) for _ in range(10)])
    rule = policy(sleeper, retries=9, backoff=0.5, deadline=3.0, jitter=lambda top: top)
    with pytest.raises(twiorm.ServerError):
        send(client_on(script, rule), GET)
    assert sleeper.waits == [0.5, 1.0]  # the next wait (2 s) would end at 3.5 s
    assert len(script.sent) == 3


@pytest.mark.parametrize(
    ("header", "date", "expected"),
    [
        ("0", None, 0.0),
        ("120", None, 120.0),
        (" 1.5 ", None, 1.5),
        ("-3", None, None),
        ("nan", None, None),
        ("inf", None, None),
        ("", None, None),
        (None, None, None),
        ("Tue, 15 Nov 1994 08:12:31 GMT", "Tue, 15 Nov 1994 08:12:01 GMT", 30.0),
        ("Tue, 15 Nov 1994 08:12:31 GMT", "Tue, 15 Nov 1994 08:13:31 GMT", 0.0),
        ("Tue, 15 Nov 1994 08:12:31 -0000", "Tue, 15 Nov 1994 08:12:30 GMT", 1.0),
        ("Tue, 15 Nov 1994 08:12:31 GMT", "garbage", 0.0),  # falls back to the local clock
        ("not a date", None, None),
    ],
)
def test_retry_after_parsing(header: str | None, date: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, date) == expected


def test_retry_after_as_a_date_without_a_date_header_uses_the_local_clock() -> None:
    from email.utils import formatdate

    wait = parse_retry_after(formatdate(time.time() + 100, usegmt=True))
    assert wait is not None
    assert 98 <= wait <= 100


# -- configuration -------------------------------------------------------------------------


def test_retries_are_on_by_default() -> None:
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN)
    assert client.requestor.retries == DEFAULT_RETRIES
    assert DEFAULT_RETRIES.retries >= 1
    assert DEFAULT_RETRIES.sleep is time.sleep


def test_a_client_takes_a_retry_count_or_a_policy(sleeper: Sleeper) -> None:
    assert twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, retries=5).requestor.retries.retries == 5
    custom = policy(sleeper, retries=1)
    assert twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, retries=custom).requestor.retries is custom


def test_zero_turns_retrying_off_per_client_and_per_call(sleeper: Sleeper) -> None:
    script = Script(error(503))
    with pytest.raises(twiorm.ServerError):
        send(client_on(script, 0), GET)
    assert len(script.sent) == 1

    script = Script(error(503), ok({}))
    with pytest.raises(twiorm.ServerError):
        send(client_on(script, policy(sleeper)), GET, retries=0)
    assert len(script.sent) == 1


def test_a_per_call_count_keeps_the_client_policy_settings(sleeper: Sleeper) -> None:
    script = Script(error(503), error(503), ok({}))
    client = client_on(script, policy(sleeper, retries=0))
    send(client, GET, retries=2)
    assert len(sleeper.waits) == 2, "the per-call count must still sleep on the injected sleeper"
    assert as_policy(2, client.requestor.retries).sleep is sleeper


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", [3]])
def test_bad_retry_settings_are_refused(bad: Any) -> None:
    with pytest.raises(twiorm.ConfigurationError):
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, retries=bad)


@pytest.mark.parametrize(
    "options",
    [{"backoff": -1}, {"deadline": math.nan}, {"max_backoff": "1"}, {"retries": None}],
)
def test_bad_policies_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(twiorm.ConfigurationError):
        RetryPolicy(**options)


def test_timeouts_default_and_can_be_set_per_call() -> None:
    script = Script(ok({}), ok({}))
    client = client_on(script)
    send(client, GET)
    send(client, GET, timeout=(0.5, 2.0))
    assert script.sent[0].timeout == DEFAULT_TIMEOUT
    assert script.sent[1].timeout == (0.5, 2.0)
    assert DEFAULT_TIMEOUT == (10.0, 60.0)


@pytest.mark.parametrize(
    "bad", [0, -1, math.inf, math.nan, (1.0,) * 3, (1.0, 0), "5", True, None, (1.0, "2")]
)
def test_bad_timeouts_are_refused(bad: Any) -> None:
    with pytest.raises(twiorm.ConfigurationError):
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, timeout=bad)
    if bad is not None:  # None means "the client's own" per call
        with pytest.raises(twiorm.ConfigurationError):
            send(client_on(Script(ok({}))), GET, timeout=bad)


def test_each_retry_is_logged_at_debug(sleeper: Sleeper, caplog: pytest.LogCaptureFixture) -> None:
    script = Script(error(503), ok({}))
    with caplog.at_level(logging.DEBUG, logger="twiorm"):
        send(client_on(script, policy(sleeper, jitter=lambda top: top)), GET)
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        f"GET {GET.path} -> 503 in {lines[0].rsplit(' in ', 1)[1]}",
        f"GET {GET.path}: HTTP 503; retry 1 of 3 in 0.50 s",
        f"GET {GET.path} -> 200 in {lines[2].rsplit(' in ', 1)[1]}",
    ]
    assert all(record.levelno == logging.DEBUG for record in caplog.records)
