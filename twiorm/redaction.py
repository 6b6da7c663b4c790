"""Keeping secrets and personal data out of what twiorm shows: logs and error details.

Two concerns live here. Parameters whose names say they hold a secret (a SIP password,
a call token) are masked before a request's parameters are attached to an error. Phone
numbers, which Twilio puts in some paths (Lookups: ``/v2/PhoneNumbers/+14155550100``)
and which every query string for calls and messages carries, can be masked in log
records: by the client itself (``Client(..., mask_phone_numbers=True)``) for its own
records, or by ``MaskPhoneNumbers``, a logging filter to put on any handler (urllib3
logs request lines with their query strings at DEBUG).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Final

__all__ = [
    "HIDDEN",
    "MaskPhoneNumbers",
    "is_secret_name",
    "mask_phone_numbers",
    "redact_params",
]

#: What a masked secret value is replaced with.
HIDDEN: Final = "<hidden>"

# SipAuthPassword, CallToken, a key's Secret, a credential's PrivateKey … but not
# PageToken, which is only a cursor.
_SECRET_NAME = re.compile(r"(password|secret|(?<!page)token|privatekey)$", re.IGNORECASE)
# A webhook URL may carry Basic credentials for Twilio to use: https://user:pass@host/…
_URL_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/?#@]*@", re.IGNORECASE)

# An E.164 number, written with "+" or percent-encoded as "%2B": the "+" tells it apart
# from the hex digits of a SID. The last two digits stay visible to tell numbers apart.
_E164 = re.compile(r"(\+|%2[Bb])([0-9]{5,13})([0-9]{2})(?![0-9])")
# A national number that makes up a whole path segment: /v2/PhoneNumbers/4155550100.
_SEGMENT_NUMBER = re.compile(r"(?<=/)([0-9]{5,13})([0-9]{2})(?=$|[/?#.])")


def is_secret_name(name: str) -> bool:
    """Say whether a parameter's name says it holds a secret (``SipAuthPassword`` …)."""
    return _SECRET_NAME.search(name) is not None


def redact_params(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Return form parameters with secrets replaced: values of secret-looking names, and
    the credentials inside URLs (``https://user:pass@host/cb``)."""
    return tuple(
        (name, HIDDEN if is_secret_name(name) else _URL_USERINFO.sub(rf"\1{HIDDEN}@", value))
        for name, value in pairs
    )


def mask_phone_numbers(text: str) -> str:
    """Replace all but the last two digits of every phone number in ``text`` with ``*``."""
    text = _E164.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    return _SEGMENT_NUMBER.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)


class MaskPhoneNumbers(logging.Filter):
    """A logging filter that masks phone numbers in each record's final message.

    Put it on a handler (``handler.addFilter(MaskPhoneNumbers())``) to cover every logger
    whose records reach that handler, including ``urllib3``'s request lines.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
