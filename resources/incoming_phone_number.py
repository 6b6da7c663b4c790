"""Phone numbers owned by an account and how they route voice and SMS."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

INCOMING_PHONE_NUMBER_ADDRESS_REQUIREMENT = ("none", "any", "local", "foreign")
INCOMING_PHONE_NUMBER_VOICE_RECEIVE_MODE = ("voice", "fax")
INCOMING_PHONE_NUMBER_EMERGENCY_STATUS = ("Active", "Inactive")
INCOMING_PHONE_NUMBER_EMERGENCY_ADDRESS_STATUS = (
    "registered",
    "unregistered",
    "pending-registration",
    "registration-failure",
    "pending-unregistration",
    "unregistration-failure",
)


class IncomingPhoneNumber(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "incoming_phone_numbers"
        one_of = {"create": (("phone_number", "area_code"),)}

    account_sid = fields.Sid("AC", update=True)
    address_sid = fields.Sid("AD", create=True, update=True)
    address_requirements = fields.Enum(INCOMING_PHONE_NUMBER_ADDRESS_REQUIREMENT)
    api_version = fields.Str(create=True, update=True)
    beta = fields.Bool(filter=True)
    capabilities = fields.Object()
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    friendly_name = fields.Str(create=True, update=True, filter=True)
    identity_sid = fields.Sid("RI", create=True, update=True)
    phone_number = fields.PhoneNumber(create=True, filter=True)
    origin = fields.Str(filter=True)
    sid = fields.Sid("PN")
    sms_application_sid = fields.Sid("AP", create=True, update=True)
    sms_fallback_method = fields.HttpMethod(create=True, update=True)
    sms_fallback_url = fields.Uri(create=True, update=True)
    sms_method = fields.HttpMethod(create=True, update=True)
    sms_url = fields.Uri(create=True, update=True)
    status_callback = fields.Uri(create=True, update=True)
    status_callback_method = fields.HttpMethod(create=True, update=True)
    trunk_sid = fields.Sid("TK", create=True, update=True)
    uri = fields.Str()
    voice_receive_mode = fields.Enum(INCOMING_PHONE_NUMBER_VOICE_RECEIVE_MODE, create=True, update=True)
    voice_application_sid = fields.Sid("AP", create=True, update=True)
    voice_caller_id_lookup = fields.Bool(create=True, update=True)
    voice_fallback_method = fields.HttpMethod(create=True, update=True)
    voice_fallback_url = fields.Uri(create=True, update=True)
    voice_method = fields.HttpMethod(create=True, update=True)
    voice_url = fields.Uri(create=True, update=True)
    emergency_status = fields.Enum(INCOMING_PHONE_NUMBER_EMERGENCY_STATUS, create=True, update=True)
    emergency_address_sid = fields.Sid("AD", create=True, update=True)
    emergency_address_status = fields.Enum(INCOMING_PHONE_NUMBER_EMERGENCY_ADDRESS_STATUS)
    bundle_sid = fields.Sid("BU", create=True, update=True)
    status = fields.Str()
    type = fields.Str()
    # request-only parameters (absent from responses)
    area_code = fields.Str(create=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.IncomingPhoneNumberManager]

        def update(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.IncomingPhoneNumberUpdate]
        ) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.IncomingPhoneNumberUpdate]
        ) -> Self: ...
