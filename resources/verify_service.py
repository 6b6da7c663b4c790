"""Verify: services, one-time-code verifications and the checks against them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.verify import v2_types as _types

VERIFICATION_CHANNEL = ("sms", "call", "email", "whatsapp", "sna")
VERIFICATION_RISK_CHECK = ("enable", "disable")
VERIFICATION_STATUS = ("canceled", "approved")
VERIFICATION_CHECK_CHANNEL = ("sms", "call", "email", "whatsapp", "sna")


class VerifyService(Resource):
    class Meta:
        path = "/v2/Services/{sid}"
        domain = "verify"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "services"

    sid = fields.Sid("VA")
    account_sid = fields.Sid("AC")
    friendly_name = fields.Str(create=REQUIRED, update=True)
    code_length = fields.Int(create=True, update=True)
    lookup_enabled = fields.Bool(create=True, update=True)
    psd2_enabled = fields.Bool(create=True, update=True)
    skip_sms_to_landlines = fields.Bool(create=True, update=True)
    dtmf_input_required = fields.Bool(create=True, update=True)
    tts_name = fields.Str(create=True, update=True)
    do_not_share_warning_enabled = fields.Bool(create=True, update=True)
    custom_code_enabled = fields.Bool(create=True, update=True)
    push = fields.Json()
    totp = fields.Json()
    default_template_sid = fields.Sid("HJ", create=True, update=True)
    whatsapp = fields.Json()
    passkeys = fields.Json()
    verify_event_subscription_enabled = fields.Bool(create=True, update=True)
    date_created = fields.ISODateTime()
    date_updated = fields.ISODateTime()
    url = fields.Uri()
    links = fields.UriMap()
    # request-only parameters: dotted wire names; responses nest them under push, totp,
    # whatsapp and passkeys
    push_include_date = fields.Bool(create=True, update=True, write_only=True, param="Push.IncludeDate")
    push_apn_credential_sid = fields.Sid("CR", create=True, update=True, write_only=True, param="Push.ApnCredentialSid")
    push_fcm_credential_sid = fields.Sid("CR", create=True, update=True, write_only=True, param="Push.FcmCredentialSid")
    totp_issuer = fields.Str(create=True, update=True, write_only=True, param="Totp.Issuer")
    totp_time_step = fields.Int(create=True, update=True, write_only=True, param="Totp.TimeStep")
    totp_code_length = fields.Int(create=True, update=True, write_only=True, param="Totp.CodeLength")
    totp_skew = fields.Int(create=True, update=True, write_only=True, param="Totp.Skew")
    whatsapp_msg_service_sid = fields.Sid(
        "MG", create=True, update=True, write_only=True, param="Whatsapp.MsgServiceSid"
    )
    whatsapp_from = fields.Str(create=True, update=True, write_only=True, param="Whatsapp.From")
    passkeys_relying_party_id = fields.Str(create=True, update=True, write_only=True, param="Passkeys.RelyingParty.Id")
    passkeys_relying_party_name = fields.Str(
        create=True, update=True, write_only=True, param="Passkeys.RelyingParty.Name"
    )
    passkeys_relying_party_origins = fields.Str(
        create=True, update=True, write_only=True, param="Passkeys.RelyingParty.Origins"
    )
    passkeys_authenticator_attachment = fields.Str(
        create=True, update=True, write_only=True, param="Passkeys.AuthenticatorAttachment"
    )
    passkeys_discoverable_credentials = fields.Str(
        create=True, update=True, write_only=True, param="Passkeys.DiscoverableCredentials"
    )
    passkeys_user_verification = fields.Str(
        create=True, update=True, write_only=True, param="Passkeys.UserVerification"
    )

    if TYPE_CHECKING:
        objects: ClassVar[_types.VerifyServiceManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.VerifyServiceUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.VerifyServiceUpdate]
        ) -> Self: ...


class Verification(Resource):
    class Meta:
        path = "/v2/Services/{service_sid}/Verifications/{sid}"
        domain = "verify"
        verbs = ("create", "fetch", "update")
        list_key = "verifications"

    sid = fields.Sid("VE")
    service_sid = fields.Sid("VA")
    account_sid = fields.Sid("AC")
    to = fields.Str(create=REQUIRED)
    # the create Channel parameter is an untyped string; the response property is the enum
    # The create parameter is a plain string in the spec, whose text adds "auto" (Twilio
    # picks the channel); responses name the channel used.
    channel = fields.Enum(VERIFICATION_CHANNEL, write_choices=(*VERIFICATION_CHANNEL, "auto"), create=REQUIRED)
    # the response status is an untyped string; VERIFICATION_STATUS is the update enum only
    # (unknown values load unchanged).
    status = fields.Enum(VERIFICATION_STATUS, update=REQUIRED)
    valid = fields.Bool()
    lookup = fields.Json()
    amount = fields.Str(create=True)
    payee = fields.Str(create=True)
    send_code_attempts = fields.List(fields.Json())
    date_created = fields.ISODateTime()
    date_updated = fields.ISODateTime()
    sna = fields.Json()
    url = fields.Uri()
    # request-only parameters (absent from responses)
    custom_friendly_name = fields.Str(create=True, write_only=True)
    custom_message = fields.Str(create=True, write_only=True)
    send_digits = fields.Str(create=True, write_only=True)
    locale = fields.Str(create=True, write_only=True)
    custom_code = fields.Str(create=True, write_only=True)
    # the spec gives no schema for RateLimits and ChannelConfiguration (JSON objects)
    rate_limits = fields.Json(create=True, write_only=True)
    channel_configuration = fields.Json(create=True, write_only=True)
    app_hash = fields.Str(create=True, write_only=True)
    template_sid = fields.Sid("HJ", create=True, write_only=True)
    template_custom_substitutions = fields.Str(create=True, write_only=True)
    device_ip = fields.Str(create=True, write_only=True)
    enable_sna_client_token = fields.Bool(create=True, write_only=True)
    risk_check = fields.Enum(VERIFICATION_RISK_CHECK, create=True, write_only=True)
    tags = fields.Str(create=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.VerificationManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.VerificationUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.VerificationUpdate]
        ) -> Self: ...


class VerificationCheck(Resource):
    class Meta:
        mount = "verification_checks"  # the official helpers' name
        path = "/v2/Services/{service_sid}/VerificationCheck"
        domain = "verify"
        verbs = ("create",)
        identity = None
        one_of = {"create": (("to", "verification_sid"),)}  # stated in the parameters' text

    sid = fields.Sid("VE")
    service_sid = fields.Sid("VA")
    account_sid = fields.Sid("AC")
    to = fields.Str(create=True)
    channel = fields.Enum(VERIFICATION_CHECK_CHANNEL)
    status = fields.Str()
    valid = fields.Bool()
    amount = fields.Str(create=True)
    payee = fields.Str(create=True)
    date_created = fields.ISODateTime()
    date_updated = fields.ISODateTime()
    sna_attempts_error_codes = fields.List(fields.Json())
    # request-only parameters (absent from responses)
    code = fields.Str(create=True, write_only=True)
    verification_sid = fields.Sid("VE", create=True, write_only=True)
    sna_client_token = fields.Str(create=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.VerificationCheckManager]
