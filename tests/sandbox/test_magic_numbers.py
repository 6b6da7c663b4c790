"""Twilio's test-credential numbers behave as Twilio documents them (wire reference §7)."""

from __future__ import annotations

import pytest

import twiorm
from twiorm.resources import Call, Message, Number
from twiorm.sandbox import Sandbox

from .conftest import Raw

VALID = "+15005550006"
SOMEONE = "+14155550100"
TWIML = "https://example.com/twiml"


@pytest.mark.parametrize(
    ("from_", "to", "code"),
    [
        ("+15005550001", SOMEONE, 21212),  # invalid From
        ("+15005550007", SOMEONE, 21606),  # not an SMS-capable number of the account
        ("+15005550000", SOMEONE, 21606),  # any other test number: not the account's
        (VALID, "+15005550001", 21211),  # invalid To
        (VALID, "+15005550002", 21612),  # cannot route
        (VALID, "+15005550003", 21408),  # no international permission
        (VALID, "+15005550004", 21610),  # blocked / opted out
        (VALID, "+15005550009", 21614),  # not a mobile number
    ],
)
def test_message_magic_numbers(twilio_sandbox: Sandbox, from_: str, to: str, code: int) -> None:
    with pytest.raises(twiorm.BadRequestError) as caught:
        Message.objects.using(twilio_sandbox.client).create(to=to, from_=from_, body="hi")
    assert (caught.value.status, caught.value.code) == (400, code)
    assert twilio_sandbox.records(Message) == []  # refused means not sent


def test_a_full_sms_queue_answers_429(raw: Raw) -> None:
    # Raw HTTP: a client would rightly retry a 429, which is not what is tested here.
    data = {"To": SOMEONE, "From": "+15005550008", "Body": "hi"}
    response = raw("POST", raw.account_path("Messages.json"), data=data)
    assert response.status_code == 429
    assert response.json()["code"] == 21611


@pytest.mark.parametrize(
    ("from_", "to", "code"),
    [
        ("+15005550001", SOMEONE, 21212),
        ("+15005550002", SOMEONE, 21210),  # any other test number: not verified
        (VALID, "+15005550001", 21217),
        (VALID, "+15005550002", 21214),
        (VALID, "+15005550003", 21215),
        (VALID, "+15005550004", 21216),
    ],
)
def test_call_magic_numbers(twilio_sandbox: Sandbox, from_: str, to: str, code: int) -> None:
    with pytest.raises(twiorm.BadRequestError) as caught:
        Call.objects.using(twilio_sandbox.client).create(to=to, from_=from_, url=TWIML)
    assert caught.value.code == code


def test_the_valid_test_number_passes_for_calls_and_messages(twilio_sandbox: Sandbox) -> None:
    client = twilio_sandbox.client
    call = Call.objects.using(client).create(to=SOMEONE, from_=VALID, url=TWIML)
    message = Message.objects.using(client).create(to=SOMEONE, from_=VALID, body="hi")
    assert (call.status, message.status) == ("queued", "queued")


def test_numbers_outside_the_test_range_are_taken_as_the_accounts(
    twilio_sandbox: Sandbox,
) -> None:
    message = Message.objects.using(twilio_sandbox.client).create(
        to=SOMEONE, from_="+14155550199", body="hi"
    )
    assert message.from_ == "+14155550199"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"phone_number": "+15005550000"}, 21422),  # unavailable
        ({"phone_number": "+15005550001"}, 21421),  # invalid
        ({"area_code": "533"}, 21452),  # no numbers in that area code
        ({"area_code": "12"}, 21451),  # not an area code
    ],
)
def test_number_purchase_magic_values(
    twilio_sandbox: Sandbox, values: dict[str, str], code: int
) -> None:
    with pytest.raises(twiorm.BadRequestError) as caught:
        Number.objects.using(twilio_sandbox.client).create(**values)
    assert caught.value.code == code


@pytest.mark.parametrize("values", [{"phone_number": VALID}, {"area_code": "500"}])
def test_number_purchases_that_succeed(twilio_sandbox: Sandbox, values: dict[str, str]) -> None:
    number = Number.objects.using(twilio_sandbox.client).create(**values)
    assert number.phone_number == VALID
    assert number.friendly_name == "(500) 555-0006"
    assert number.sid.startswith("PN")
    assert number.capabilities == {"voice": True, "sms": True, "mms": True, "fax": False}
