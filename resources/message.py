"""SMS, MMS and other channel messages sent or received by an account."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

MESSAGE_DIRECTION = ("inbound", "outbound-api", "outbound-call", "outbound-reply")
MESSAGE_STATUS = (
    "queued",
    "sending",
    "sent",
    "failed",
    "delivered",
    "undelivered",
    "receiving",
    "received",
    "accepted",
    "scheduled",
    "read",
    "partially_delivered",
    "canceled",
)
MESSAGE_CONTENT_RETENTION = ("retain", "discard")
MESSAGE_ADDRESS_RETENTION = ("retain", "obfuscate")
MESSAGE_TRAFFIC_TYPE = ("free",)
MESSAGE_SCHEDULE_TYPE = ("fixed",)
MESSAGE_RISK_CHECK = ("enable", "disable")
MESSAGE_UPDATE_STATUS = ("canceled",)


class Message(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "messages"
        one_of = {
            "create": (("from_", "messaging_service_sid"), ("body", "media_url", "content_sid")),
        }

    body = fields.Str(create=True, update=True)
    num_segments = fields.IntString()
    direction = fields.Enum(MESSAGE_DIRECTION)
    from_ = fields.PhoneNumber(create=True, filter=True)
    to = fields.PhoneNumber(create=REQUIRED, filter=True)
    date_updated = fields.RFC2822DateTime()
    price = fields.Decimal()
    error_message = fields.Str()
    uri = fields.Str()
    account_sid = fields.Sid("AC")
    num_media = fields.IntString()
    status = fields.Enum(MESSAGE_STATUS, update=True, write_choices=MESSAGE_UPDATE_STATUS)
    messaging_service_sid = fields.Sid("MG", create=True)
    sid = fields.Sid("SM", "MM")
    date_sent = fields.RFC2822DateTime(filter=fields.RANGE)
    date_created = fields.RFC2822DateTime()
    error_code = fields.Int()
    price_unit = fields.Str()
    api_version = fields.Str()
    subresource_uris = fields.UriMap()
    # request-only parameters (absent from responses)
    status_callback = fields.Uri(create=True, write_only=True)
    application_sid = fields.Sid("AP", create=True, write_only=True)
    max_price = fields.Decimal(create=True, write_only=True)
    provide_feedback = fields.Bool(create=True, write_only=True)
    attempt = fields.Int(create=True, write_only=True)
    validity_period = fields.Int(create=True, write_only=True)
    force_delivery = fields.Bool(create=True, write_only=True)
    content_retention = fields.Enum(MESSAGE_CONTENT_RETENTION, create=True, write_only=True)
    address_retention = fields.Enum(MESSAGE_ADDRESS_RETENTION, create=True, write_only=True)
    smart_encoded = fields.Bool(create=True, write_only=True)
    persistent_action = fields.List(fields.Str(), create=True, write_only=True)
    traffic_type = fields.Enum(MESSAGE_TRAFFIC_TYPE, create=True, write_only=True)
    shorten_urls = fields.Bool(create=True, write_only=True)
    schedule_type = fields.Enum(MESSAGE_SCHEDULE_TYPE, create=True, write_only=True)
    send_at = fields.ISODateTime(create=True, write_only=True)
    send_as_mms = fields.Bool(create=True, write_only=True)
    content_variables = fields.Str(create=True, write_only=True)
    risk_check = fields.Enum(MESSAGE_RISK_CHECK, create=True, write_only=True)
    fallback_from = fields.PhoneNumber(create=True, write_only=True)
    # items are URLs, but the spec sets x-twilio ignoreFormat on them, so no Uri check
    media_url = fields.List(fields.Str(), create=True, write_only=True)
    content_sid = fields.Sid("HX", create=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.MessageManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.MessageUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.MessageUpdate]
        ) -> Self: ...
