"""A stream that fails after its retries says where it stopped, and goes on from there.

The flaky server's books and the records handed over prove that a resumed stream loses
nothing and repeats nothing, whatever window the stream reads and wherever it stopped:
between pages (a page that keeps failing) or inside one (a body cut off after a few
records).
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Iterator

import pytest

import twiorm
from twiorm.paging import StreamPosition
from twiorm.resources import Call

from .conftest import Sleeper, policy
from .figures import check_stream
from .flaky import ACCOUNT_PATH, Answer, Body, FlakyTwilio, Status, call_sid

Connect = Callable[..., twiorm.Client]
CALLS = f"{ACCOUNT_PATH}/Calls.json"


@pytest.fixture
def calls(flaky: FlakyTwilio) -> list[str]:
    """25 calls on the server, served 5 to a page."""
    flaky.calls.extend(
        {"sid": call_sid(n), "account_sid": "AC" + "a" * 32, "status": "completed"}
        for n in range(25)
    )
    return [call_sid(n) for n in range(25)]


def drain(stream: Iterator[Call], into: list[str]) -> None:
    for call in stream:
        into.append(call.sid or "")


def broken_page(sids: list[str]) -> bytes:
    """A page body cut off after the records of ``sids``, as a dropped proxy leaves it."""
    records = ", ".join(json.dumps({"sid": sid, "status": "completed"}) for sid in sids)
    return f'{{"calls": [{records}, {{"sid": "CA'.encode()


@pytest.mark.parametrize(("start", "stop"), [(0, None), (3, 22), (12, None)], ids=str)
def test_a_stream_stopped_between_pages_resumes_with_nothing_lost_or_repeated(
    flaky: FlakyTwilio,
    connect: Connect,
    sleeper: Sleeper,
    calls: list[str],
    start: int,
    stop: int | None,
) -> None:
    # The third page fails four times in a row: more than the three retries allow.
    flaky.inject("GET", CALLS, Answer(), Answer(), *[Status(503)] * 4)
    client = connect(flaky, retries=policy(sleeper, retries=3))
    queryset = Call.objects.using(client).all()[start:stop]
    yielded: list[str] = []
    with pytest.raises(twiorm.ServerError) as caught:
        drain(queryset.iterator(page_size=5), yielded)
    assert caught.value.records_read == len(yielded)
    assert f"PageToken=PA{calls[9]}" in (caught.value.next_page_url or "")

    drain(queryset.iterator(page_size=5, resume_from=caught.value), yielded)
    assert check_stream(calls[start:stop], yielded) == (0, 0)
    assert yielded == calls[start:stop]


@pytest.mark.parametrize(("start", "stop"), [(0, None), (6, 20), (8, 12)], ids=str)
def test_a_stream_stopped_inside_a_page_resumes_after_the_last_record_handed_over(
    flaky: FlakyTwilio, connect: Connect, calls: list[str], start: int, stop: int | None
) -> None:
    # The second page arrives cut off after its first three records.
    flaky.inject("GET", CALLS, Answer(), Body(broken_page(calls[5:8])))
    queryset = Call.objects.using(connect(flaky)).all()[start:stop]
    yielded: list[str] = []
    with pytest.raises(twiorm.MalformedResponseError) as caught:
        drain(queryset.iterator(page_size=5), yielded)
    assert yielded == calls[start:8]
    assert caught.value.records_read == len(yielded)
    position = caught.value.stream_position
    assert position is not None
    assert position.page_offset == 5
    assert position.next_index == 8

    drain(queryset.iterator(page_size=5, resume_from=caught.value), yielded)
    assert yielded == calls[start:stop]


def test_the_helper_style_stream_resumes_too(
    flaky: FlakyTwilio, connect: Connect, sleeper: Sleeper, calls: list[str]
) -> None:
    flaky.inject("GET", CALLS, Answer(), *[Status(500)] * 3)
    listing = connect(flaky, retries=policy(sleeper, retries=2)).api.v2010.calls
    yielded: list[str] = []
    with pytest.raises(twiorm.ServerError) as caught:
        drain(listing.stream(limit=17, page_size=5), yielded)
    assert yielded == calls[:5]
    drain(listing.stream(limit=17, page_size=5, resume_from=caught.value), yielded)
    assert yielded == calls[:17]


def test_where_a_stream_stopped_survives_pickling(
    flaky: FlakyTwilio, connect: Connect, sleeper: Sleeper, calls: list[str]
) -> None:
    flaky.inject("GET", CALLS, Answer(), *[Status(503)] * 2)
    queryset = Call.objects.using(connect(flaky, retries=policy(sleeper, retries=1))).all()
    yielded: list[str] = []
    with pytest.raises(twiorm.ServerError) as caught:
        drain(queryset.iterator(page_size=5), yielded)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.stream_position == caught.value.stream_position
    assert copy.records_read == 5
    drain(queryset.iterator(page_size=5, resume_from=copy.stream_position), yielded)
    assert yielded == calls


def test_a_page_url_resumes_an_unsliced_stream(
    flaky: FlakyTwilio, connect: Connect, calls: list[str]
) -> None:
    queryset = Call.objects.using(connect(flaky)).all()
    page = queryset.page(page_size=5)
    assert page.next_page_url is not None
    rest = [call.sid for call in queryset.iterator(page_size=5, resume_from=page.next_page_url)]
    assert rest == calls[5:]


def test_resuming_from_something_else_is_refused_before_sending(
    flaky: FlakyTwilio, connect: Connect, calls: list[str]
) -> None:
    queryset = Call.objects.using(connect(flaky)).all()
    elsewhere = f"{flaky.base_url}{ACCOUNT_PATH}/Messages.json?PageSize=5&PageToken=PA1"
    for bad, says in [
        (elsewhere, "another list"),
        (twiorm.ValidationError("not from a stream"), "did not stop a stream"),
        (42, "resume_from takes"),
    ]:
        with pytest.raises(twiorm.ValidationError, match=says):
            next(queryset.iterator(resume_from=bad))  # type: ignore[arg-type]
    with pytest.raises(twiorm.ValidationError, match="sliced"):
        next(queryset[:3].iterator(resume_from=StreamPosition(elsewhere, 0, 0).page_url))
    assert flaky.requests_to("GET") == []
