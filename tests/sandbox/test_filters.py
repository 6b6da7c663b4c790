"""List filters: equality, booleans and Twilio's date inequalities."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from twiorm.errors import InvalidFilterError
from twiorm.resources import Call, Conference, Message, Participant
from twiorm.sandbox import Sandbox

from .conftest import Raw

UTC = timezone.utc
MOMENTS = [
    datetime(2026, 1, 4, 12, 0, tzinfo=UTC),
    datetime(2026, 1, 5, 0, 0, tzinfo=UTC),
    datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
    datetime(2026, 1, 6, 9, 0, tzinfo=UTC),
]


@pytest.fixture
def timed_calls(twilio_sandbox: Sandbox) -> list[Call]:
    return twilio_sandbox.seed(Call, len(MOMENTS), start_time=lambda i: MOMENTS[i])


def starts(found: object) -> list[datetime]:
    assert isinstance(found, list)
    return sorted(call.start_time for call in found)


@pytest.mark.parametrize(
    ("lookup", "value", "expected"),
    [
        # X> is "on or after"; a plain date means that day's midnight
        ("start_time__gte", date(2026, 1, 5), MOMENTS[1:]),
        ("start_time__gte", datetime(2026, 1, 5, 10, 0, tzinfo=UTC), MOMENTS[2:]),
        # X< is "on or before"; with a plain date, on or before its midnight
        ("start_time__lte", date(2026, 1, 5), MOMENTS[:2]),
        ("start_time__lte", datetime(2026, 1, 5, 10, 0, tzinfo=UTC), MOMENTS[:3]),
        # no operator and a plain date: that whole day
        ("start_time", date(2026, 1, 5), MOMENTS[1:3]),
        ("start_time", datetime(2026, 1, 6, 9, 0, tzinfo=UTC).date(), MOMENTS[3:]),
    ],
)
def test_date_filters(
    twilio_sandbox: Sandbox,
    timed_calls: list[Call],
    lookup: str,
    value: object,
    expected: list[datetime],
) -> None:
    found = list(Call.objects.using(twilio_sandbox.client).filter(**{lookup: value}))
    assert starts(found) == expected


def test_a_moment_in_a_day_filter_is_refused_before_sending(twilio_sandbox: Sandbox) -> None:
    with twilio_sandbox.assert_requests(0), pytest.raises(InvalidFilterError, match="__gte"):
        list(Call.objects.using(twilio_sandbox.client).filter(start_time=MOMENTS[3]))


def test_a_date_range(twilio_sandbox: Sandbox, timed_calls: list[Call]) -> None:
    found = Call.objects.using(twilio_sandbox.client).filter(
        start_time__gte=date(2026, 1, 5), start_time__lte=datetime(2026, 1, 6, tzinfo=UTC)
    )
    assert starts(list(found)) == MOMENTS[1:3]


def test_day_filters_of_conferences(twilio_sandbox: Sandbox) -> None:
    days = [datetime(2026, 2, d, 15, 0, tzinfo=UTC) for d in (1, 2, 3)]
    twilio_sandbox.seed(Conference, 3, date_created=lambda i: days[i])
    found = Conference.objects.using(twilio_sandbox.client).filter(
        date_created__gte=date(2026, 2, 2)
    )
    assert sorted(c.date_created for c in found) == days[1:]


def test_messages_sent_since_a_moment(twilio_sandbox: Sandbox) -> None:
    sent = [datetime(2026, 3, 1, h, 0, tzinfo=UTC) for h in (8, 9, 10)]
    twilio_sandbox.seed(Message, 3, date_sent=lambda i: sent[i], to="+14155550100")
    found = Message.objects.using(twilio_sandbox.client).filter(
        date_sent__gte=datetime(2026, 3, 1, 9, 0, tzinfo=UTC), to="+14155550100"
    )
    assert sorted(m.date_sent for m in found) == sent[1:]


def test_equality_filters(twilio_sandbox: Sandbox) -> None:
    twilio_sandbox.seed(Call, 6, status=lambda i: ("busy", "completed", "failed")[i % 3])
    twilio_sandbox.seed(Call, 2, status="busy", to="+14155550199")
    calls = Call.objects.using(twilio_sandbox.client)
    assert calls.filter(status="busy").count() == 4
    assert calls.filter(status="busy", to="+14155550199").count() == 2
    assert calls.filter(status="canceled").count() == 0


def test_boolean_filters(twilio_sandbox: Sandbox) -> None:
    (conference,) = twilio_sandbox.seed(Conference, 1)
    twilio_sandbox.seed(Participant, 5, conference_sid=conference.sid, muted=lambda i: i < 2)
    participants = Participant.objects.using(twilio_sandbox.client).filter(
        conference_sid=conference.sid
    )
    assert participants.filter(muted=True).count() == 2
    assert participants.filter(muted=False).count() == 3


def test_filters_not_declared_are_ignored_as_twilio_does(raw: Raw, twilio_sandbox: Sandbox) -> None:
    twilio_sandbox.seed(Call, 3)
    page = raw("GET", raw.account_path("Calls.json"), params={"Colour": "red"}).json()
    assert len(page["calls"]) == 3


@pytest.mark.parametrize(
    "params", [{"Status": "finished"}, {"StartTime>": "soon"}, {"StartTime": "2026-13-01"}]
)
def test_filter_values_are_checked_by_the_fields(raw: Raw, params: dict[str, str]) -> None:
    response = raw("GET", raw.account_path("Calls.json"), params=params)
    assert response.status_code == 400
    assert response.json()["code"] == 20001
