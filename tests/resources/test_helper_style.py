"""The official-helper style against Twilio's spec (cassettes recorded against Prism)."""

from __future__ import annotations

import twiorm
from twiorm.resources import Call, IncomingPhoneNumber, Participant, Service, Verification

CF = "CF" + "a" * 32
PN = "PN" + "a" * 32
VA = "VA" + "a" * 32


def test_calls_list_with_a_filter(twilio: twiorm.Client) -> None:
    calls = twilio.api.v2010.calls.list(from_="+14159355555", limit=1)
    assert len(calls) == 1
    assert isinstance(calls[0], Call)


def test_calls_stream_fetches_pages_as_it_goes(twilio: twiorm.Client) -> None:
    stream = twilio.api.v2010.calls.stream(limit=3, page_size=2)
    assert [call.sid[:2] for call in stream] == ["CA", "CA", "CA"]  # two pages of the example


def test_one_page_of_calls(twilio: twiorm.Client) -> None:
    page = twilio.api.v2010.calls.page(page_size=2)
    assert len(page) >= 1
    assert page.next_page_url is not None


def test_participants_of_a_conference(twilio: twiorm.Client) -> None:
    participants = twilio.api.v2010.conferences(CF).participants.list(muted=True, limit=1)
    assert all(isinstance(p, Participant) for p in participants)


def test_number_read_then_update(twilio: twiorm.Client) -> None:
    number = twilio.api.incoming_phone_numbers(PN)
    assert number.friendly_name is not None  # the first read fetches it
    updated = number.update(voice_url="https://example.com/new", sms_url="https://example.com/sms")
    assert isinstance(updated, IncomingPhoneNumber)


def test_delete_a_caller_id(twilio: twiorm.Client) -> None:
    assert twilio.api.outgoing_caller_ids(PN).delete() is True


def test_calls_of_a_subaccount(twilio: twiorm.Client) -> None:
    calls = twilio.api.v2010.accounts("AC" + "b" * 32).calls.list(limit=1)
    assert len(calls) == 1


def test_create_a_call(twilio: twiorm.Client) -> None:
    call = twilio.api.v2010.calls.create(
        to="+14155550100", from_="+14155550199", url="https://example.com/twiml"
    )
    assert isinstance(call, Call)


def test_recordings_of_a_call_instance(twilio: twiorm.Client) -> None:
    call = twilio.api.v2010.calls("CA" + "a" * 32).fetch()
    recordings = call.recordings.list(limit=1)
    assert recordings[0].call_sid.startswith("CA")


def test_messaging_services_and_verifications(twilio: twiorm.Client) -> None:
    services = twilio.messaging.v1.services.list()
    assert all(isinstance(s, Service) for s in services)
    verification = twilio.verify.v2.services(VA).verifications.create(
        to="+14155550100", channel="sms"
    )
    assert isinstance(verification, Verification)
