"""Calls taking part in a conference, addressed by call SID or label."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

PARTICIPANT_STATUS = ("queued", "connecting", "ringing", "connected", "complete", "failed")


class Participant(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "participants"
        identity = "call_sid"
        # the spec types the CallSid path parameter as a plain string: it may be a label
        free_text_identity = True

    account_sid = fields.Sid("AC")
    call_sid = fields.Sid("CA")
    label = fields.Str(create=True)
    call_sid_to_coach = fields.Sid("CA", create=True, update=True)
    coaching = fields.Bool(create=True, update=True, filter=True)
    conference_sid = fields.Sid("CF")
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    end_conference_on_exit = fields.Bool(create=True, update=True)
    muted = fields.Bool(create=True, update=True, filter=True)
    hold = fields.Bool(update=True, filter=True)
    start_conference_on_enter = fields.Bool(create=True)
    status = fields.Enum(PARTICIPANT_STATUS)
    queue_time = fields.IntString()
    uri = fields.Str()
    # request-only parameters (absent from responses)
    from_ = fields.Endpoint(create=REQUIRED, write_only=True)
    to = fields.Endpoint(create=REQUIRED, write_only=True)
    status_callback = fields.Uri(create=True, write_only=True)
    status_callback_method = fields.HttpMethod(create=True, write_only=True)
    status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    timeout = fields.Int(create=True, write_only=True)
    record = fields.Bool(create=True, write_only=True)
    beep = fields.Str(create=True, write_only=True)
    wait_url = fields.Uri(create=True, update=True, write_only=True)
    wait_method = fields.HttpMethod(create=True, update=True, write_only=True)
    early_media = fields.Bool(create=True, write_only=True)
    max_participants = fields.Int(create=True, write_only=True)
    conference_record = fields.Str(create=True, write_only=True)
    conference_trim = fields.Str(create=True, write_only=True)
    conference_status_callback = fields.Uri(create=True, write_only=True)
    conference_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    conference_status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    recording_channels = fields.Str(create=True, write_only=True)
    recording_status_callback = fields.Uri(create=True, write_only=True)
    recording_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    sip_auth_username = fields.Str(create=True, write_only=True)
    sip_auth_password = fields.Str(create=True, write_only=True)
    region = fields.Str(create=True, write_only=True)
    conference_recording_status_callback = fields.Uri(create=True, write_only=True)
    conference_recording_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    recording_status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    conference_recording_status_callback_event = fields.List(fields.Str(), create=True, write_only=True)
    jitter_buffer_size = fields.Str(create=True, write_only=True)
    byoc = fields.Sid("BY", create=True, write_only=True)
    caller_id = fields.Str(create=True, write_only=True)
    call_reason = fields.Str(create=True, write_only=True)
    recording_track = fields.Str(create=True, write_only=True)
    time_limit = fields.Int(create=True, write_only=True)
    machine_detection = fields.Str(create=True, write_only=True)
    machine_detection_timeout = fields.Int(create=True, write_only=True)
    machine_detection_speech_threshold = fields.Int(create=True, write_only=True)
    machine_detection_speech_end_threshold = fields.Int(create=True, write_only=True)
    machine_detection_silence_timeout = fields.Int(create=True, write_only=True)
    amd_status_callback = fields.Uri(create=True, write_only=True)
    amd_status_callback_method = fields.HttpMethod(create=True, write_only=True)
    trim = fields.Str(create=True, write_only=True)
    call_token = fields.Str(create=True, write_only=True)
    client_notification_url = fields.Uri(create=True, write_only=True)
    caller_display_name = fields.Str(create=True, write_only=True)
    hold_url = fields.Uri(update=True, write_only=True)
    hold_method = fields.HttpMethod(update=True, write_only=True)
    announce_url = fields.Uri(update=True, write_only=True)
    announce_method = fields.HttpMethod(update=True, write_only=True)
    beep_on_exit = fields.Bool(update=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.ParticipantManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.ParticipantUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.ParticipantUpdate]
        ) -> Self: ...
