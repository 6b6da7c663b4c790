"""Call and conference recordings, account-wide and per call or conference."""

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

RECORDING_STATUS = (
    "in-progress",
    "paused",
    "stopped",
    "processing",
    "completed",
    "absent",
    "deleted",
)
RECORDING_SOURCE = (
    "DialVerb",
    "Conference",
    "OutboundAPI",
    "Trunking",
    "RecordVerb",
    "StartCallRecordingAPI",
    "StartConferenceRecordingAPI",
)
CALL_RECORDING_STATUS = ("in-progress", "paused", "stopped", "processing", "completed", "absent")
CALL_RECORDING_SOURCE = (
    "DialVerb",
    "Conference",
    "OutboundAPI",
    "Trunking",
    "RecordVerb",
    "StartCallRecordingAPI",
    "StartConferenceRecordingAPI",
)
CONFERENCE_RECORDING_STATUS = (
    "in-progress",
    "paused",
    "stopped",
    "processing",
    "completed",
    "absent",
)
CONFERENCE_RECORDING_SOURCE = (
    "DialVerb",
    "Conference",
    "OutboundAPI",
    "Trunking",
    "RecordVerb",
    "StartCallRecordingAPI",
    "StartConferenceRecordingAPI",
)


class Recording(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Recordings/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "delete")
        list_key = "recordings"

    account_sid = fields.Sid("AC")
    api_version = fields.Str()
    call_sid = fields.Sid("CA", filter=True)
    conference_sid = fields.Sid("CF", filter=True)
    date_created = fields.RFC2822DateTime(filter=fields.RANGE)
    date_updated = fields.RFC2822DateTime()
    start_time = fields.RFC2822DateTime()
    duration = fields.IntString()
    sid = fields.Sid("RE")
    price = fields.Decimal()
    price_unit = fields.Str()
    status = fields.Enum(RECORDING_STATUS)
    channels = fields.Int()
    source = fields.Enum(RECORDING_SOURCE)
    error_code = fields.Int()
    uri = fields.Str()
    encryption_details = fields.Json()
    subresource_uris = fields.UriMap()
    media_url = fields.Uri()
    # request-only parameters (absent from responses)
    include_soft_deleted = fields.Bool(filter=True, fetch=True, write_only=True)


class CallRecording(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}/Recordings/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "recordings"

    account_sid = fields.Sid("AC")
    api_version = fields.Str()
    call_sid = fields.Sid("CA")
    conference_sid = fields.Sid("CF")
    date_created = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    date_updated = fields.RFC2822DateTime()
    start_time = fields.RFC2822DateTime()
    duration = fields.IntString()
    sid = fields.Sid("RE")
    price = fields.Decimal()
    uri = fields.Str()
    encryption_details = fields.Json()
    price_unit = fields.Str()
    status = fields.Enum(CALL_RECORDING_STATUS, update=REQUIRED)
    channels = fields.Int()
    source = fields.Enum(CALL_RECORDING_SOURCE)
    error_code = fields.Int()
    track = fields.Str()
    # request-only parameters (absent from responses)
    recording_status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    recording_status_callback = fields.Uri(create=True, write_only=True)
    recording_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    trim = fields.Str(create=True, write_only=True)
    recording_channels = fields.Str(create=True, write_only=True)
    recording_track = fields.Str(create=True, write_only=True)
    pause_behavior = fields.Str(update=True, write_only=True)


class ConferenceRecording(Resource):
    class Meta:
        path = (
            "/2010-04-01/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings/{sid}.json"
        )
        domain = "api"
        verbs = ("list", "fetch", "update", "delete")
        list_key = "recordings"

    account_sid = fields.Sid("AC")
    api_version = fields.Str()
    call_sid = fields.Sid("CA")
    conference_sid = fields.Sid("CF")
    date_created = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    date_updated = fields.RFC2822DateTime()
    start_time = fields.RFC2822DateTime()
    duration = fields.IntString()
    sid = fields.Sid("RE")
    price = fields.Decimal()
    price_unit = fields.Str()
    status = fields.Enum(CONFERENCE_RECORDING_STATUS, update=REQUIRED)
    channels = fields.Int()
    source = fields.Enum(CONFERENCE_RECORDING_SOURCE)
    error_code = fields.Int()
    encryption_details = fields.Json()
    uri = fields.Str()
    # request-only parameters (absent from responses)
    pause_behavior = fields.Str(update=True, write_only=True)
