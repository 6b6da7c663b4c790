"""Call and conference recordings, account-wide and per call or conference."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

#: A recording that still exists; the account-wide list also shows deleted ones.
LIVE_RECORDING_STATUS = ("in-progress", "paused", "stopped", "processing", "completed", "absent")
RECORDING_STATUS = (*LIVE_RECORDING_STATUS, "deleted")
RECORDING_SOURCE = (
    "DialVerb",
    "Conference",
    "OutboundAPI",
    "Trunking",
    "RecordVerb",
    "StartCallRecordingAPI",
    "StartConferenceRecordingAPI",
)


class RecordingProperties(Resource):
    """What every kind of recording carries (the three differ only around the edges)."""

    class Meta:
        abstract = True

    account_sid = fields.Sid("AC")
    api_version = fields.Str()
    call_sid = fields.Sid("CA")
    conference_sid = fields.Sid("CF")
    date_updated = fields.RFC2822DateTime()
    start_time = fields.RFC2822DateTime()
    duration = fields.IntString()
    sid = fields.Sid("RE")
    price = fields.Decimal()
    price_unit = fields.Str()
    channels = fields.Int()
    source = fields.Enum(RECORDING_SOURCE)
    error_code = fields.Int()
    uri = fields.Str()
    encryption_details = fields.Json()


class Recording(RecordingProperties):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Recordings/{sid}.json"
        verbs = ("list", "fetch", "delete")

    call_sid = fields.Sid("CA", filter=True)
    conference_sid = fields.Sid("CF", filter=True)
    date_created = fields.RFC2822DateTime(filter=fields.RANGE)
    status = fields.Enum(RECORDING_STATUS)
    subresource_uris = fields.UriMap()
    media_url = fields.Uri()
    # request-only parameters (absent from responses)
    include_soft_deleted = fields.Bool(filter=True, fetch=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.RecordingManager]


class CallRecording(RecordingProperties):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}/Recordings/{sid}.json"
        verbs = ("list", "fetch", "create", "update", "delete")
        identity_aliases = {"update": ("Twilio.CURRENT",)}  # the call's active recording

    date_created = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    status = fields.Enum(LIVE_RECORDING_STATUS, update=REQUIRED)
    track = fields.Str()
    # request-only parameters (absent from responses)
    recording_status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    recording_status_callback = fields.Uri(create=True, write_only=True)
    recording_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    trim = fields.Str(create=True, write_only=True)
    recording_channels = fields.Str(create=True, write_only=True)
    recording_track = fields.Str(create=True, write_only=True)
    pause_behavior = fields.Str(update=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.CallRecordingManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.CallRecordingUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.CallRecordingUpdate]
        ) -> Self: ...


class ConferenceRecording(RecordingProperties):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings/{sid}.json"
        verbs = ("list", "fetch", "update", "delete")
        identity_aliases = {"update": ("Twilio.CURRENT",)}  # the conference's active recording

    date_created = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    status = fields.Enum(LIVE_RECORDING_STATUS, update=REQUIRED)
    # request-only parameters (absent from responses)
    pause_behavior = fields.Str(update=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.ConferenceRecordingManager]

        def update(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.ConferenceRecordingUpdate]
        ) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.ConferenceRecordingUpdate]
        ) -> Self: ...
