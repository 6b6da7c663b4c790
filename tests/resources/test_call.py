"""Call, replayed from cassettes recorded against Twilio's spec."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

import twiorm
from twiorm.resources import Call
from twiorm.testing import count_requests


def test_filter_and_slice_sends_one_request(twilio: twiorm.Client) -> None:
    calls = Call.objects.using(twilio).filter(
        from_="+14159355555", status="completed", start_time__gte=date(2026, 1, 1)
    )
    with count_requests(twilio) as sent:
        found = list(calls[:1])
    assert sent.count == 1
    call = found[0]
    assert call.sid.startswith("CA")
    assert call.start_time == datetime(2019, 10, 18, 17, 2, tzinfo=timezone.utc)
    assert call.duration == 4
    assert call.price == Decimal("-0.200")
    assert call.status == "completed"


def test_get_by_sid(twilio: twiorm.Client) -> None:
    call = Call.objects.using(twilio).get("CA" + "a" * 32)
    assert call.from_ == "+13051416799"
    assert call.to_formatted == "(305) 191-3581"
    assert call.subresource_uris["recordings"].endswith("/Recordings.json")


def test_create_posts_pascal_case_parameters(twilio: twiorm.Client) -> None:
    call = Call.objects.using(twilio).create(
        to="+14155550100",
        from_="+14155550199",
        url="https://example.com/twiml",
        status_callback_event=["initiated", "answered"],
        record=True,
        timeout=30,
    )
    assert isinstance(call, Call)
    assert call.sid.startswith("CA")


def test_create_needs_url_twiml_or_application(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.MissingParameterError, match="url, twiml, application_sid"):
        Call.objects.using(client).create(to="+14155550100", from_="+14155550199")


def test_cancel_with_save_and_delete(twilio: twiorm.Client) -> None:
    call = Call.objects.using(twilio).get("CA" + "a" * 32)
    with pytest.raises(twiorm.ValidationError, match="canceled, completed"):
        call.status = "ringing"  # Twilio lets an update only cancel or complete a call
    with pytest.raises(twiorm.ReadOnlyFieldError, match="cannot be changed after creation"):
        call.to = "+14155550111"
    call.status = "canceled"
    call.save()
    call.delete()


def test_status_filter_refuses_unknown_values(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.InvalidFilterError, match="Call.*status"):
        Call.objects.using(client).filter(status="finished")
    with pytest.raises(twiorm.ReadOnlyFieldError, match="Call.status cannot be set on create"):
        Call(to="+14155550100").status = "canceled"
