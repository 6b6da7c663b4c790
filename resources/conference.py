"""Conference rooms; they come into being through TwiML, never through the API."""

from twiorm import Resource, fields

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
