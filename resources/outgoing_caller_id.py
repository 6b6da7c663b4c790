"""Verified caller IDs an account may present on outbound calls."""

from twiorm import Resource, fields


class OutgoingCallerId(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/OutgoingCallerIds/{sid}.json"
        domain = "api"
        # no "create": POST to the list URL is CreateValidationRequest, which starts a
        # verification call and answers with a ValidationRequest body, not a caller ID
        verbs = ("list", "fetch", "update", "delete")
        list_key = "outgoing_caller_ids"

    sid = fields.Sid("PN")
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    friendly_name = fields.Str(update=True, filter=True)
    account_sid = fields.Sid("AC")
    phone_number = fields.PhoneNumber(filter=True)
    uri = fields.Str()
