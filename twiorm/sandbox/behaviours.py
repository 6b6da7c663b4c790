"""What particular collections do beyond the generic verbs: tables first, then a few hooks.

The generic verbs come from the declarations; this module holds only what a declaration
cannot say, keyed by collection name (``api/2010-04-01/messages``):

* the error codes Twilio gives for a missing or malformed parameter;
* the values a fresh record starts with (a call is ``queued``, a message ``outbound-api``)
  and, for seeded history, the values it ends with (a seeded call is ``completed``);
* which extra date properties are stamped on creation (a call's ``start_time``);
* hooks for the few creates that do more than store a record: buying a number by area
  code, a subaccount getting its own auth token, a verification check approving the
  verification it names, and Lookups answering for any number without a stored record.

A verification check approves unless its code is ``000000`` (``REJECTED_VERIFICATION_CODES``);
``verification_rule`` turns a sandbox's ``verification_codes`` into another rule.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from twiorm.sandbox.accounts import Accounts
from twiorm.sandbox.magic_numbers import AREA_CODE_NUMBERS
from twiorm.sandbox.refusals import Refusal
from twiorm.sandbox.store import Store, StoredRecord
from twiorm.sandbox.wire import format_national

__all__ = [
    "BEHAVIOURS",
    "INVALID_PARAMETER",
    "MISSING_PARAMETER",
    "REJECTED_VERIFICATION_CODES",
    "Behaviour",
    "Creation",
    "VerificationCodes",
    "approves_by_default",
    "behaviour_for",
    "invalid_parameter",
    "missing_parameter",
    "unknown_parameter",
    "verification_rule",
]

#: Refusals for a missing required parameter, by wire name; any other gets code 20001.
MISSING_PARAMETER: Final[Mapping[str, tuple[int, str]]] = {
    "To": (21604, "A 'To' phone number is required."),
    "From": (21603, "A 'From' phone number is required."),
    "Body": (21602, "Message body is required."),
}
#: Refusals for a malformed value, by wire name; any other gets code 20001.
INVALID_PARAMETER: Final[Mapping[str, tuple[int, str]]] = {
    "To": (21211, "The 'To' number {value} is not a valid phone number."),
    "From": (
        21212,
        "The 'From' number {value} is not a valid phone number, shortcode, or alphanumeric "
        "sender ID.",
    ),
    "PhoneNumber": (21421, "Phone number {value} is invalid."),
}
#: Codes a verification check refuses by default; any other code approves the verification.
REJECTED_VERIFICATION_CODES: Final = frozenset({"000000"})
#: Which verification codes approve: the set of those that do, or a function of the code.
VerificationCodes: TypeAlias = Collection[str] | Callable[[str], bool]


def approves_by_default(code: str) -> bool:
    """The default rule: any code approves but those in ``REJECTED_VERIFICATION_CODES``."""
    return code not in REJECTED_VERIFICATION_CODES


def verification_rule(codes: VerificationCodes | None) -> Callable[[str], bool]:
    """The rule ``codes`` states; ``None`` is the default rule, a string one code."""
    if codes is None:
        return approves_by_default
    if isinstance(codes, str):  # a code, not a collection of one-character codes
        return frozenset({codes}).__contains__
    if callable(codes):
        return codes
    approved = frozenset(codes)
    strays = sorted(repr(code) for code in approved if not isinstance(code, str))
    if strays:
        raise TypeError(f"verification codes are strings, like '123456'; got {', '.join(strays)}")
    return approved.__contains__


def missing_parameter(params: Sequence[str]) -> Refusal:
    """The refusal for a create or update lacking ``params`` (one of them, if several)."""
    for param in params:
        if param in MISSING_PARAMETER:
            code, message = MISSING_PARAMETER[param]
            return Refusal.bad_request(code, message)
    if len(params) == 1:
        return Refusal.bad_request(
            20001, f"Missing required parameter {params[0]} in the post body"
        )
    return Refusal.bad_request(20001, f"One of these parameters is required: {', '.join(params)}")


def invalid_parameter(param: str, value: str, reason: str) -> Refusal:
    """The refusal for a value the parameter's field does not accept."""
    if param in INVALID_PARAMETER:
        code, message = INVALID_PARAMETER[param]
        return Refusal.bad_request(code, message.format(value=value))
    return Refusal.bad_request(20001, f"Invalid parameter {param}: {reason}")


def unknown_parameter(param: str) -> Refusal:
    """The refusal for a parameter the operation does not take."""
    return Refusal.bad_request(20001, f"Unknown parameter {param}")


@dataclass
class Creation:
    """What a create hook may read and change: the record being built, and the sandbox."""

    data: dict[str, Any]
    params: Mapping[str, Any]
    parents: Mapping[str, str]
    path: str
    account_sid: str
    stamp: str
    store: Store
    accounts: Accounts
    #: Whether a verification check's code approves (the sandbox's rule).
    approves_code: Callable[[str], bool] = approves_by_default


@dataclass(frozen=True)
class Behaviour:
    """One collection's departures from the generic verbs (JSON values, by JSON key)."""

    defaults: Mapping[str, Any] = field(default_factory=dict)
    seed_defaults: Mapping[str, Any] = field(default_factory=dict)
    stamped: tuple[str, ...] = ()
    alternate_keys: tuple[str, ...] = ()
    complete: Callable[[Creation], None] | None = None
    synthesize: Callable[[str, Mapping[str, Any]], dict[str, Any] | None] | None = None
    #: Sub-resources Twilio links (``subresource_uris``) that nothing declares, key → segment.
    more_subresources: Mapping[str, str] = field(default_factory=dict)


# -- hooks -------------------------------------------------------------------------------

_AREA_CODE = re.compile(r"^[2-9][0-9]{2}$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _complete_message(creation: Creation) -> None:
    media = creation.params.get("media_url") or []
    creation.data["num_media"] = str(len(media))
    sid = creation.data.get("sid")
    if media and isinstance(sid, str) and sid.startswith("SM"):
        creation.data["sid"] = "MM" + sid[2:]  # Twilio gives media messages MM SIDs


def _complete_number(creation: Creation) -> None:
    data = creation.data
    if not data.get("phone_number"):
        area = str(creation.params.get("area_code") or "")
        if not _AREA_CODE.match(area):
            raise Refusal.bad_request(21451, f"Invalid area code {area}")
        data["phone_number"] = (
            AREA_CODE_NUMBERS.get(area) or f"+1{area}555{secrets.randbelow(10_000):04d}"
        )
    if not data.get("friendly_name"):
        data["friendly_name"] = format_national(str(data["phone_number"]))


def _complete_account(creation: Creation) -> None:
    data = creation.data
    token = secrets.token_hex(16)
    data["auth_token"] = token
    data["owner_account_sid"] = creation.account_sid
    if not data.get("friendly_name"):
        data["friendly_name"] = f"SubAccount Created at {creation.stamp}"
    creation.accounts.add_subaccount(str(data["sid"]), token)


def _complete_verification_check(creation: Creation) -> None:
    params = creation.params
    wanted_sid, to = params.get("verification_sid"), params.get("to")
    if not wanted_sid and not to:
        raise Refusal.bad_request(60200, "Invalid parameter: either To or VerificationSid")
    service = creation.parents.get("service_sid")
    found: StoredRecord | None = None
    for record in creation.store.collection("verify/v2/verifications").newest_first():
        if record.value("service_sid", "service_sid") != service:
            continue
        if (wanted_sid and record.key != wanted_sid) or (to and record.data.get("to") != to):
            continue
        if record.data.get("status") == "pending":
            found = record
            break
    if found is None:
        raise Refusal.not_found(creation.path)
    code = params.get("code")
    approved = creation.approves_code("" if code is None else str(code))
    if approved:
        found.data = {**found.data, "status": "approved", "valid": True}
        found.data["date_updated"] = creation.stamp
    creation.data.update(
        sid=found.key,
        to=found.data.get("to"),
        channel=found.data.get("channel"),
        status="approved" if approved else "pending",
        valid=approved,
    )


def _lookup_phone_number(number: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
    valid = bool(_E164.match(number))
    north_american = valid and number.startswith("+1")
    looked_up: dict[str, Any] = {
        "phone_number": number,
        "valid": valid,
        "validation_errors": [] if valid else ["NOT_A_NUMBER"],
        "national_format": format_national(number) if valid else None,
        "calling_country_code": "1" if north_american else None,
        "country_code": "US" if north_american else None,
    }
    for package in str(params.get("fields") or "").split(","):
        if package.strip():
            looked_up[package.strip()] = {"error_code": None}
    return looked_up


# -- the table ---------------------------------------------------------------------------

# What a Call links to, as in the spec's example, beyond its declared recordings.
_CALL_SUBRESOURCES: Final = {
    "notifications": "Notifications",
    "payments": "Payments",
    "events": "Events",
    "siprec": "Siprec",
    "streams": "Streams",
    "transcriptions": "Transcriptions",
    "user_defined_message_subscriptions": "UserDefinedMessageSubscriptions",
    "user_defined_messages": "UserDefinedMessages",
}

GENERIC: Final = Behaviour()

BEHAVIOURS: Final[Mapping[str, Behaviour]] = {
    "api/2010-04-01/accounts": Behaviour(
        defaults={"status": "active", "type": "Full"}, complete=_complete_account
    ),
    "api/2010-04-01/calls": Behaviour(
        defaults={
            "status": "queued",
            "direction": "outbound-api",
            "price_unit": "USD",
            "queue_time": "0",
        },
        seed_defaults={"status": "completed"},  # a queued call has not started: no start_time
        more_subresources=_CALL_SUBRESOURCES,
    ),
    "api/2010-04-01/messages": Behaviour(
        defaults={
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "price_unit": "USD",
        },
        seed_defaults={"status": "delivered"},  # a queued message has no date_sent yet
        complete=_complete_message,
        more_subresources={"media": "Media", "feedback": "Feedback"},
    ),
    "api/2010-04-01/incoming_phone_numbers": Behaviour(
        defaults={
            "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
            "status": "in-use",
            "origin": "twilio",
            "beta": False,
            "address_requirements": "none",
            "voice_receive_mode": "voice",
            "voice_caller_id_lookup": False,
            "emergency_status": "Inactive",
            "type": "local",
        },
        complete=_complete_number,
    ),
    "api/2010-04-01/conferences": Behaviour(
        defaults={"status": "init", "region": "us1"}, seed_defaults={"status": "in-progress"}
    ),
    "api/2010-04-01/participants": Behaviour(
        defaults={
            "status": "queued",
            "muted": False,
            "hold": False,
            "coaching": False,
            "end_conference_on_exit": False,
            "start_conference_on_enter": True,
        },
        seed_defaults={"status": "connected"},
        alternate_keys=("label",),
    ),
    "api/2010-04-01/recordings": Behaviour(
        defaults={
            "status": "in-progress",
            "source": "StartCallRecordingAPI",
            "channels": 1,
            "price_unit": "USD",
        },
        seed_defaults={"status": "completed"},
        stamped=("start_time",),
    ),
    "messaging/v1/services": Behaviour(
        defaults={
            "inbound_method": "POST",
            "fallback_method": "POST",
            "sticky_sender": True,
            "mms_converter": True,
            "smart_encoding": True,
            "scan_message_content": "inherit",
            "fallback_to_long_code": True,
            "area_code_geomatch": True,
            "synchronous_validation": True,
            "validity_period": 14400,
            "usecase": "undeclared",
            "us_app_to_person_registered": False,
            "use_inbound_webhook_on_number": False,
        }
    ),
    "verify/v2/services": Behaviour(
        defaults={
            "code_length": 6,
            "lookup_enabled": False,
            "psd2_enabled": False,
            "skip_sms_to_landlines": False,
            "dtmf_input_required": True,
            "do_not_share_warning_enabled": False,
            "custom_code_enabled": False,
            "verify_event_subscription_enabled": False,
        }
    ),
    "verify/v2/verifications": Behaviour(defaults={"status": "pending", "valid": False}),
    "verify/v2/verification_check": Behaviour(complete=_complete_verification_check),
    "lookups/v2/phone_numbers": Behaviour(synthesize=_lookup_phone_number),
}


def behaviour_for(collection: str) -> Behaviour:
    """The behaviour of ``collection``; the generic one if the table has none."""
    return BEHAVIOURS.get(collection, GENERIC)
