"""Twilio accounts: the main account and its subaccounts."""

from twiorm import Resource, fields

ACCOUNT_STATUS = ("active", "suspended", "closed")
ACCOUNT_TYPE = ("Trial", "Full")


class Account(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update")
        list_key = "accounts"

    auth_token = fields.Str(secret=True)
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    friendly_name = fields.Str(create=True, update=True, filter=True)
    owner_account_sid = fields.Sid("AC")
    sid = fields.Sid("AC")
    status = fields.Enum(ACCOUNT_STATUS, update=True, filter=True)
    subresource_uris = fields.UriMap()
    type = fields.Enum(ACCOUNT_TYPE)
    uri = fields.Str()
