"""Conference rooms; they come into being through TwiML, never through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

CONFERENCE_STATUS = ("init", "in-progress", "completed")
CONFERENCE_REASON_CONFERENCE_ENDED = (
    "conference-ended-via-api",
    "participant-with-end-conference-on-exit-left",
    "participant-with-end-conference-on-exit-kicked",
    "last-participant-kicked",
    "last-participant-left",
)
CONFERENCE_UPDATE_STATUS = ("completed",)


class Conference(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Conferences/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "update")
        list_key = "conferences"

    account_sid = fields.Sid("AC")
    date_created = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    date_updated = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    api_version = fields.Str()
    friendly_name = fields.Str(filter=True)
    region = fields.Str()
    sid = fields.Sid("CF")
    status = fields.Enum(CONFERENCE_STATUS, update=True, filter=True, write_choices=CONFERENCE_UPDATE_STATUS)
    uri = fields.Str()
    subresource_uris = fields.UriMap()
    reason_conference_ended = fields.Enum(CONFERENCE_REASON_CONFERENCE_ENDED)
    call_sid_ending_conference = fields.Sid("CA")
    # request-only parameters (absent from responses)
    announce_url = fields.Uri(update=True, write_only=True)
    announce_method = fields.HttpMethod(update=True, write_only=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.ConferenceManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.ConferenceUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.ConferenceUpdate]
        ) -> Self: ...
