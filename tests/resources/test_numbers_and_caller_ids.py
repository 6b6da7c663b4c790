"""IncomingPhoneNumber (Number) and OutgoingCallerId, replayed from cassettes."""

from __future__ import annotations

import pytest

import twiorm
from twiorm.resources import IncomingPhoneNumber, Number, OutgoingCallerId

PN = "PN" + "a" * 32


def test_number_is_the_incoming_phone_number() -> None:
    assert Number is IncomingPhoneNumber


def test_save_posts_only_the_changed_url(twilio: twiorm.Client) -> None:
    number = Number.objects.using(twilio).get(PN)
    assert number.capabilities == {"voice": True, "sms": False, "mms": True, "fax": False}
    number.voice_url = "https://example.com/voice"
    number.save()  # the cassette holds exactly VoiceUrl=… as the body
    assert number.sid == PN
    assert not number._dirty  # what Twilio answered is now the instance's state


def test_update_style_sends_both_urls_in_one_request(twilio: twiorm.Client) -> None:
    number = Number.objects.using(twilio).get(PN)
    number.update(voice_url="https://example.com/new", sms_url="https://example.com/sms")


def test_list_filters_by_phone_number(twilio: twiorm.Client) -> None:
    numbers = list(Number.objects.using(twilio).filter(phone_number="+14155550100", beta=False)[:1])
    assert all(isinstance(n, IncomingPhoneNumber) for n in numbers)


def test_buy_needs_a_number_or_an_area_code(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.MissingParameterError, match="phone_number, area_code"):
        Number.objects.using(client).create(friendly_name="x")


def test_buy_by_area_code(twilio: twiorm.Client) -> None:
    number = Number.objects.using(twilio).create(area_code="500", friendly_name="demo")
    assert number.sid.startswith("PN")


def test_caller_id_get_rename_and_delete(twilio: twiorm.Client) -> None:
    caller_id = OutgoingCallerId.objects.using(twilio).get(PN)
    assert caller_id.phone_number.startswith("+")
    caller_id.friendly_name = "front desk"
    caller_id.save()
    caller_id.delete()


def test_caller_ids_cannot_be_created_like_records(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.VerbNotAllowedError, match="OutgoingCallerId does not allow create"):
        OutgoingCallerId.objects.using(client).create(phone_number="+14155550100")
