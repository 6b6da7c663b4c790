"""Voice calls placed or received by an account."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

CALL_STATUS = (
    "queued",
    "ringing",
    "in-progress",
    "completed",
    "busy",
    "failed",
    "no-answer",
    "canceled",
)
CALL_UPDATE_STATUS = ("canceled", "completed")


class Call(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Calls/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "calls"
        one_of = {"create": (("url", "twiml", "application_sid"),)}

    sid = fields.Sid("CA")
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    parent_call_sid = fields.Sid("CA", filter=True)
    account_sid = fields.Sid("AC")
    to = fields.Endpoint(create=REQUIRED, filter=True)
    to_formatted = fields.Str()
    from_ = fields.Endpoint(create=REQUIRED, filter=True)
    from_formatted = fields.Str()
    phone_number_sid = fields.Sid("PN")
    status = fields.Enum(CALL_STATUS, update=True, filter=True, write_choices=CALL_UPDATE_STATUS)
    start_time = fields.RFC2822DateTime(filter=fields.RANGE)
    end_time = fields.RFC2822DateTime(filter=fields.RANGE)
    duration = fields.IntString()
    price = fields.Decimal()
    price_unit = fields.Str()
    direction = fields.Str()
    answered_by = fields.Str()
    api_version = fields.Str()
    forwarded_from = fields.Str()
    group_sid = fields.Sid("GP")
    caller_name = fields.Str()
    queue_time = fields.IntString()
    trunk_sid = fields.Sid("TK")
    uri = fields.Str()
    subresource_uris = fields.UriMap()
    # request-only parameters (absent from responses)
    method = fields.HttpMethod(create=True, update=True, write_only=True)
    fallback_url = fields.Uri(create=True, update=True, write_only=True)
    fallback_method = fields.HttpMethod(create=True, update=True, write_only=True)
    status_callback = fields.Uri(create=True, update=True, write_only=True)
    status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    status_callback_method = fields.HttpMethod(create=True, update=True, write_only=True)
    send_digits = fields.Str(create=True, write_only=True)
    timeout = fields.Int(create=True, write_only=True)
    record = fields.Bool(create=True, write_only=True)
    recording_channels = fields.Str(create=True, write_only=True)
    recording_status_callback = fields.Str(create=True, write_only=True)
    recording_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    sip_auth_username = fields.Str(create=True, write_only=True)
    sip_auth_password = fields.Str(create=True, write_only=True)
    machine_detection = fields.Str(create=True, write_only=True)
    machine_detection_timeout = fields.Int(create=True, write_only=True)
    recording_status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    trim = fields.Str(create=True, write_only=True)
    caller_id = fields.Str(create=True, write_only=True)
    machine_detection_speech_threshold = fields.Int(create=True, write_only=True)
    machine_detection_speech_end_threshold = fields.Int(create=True, write_only=True)
    machine_detection_silence_timeout = fields.Int(create=True, write_only=True)
    async_amd = fields.Str(create=True, write_only=True)
    async_amd_status_callback = fields.Uri(create=True, write_only=True)
    async_amd_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    byoc = fields.Sid("BY", create=True, write_only=True)
    call_reason = fields.Str(create=True, write_only=True)
    call_token = fields.Str(create=True, write_only=True)
    recording_track = fields.Str(create=True, write_only=True)
    time_limit = fields.Int(create=True, update=True, write_only=True)
    client_notification_url = fields.Uri(create=True, write_only=True)
    url = fields.Uri(create=True, update=True, write_only=True)
    twiml = fields.Twiml(create=True, update=True, write_only=True)
    application_sid = fields.Sid("AP", create=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.CallManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.CallUpdate]) -> Self: ...
        async def aupdate(self, *, client: BaseClient | None = None, **values: Unpack[_types.CallUpdate]) -> Self: ...
