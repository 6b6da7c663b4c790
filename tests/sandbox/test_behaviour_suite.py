"""The operations of the cassette tests (tests/resources), run against the sandbox.

Each test mirrors one in tests/resources: the same calls through twiorm, with the state
the cassette's recorded answers stood for seeded into the sandbox first. Where a cassette
can only show that a request went out, the sandbox lets the test check what it changed.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

import twiorm
from twiorm.resources import (
    Account,
    CallRecording,
    Conference,
    ConferenceRecording,
    Message,
    Number,
    OutgoingCallerId,
    Participant,
    PhoneNumber,
    Recording,
    Service,
    Verification,
    VerificationCheck,
    VerifyService,
)
from twiorm.resources import Call as CallResource
from twiorm.sandbox import Sandbox
from twiorm.testing import count_requests

UTC = timezone.utc


@pytest.fixture
def client(twilio_sandbox: Sandbox) -> twiorm.Client:
    return twilio_sandbox.client


# -- calls (tests/resources/test_call.py) ------------------------------------------------


def test_call_filter_and_slice_sends_one_request(
    twilio_sandbox: Sandbox, client: twiorm.Client
) -> None:
    twilio_sandbox.seed(
        CallResource,
        3,
        from_="+14159355555",
        status="completed",
        start_time=datetime(2026, 2, 1, 17, 2, tzinfo=UTC),
        duration=4,
        price=Decimal("-0.200"),
    )
    twilio_sandbox.seed(CallResource, 2, status="busy")
    calls = CallResource.objects.using(client).filter(
        from_="+14159355555", status="completed", start_time__gte=date(2026, 1, 1)
    )
    with count_requests(client) as sent:
        found = list(calls[:1])
    assert sent.count == 1
    (call,) = found
    assert call.sid.startswith("CA")
    assert call.start_time == datetime(2026, 2, 1, 17, 2, tzinfo=UTC)
    assert call.duration == 4
    assert call.price == Decimal("-0.200")
    assert call.status == "completed"


def test_call_get_by_sid(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (seeded,) = twilio_sandbox.seed(CallResource, 1, from_="+13051416799", to="+13051913581")
    call = CallResource.objects.using(client).get(seeded.sid)
    assert call.from_ == "+13051416799"
    assert call.to_formatted == "(305) 191-3581"
    assert call.subresource_uris["recordings"].endswith("/Recordings.json")


def test_call_create_posts_pascal_case_parameters(
    twilio_sandbox: Sandbox, client: twiorm.Client
) -> None:
    call = CallResource.objects.using(client).create(
        to="+14155550100",
        from_="+14155550199",
        url="https://example.com/twiml",
        status_callback_event=["initiated", "answered"],
        record=True,
        timeout=30,
    )
    assert isinstance(call, CallResource)
    assert call.sid.startswith("CA")
    assert [c.sid for c in twilio_sandbox.records(CallResource)] == [call.sid]


def test_call_cancel_with_save_and_delete(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (seeded,) = twilio_sandbox.seed(CallResource, 1, status="queued")
    call = CallResource.objects.using(client).get(seeded.sid)
    call.status = "canceled"
    call.save()
    assert twilio_sandbox.records(CallResource)[0].status == "canceled"
    call.delete()
    assert twilio_sandbox.records(CallResource) == []


# -- messages (tests/resources/test_messages.py) -----------------------------------------


def test_send_a_message(client: twiorm.Client) -> None:
    message = Message.objects.using(client).create(
        to="+14155550100", from_="+15005550006", body="hello"
    )
    assert message.sid.startswith(("SM", "MM"))
    assert isinstance(message.num_segments, int)


def test_send_media_through_a_messaging_service(client: twiorm.Client) -> None:
    message = Message.objects.using(client).create(
        to="+14155550100",
        messaging_service_sid="MG" + "a" * 32,
        media_url=["https://example.com/a.png", "https://example.com/b.png"],
    )
    assert message.status is not None
    assert message.sid.startswith("MM")
    assert message.num_media == 2


def test_messages_sent_since(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    twilio_sandbox.seed(Message, 2, to="+14155550100")  # delivered, so they have date_sent
    queued = Message.objects.using(client).create(to="+14155550100", from_="+15005550006", body="x")
    assert queued.date_sent is None  # as at Twilio: not sent yet
    since = datetime(2026, 1, 1, 8, 30, tzinfo=UTC)
    found = list(Message.objects.using(client).filter(date_sent__gte=since, to="+14155550100"))
    assert len(found) == 2
    assert all(message.date_sent.tzinfo is not None for message in found)


def test_redact_a_body_then_delete(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (seeded,) = twilio_sandbox.seed(Message, 1, body="secret")
    message = Message.objects.using(client).get(seeded.sid)
    message.update(body="")  # an empty string is how Twilio redacts a body
    assert twilio_sandbox.records(Message)[0].body == ""
    message.delete()
    assert twilio_sandbox.records(Message) == []


# -- numbers and caller IDs (tests/resources/test_numbers_and_caller_ids.py) -------------


def test_save_posts_only_the_changed_url(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (seeded,) = twilio_sandbox.seed(
        Number, 1, capabilities={"voice": True, "sms": False, "mms": True, "fax": False}
    )
    number = Number.objects.using(client).get(seeded.sid)
    assert number.capabilities == {"voice": True, "sms": False, "mms": True, "fax": False}
    number.voice_url = "https://example.com/voice"
    with twilio_sandbox.assert_requests(1):
        number.save()
    assert number.sid == seeded.sid
    assert not number._dirty
    assert twilio_sandbox.records(Number)[0].voice_url == "https://example.com/voice"


def test_update_style_sends_both_urls_in_one_request(
    twilio_sandbox: Sandbox, client: twiorm.Client
) -> None:
    (seeded,) = twilio_sandbox.seed(Number, 1)
    number = Number.objects.using(client).get(seeded.sid)
    with twilio_sandbox.assert_requests(1):
        number.update(voice_url="https://example.com/new", sms_url="https://example.com/sms")
    stored = twilio_sandbox.records(Number)[0]
    assert (stored.voice_url, stored.sms_url) == (
        "https://example.com/new",
        "https://example.com/sms",
    )


def test_list_filters_by_phone_number(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    twilio_sandbox.seed(Number, 1, phone_number="+14155550100", beta=False)
    twilio_sandbox.seed(Number, 1, phone_number="+14155550111", beta=False)
    numbers = list(Number.objects.using(client).filter(phone_number="+14155550100", beta=False)[:1])
    assert [n.phone_number for n in numbers] == ["+14155550100"]


def test_buy_by_area_code(client: twiorm.Client) -> None:
    number = Number.objects.using(client).create(area_code="500", friendly_name="demo")
    assert number.sid.startswith("PN")
    assert number.friendly_name == "demo"


def test_caller_id_get_rename_and_delete(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (seeded,) = twilio_sandbox.seed(OutgoingCallerId, 1)
    caller_id = OutgoingCallerId.objects.using(client).get(seeded.sid)
    assert caller_id.phone_number.startswith("+")
    caller_id.friendly_name = "front desk"
    caller_id.save()
    assert twilio_sandbox.records(OutgoingCallerId)[0].friendly_name == "front desk"
    caller_id.delete()
    assert twilio_sandbox.records(OutgoingCallerId) == []


# -- conferences (tests/resources/test_conferences.py) -----------------------------------


@pytest.fixture
def conference(twilio_sandbox: Sandbox) -> Conference:
    (seeded,) = twilio_sandbox.seed(
        Conference, 1, status="in-progress", date_created=datetime(2026, 2, 1, tzinfo=UTC)
    )
    return seeded


def test_filter_conferences_by_status_and_day(
    conference: Conference, client: twiorm.Client
) -> None:
    found = list(
        Conference.objects.using(client).filter(
            status="in-progress", date_created__gte=date(2026, 1, 1)
        )[:1]
    )
    assert [c.sid for c in found] == [conference.sid]


def test_end_a_conference(
    twilio_sandbox: Sandbox, conference: Conference, client: twiorm.Client
) -> None:
    Conference.objects.using(client).get(conference.sid).update(status="completed")
    assert twilio_sandbox.records(Conference)[0].status == "completed"


def test_muted_participants_of_one_conference(
    twilio_sandbox: Sandbox, conference: Conference, client: twiorm.Client
) -> None:
    twilio_sandbox.seed(Participant, 3, conference_sid=conference.sid, muted=lambda i: i == 0)
    participants = list(
        Participant.objects.using(client).filter(conference_sid=conference.sid, muted=True)[:1]
    )
    assert len(participants) == 1
    assert all(isinstance(p, Participant) and p.muted is True for p in participants)


def test_participant_by_call_sid_then_mute_and_kick(
    twilio_sandbox: Sandbox, conference: Conference, client: twiorm.Client
) -> None:
    (seeded,) = twilio_sandbox.seed(
        Participant, 1, conference_sid=conference.sid, muted=False, label="agent"
    )
    participant = Participant.objects.using(client).get(
        seeded.call_sid, conference_sid=conference.sid
    )
    assert participant.pk == participant.call_sid
    by_label = Participant.objects.using(client).get("agent", conference_sid=conference.sid)
    assert by_label.call_sid == participant.call_sid  # Twilio accepts a label as well
    participant.muted = True
    participant.save()
    assert twilio_sandbox.records(Participant)[0].muted is True
    participant.delete()
    assert twilio_sandbox.records(Participant) == []


def test_dial_a_participant_in(conference: Conference, client: twiorm.Client) -> None:
    participant = (
        Participant.objects.using(client)
        .filter(conference_sid=conference.sid)
        .create(from_="+14155550199", to="+14155550100", status_callback_event=["join", "leave"])
    )
    assert participant.conference_sid == conference.sid
    assert participant.call_sid.startswith("CA")


def test_conference_recordings(
    twilio_sandbox: Sandbox, conference: Conference, client: twiorm.Client
) -> None:
    twilio_sandbox.seed(ConferenceRecording, 1, conference_sid=conference.sid)
    found = list(
        ConferenceRecording.objects.using(client).filter(conference_sid=conference.sid)[:1]
    )
    assert found
    assert found[0].sid.startswith("RE")


# -- accounts and recordings (tests/resources/test_accounts_and_recordings.py) -----------


def test_create_and_suspend_a_subaccount(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    account = Account.objects.using(client).create(friendly_name="sub")
    assert account.sid.startswith("AC")
    account.status = "suspended"
    account.save()
    assert Account.objects.using(client).get(account.sid).status == "suspended"


def test_accounts_by_status(client: twiorm.Client) -> None:
    found = list(Account.objects.using(client).filter(status="active")[:1])
    assert all(isinstance(account, Account) for account in found)
    assert found  # the sandbox's own account is active


def test_recordings_since_a_day(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    twilio_sandbox.seed(Recording, 2, date_created=datetime(2026, 3, 1, tzinfo=UTC))
    found = list(Recording.objects.using(client).filter(date_created__gte=date(2026, 1, 1))[:1])
    assert found
    assert isinstance(found[0].duration, int)


def test_fetch_and_delete_a_recording(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (seeded,) = twilio_sandbox.seed(Recording, 1)
    recording = Recording.objects.using(client).get(seeded.sid)
    assert recording.price is None or isinstance(recording.price, Decimal)
    recording.delete()
    assert twilio_sandbox.records(Recording) == []


def test_recordings_of_a_call(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    (call,) = twilio_sandbox.seed(CallResource, 1)
    CallRecording.objects.using(client).create(call_sid=call.sid)
    found = list(CallRecording.objects.using(client).filter(call_sid=call.sid)[:1])
    assert found
    assert found[0].call_sid == call.sid
    # one collection seen through two URLs: the account's recordings include it
    assert [r.sid for r in Recording.objects.using(client).all()] == [found[0].sid]


def test_subaccount_calls_use_its_path(twilio_sandbox: Sandbox, client: twiorm.Client) -> None:
    sub = Account.objects.using(client).create(friendly_name="tenant")
    twilio_sandbox.seed(CallResource, 1, account_sid=sub.sid)
    twilio_sandbox.seed(CallResource, 1)  # the main account's
    found = list(CallResource.objects.using(client).filter(account_sid=sub.sid)[:1])
    assert [c.account_sid for c in found] == [sub.sid]


# -- newer APIs (tests/resources/test_newer_apis.py) -------------------------------------


def test_messaging_services_page_through_the_meta_envelope(
    twilio_sandbox: Sandbox, client: twiorm.Client
) -> None:
    twilio_sandbox.seed(Service, 7)
    services = list(Service.objects.using(client).all()[:5])
    assert len(services) == 5
    assert isinstance(services[0].date_created, datetime)
    assert services[0].date_created.tzinfo is not None
    assert len(list(Service.objects.using(client).iterator(page_size=2))) == 7


def test_create_a_messaging_service(client: twiorm.Client) -> None:
    service = Service.objects.using(client).create(friendly_name="alerts", sticky_sender=True)
    assert service.sid.startswith("MG")
    assert service.sticky_sender is True


def test_start_and_check_a_verification(client: twiorm.Client) -> None:
    service = VerifyService.objects.using(client).create(friendly_name="login")
    assert service.sid.startswith("VA")
    verification = Verification.objects.using(client).create(
        service_sid=service.sid, to="+14155550100", channel="sms"
    )
    assert verification.status == "pending"
    rejected = VerificationCheck.objects.using(client).create(
        service_sid=service.sid, to="+14155550100", code="000000"
    )
    assert (rejected.status, rejected.valid) == ("pending", False)
    check = VerificationCheck.objects.using(client).create(
        service_sid=service.sid, to="+14155550100", code="123456"
    )
    assert check.valid is True
    assert check.sid == verification.sid
    fetched = Verification.objects.using(client).get(verification.sid, service_sid=service.sid)
    assert fetched.status == "approved"
    with pytest.raises(twiorm.NotFoundError):  # nothing pending any more
        VerificationCheck.objects.using(client).create(
            service_sid=service.sid, to="+14155550100", code="123456"
        )


def test_lookup_a_phone_number_with_fields(client: twiorm.Client) -> None:
    number = PhoneNumber.objects.using(client).get("+14159929960", fields="line_type_intelligence")
    assert number.phone_number.startswith("+")
    assert number.valid is True
    assert number.national_format == "(415) 992-9960"
    assert number.line_type_intelligence == {"error_code": None}


def test_the_active_recording_is_paused_as_twilio_current(
    twilio_sandbox: Sandbox, client: twiorm.Client
) -> None:
    (call,) = twilio_sandbox.seed(CallResource, 1, status="in-progress")
    recordings = client.api.v2010.calls(call.sid).recordings
    with pytest.raises(twiorm.NotFoundError):
        recordings("Twilio.CURRENT").update(status="paused")  # nothing is recording yet
    started = recordings.create()
    paused = recordings("Twilio.CURRENT").update(status="paused")
    assert (paused.sid, paused.status) == (started.sid, "paused")


def test_list_filters_match_records_that_hold_every_value_asked_for() -> None:
    class Binding(twiorm.Resource):
        class Meta:
            path = "/v1/Services/{service_sid}/Bindings/{sid}"
            domain = "notify"
            verbs = ("list", "create")

        sid = twiorm.fields.Sid("BS")
        service_sid = twiorm.fields.Sid("IS")
        identity = twiorm.fields.Str(create=twiorm.fields.REQUIRED)
        tags = twiorm.fields.List(twiorm.fields.Str(), create=True, filter=True, param="Tag")

    with twiorm.sandbox.run(resources=[Binding]) as sandbox:
        service = "IS" + "0" * 32
        bindings = Binding.objects.using(sandbox.client).filter(service_sid=service)
        bindings.create(identity="a", tags=["red", "blue"])
        bindings.create(identity="b", tags=["red"])
        assert sorted(b.identity for b in bindings.filter(tags="red")) == ["a", "b"]
        assert [b.identity for b in bindings.filter(tags=["blue", "red"])] == ["a"]
        assert list(bindings.filter(tags="green")) == []
