"""Twilio's test-credential magic numbers, as data, and the check that applies them.

Twilio documents numbers that make ``POST …/Messages``, ``…/Calls`` and
``…/IncomingPhoneNumbers`` fail (or pass) in a known way, so that tests can reach error
paths on purpose; see https://www.twilio.com/docs/iam/test-credentials. The sandbox
answers them the same way whatever the credentials. Numbers outside the reserved
``+1500555xxxx`` range are accepted as if the account owned them.

Tables are keyed by collection (``api/2010-04-01/messages``), then by wire parameter,
checked in table order (the sender before the recipient), then by value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from twiorm.sandbox.refusals import Refusal

__all__ = [
    "AREA_CODE_NUMBERS",
    "MAGIC_NUMBERS",
    "OTHER_TEST_NUMBER",
    "Outcome",
    "check",
]


@dataclass(frozen=True)
class Outcome:
    """A refusal Twilio gives for a magic value; ``{value}`` in the message is the value."""

    status: int
    code: int
    message: str

    def refusal(self, value: str) -> Refusal:
        return Refusal(self.status, self.code, self.message.format(value=value))


#: Key for "any other number of the reserved +1500555xxxx test range".
OTHER_TEST_NUMBER: Final = "+1500555xxxx"
_TEST_RANGE = re.compile(r"^\+1500555[0-9]{4}$")

_INVALID_FROM = Outcome(
    400,
    21212,
    "The 'From' number {value} is not a valid phone number, shortcode, or alphanumeric sender ID.",
)

#: ``None`` marks a value that passes every check.
MAGIC_NUMBERS: Final[Mapping[str, Mapping[str, Mapping[str, Outcome | None]]]] = {
    "api/2010-04-01/messages": {
        "From": {
            "+15005550006": None,
            "+15005550001": _INVALID_FROM,
            "+15005550007": Outcome(
                400,
                21606,
                "The From phone number {value} is not a valid, SMS-capable inbound phone "
                "number or short code for your account.",
            ),
            "+15005550008": Outcome(429, 21611, "SMS queue is full."),
            OTHER_TEST_NUMBER: Outcome(
                400,
                21606,
                "The From phone number {value} is not a valid, SMS-capable inbound phone "
                "number or short code for your account.",
            ),
        },
        "To": {
            "+15005550001": Outcome(
                400, 21211, "The 'To' number {value} is not a valid phone number."
            ),
            "+15005550002": Outcome(
                400, 21612, "The 'To' phone number: {value}, is not currently reachable via SMS."
            ),
            "+15005550003": Outcome(
                400,
                21408,
                "Permission to send an SMS has not been enabled for the region indicated by "
                "the 'To' number: {value}.",
            ),
            "+15005550004": Outcome(400, 21610, "Attempt to send to unsubscribed recipient"),
            "+15005550009": Outcome(400, 21614, "To number: {value}, is not a mobile number"),
        },
    },
    "api/2010-04-01/calls": {
        "From": {
            "+15005550006": None,
            "+15005550001": _INVALID_FROM,
            OTHER_TEST_NUMBER: Outcome(
                400,
                21210,
                "The source phone number provided, {value}, is not yet verified for your "
                "account. You may only make calls from phone numbers that you've verified "
                "or purchased from Twilio.",
            ),
        },
        "To": {
            "+15005550001": Outcome(400, 21217, "Phone number {value} does not appear to be valid"),
            "+15005550002": Outcome(400, 21214, "'To' phone number {value} cannot be reached"),
            "+15005550003": Outcome(
                400,
                21215,
                "Account not authorized to call {value}. Perhaps you need to enable some "
                "international permissions.",
            ),
            "+15005550004": Outcome(400, 21216, "Account not allowed to call {value}"),
        },
    },
    "api/2010-04-01/incoming_phone_numbers": {
        "PhoneNumber": {
            "+15005550006": None,
            "+15005550000": Outcome(400, 21422, "Phone number {value} is not available."),
            "+15005550001": Outcome(400, 21421, "Phone number {value} is invalid."),
        },
        "AreaCode": {
            "500": None,
            "533": Outcome(400, 21452, "No phone numbers found in area code {value}."),
        },
    },
}

#: The number a purchase by area code gets, where Twilio's tests name one.
AREA_CODE_NUMBERS: Final[Mapping[str, str]] = {"500": "+15005550006"}


def check(collection: str, given: Mapping[str, str]) -> None:
    """Raise the ``Refusal`` Twilio gives for a magic value among ``given`` wire params."""
    table = MAGIC_NUMBERS.get(collection, {})
    for param, outcomes in table.items():
        value = given.get(param)
        if value is None:
            continue
        if value in outcomes:
            outcome = outcomes[value]
        elif _TEST_RANGE.match(value):
            outcome = outcomes.get(OTHER_TEST_NUMBER)
        else:
            outcome = None
        if outcome is not None:
            raise outcome.refusal(value)
