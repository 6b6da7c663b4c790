"""Resources declared by hand in every shape Twilio's documents use (not Twilio's own).

They live under a made-up domain, ``gizmos``, and one account-level singleton, so that they
share no URL with a shipped resource.
"""

from __future__ import annotations

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

ACCOUNT = "AC" + "a" * 32


def sid(prefix: str, n: int) -> str:
    return f"{prefix}{n:032x}"


class Allowance(Resource):
    """A singleton under the account, as Balance is: GET …/Allowance.json."""

    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Allowance.json"
        identity = None
        verbs = ("fetch",)

    account_sid = fields.Sid("AC")
    amount = fields.Decimal()
    currency = fields.Str()


class Settings(Resource):
    """A top-level singleton with a fetch and an update, as Conversations' Configuration."""

    class Meta:
        path = "/v1/Settings"
        domain = "gizmos"
        identity = None
        verbs = ("fetch", "update")

    default_name = fields.Str(update=True)
    retention_days = fields.Int(update=True)
    url = fields.Str()


class Receipt(Resource):
    """What creating an Order answers with: another resource than the one created."""

    class Meta:
        path = "/v1/Receipts/{sid}"
        domain = "gizmos"
        verbs = ("fetch",)

    sid = fields.Sid("RC")
    order_sid = fields.Sid("OR")


class Order(Resource):
    """A form-body resource with dotted and repeated keys, a header, and another answer."""

    class Meta:
        path = "/v1/Orders/{sid}"
        domain = "gizmos"
        verbs = ("create", "fetch", "delete")
        answers = {"create": Receipt}

    sid = fields.Sid("OR")
    item = fields.Str(create=REQUIRED)
    # Twilio's dotted keys (Flex's "Channel.Type"…) and repeated keys (a list)
    channel_type = fields.Str(create=True, param="Channel.Type", write_only=True)
    tags = fields.List(fields.Str(), create=True, write_only=True)
    webhook_enabled = fields.Bool(
        create=True, header=True, param="X-Twilio-Webhook-Enabled", write_only=True
    )
    hard = fields.Bool(delete=True, param="Hard", write_only=True)


class Template(Resource):
    """A JSON-body resource updated with PUT, with a named PATCH action (Content, SCIM)."""

    class Meta:
        path = "/v1/Templates/{sid}"
        domain = "gizmos"
        verbs = ("list", "create", "fetch", "update", "delete")
        body = "json"
        methods = {"update": "PUT"}
        actions = {"patch": "PATCH"}
        list_key = "templates"

    sid = fields.Sid("TM")
    friendly_name = fields.Str(create=True, update=True)
    language = fields.Str(create=REQUIRED, update=True)
    types = fields.Object(create=REQUIRED, update=True)
    variables = fields.Object(create=True)
    approved = fields.Bool(actions={"patch": REQUIRED})
    date_created = fields.ISODateTime()


class Day(Resource):
    """A record whose identity is a day, under a path parameter that is not a SID, and
    whose fetch answers with a 307 to follow (BulkExports)."""

    class Meta:
        path = "/v1/Exports/{resource_type}/Days/{day}"
        domain = "gizmos"
        verbs = ("list", "fetch")
        identity = "day"
        free_text_identity = True
        answers = {"fetch": "redirect"}
        list_key = "days"

    day = fields.Str()
    resource_type = fields.Str()
    size = fields.Int()
    redirect_to = fields.Str()


class Job(Resource):
    """A list whose URL is not its instances' minus the identity (BulkExports jobs)."""

    class Meta:
        path = "/v1/Exports/Jobs/{job_sid}"
        list_path = "/v1/Exports/{resource_type}/Jobs"
        domain = "gizmos"
        identity = "job_sid"
        verbs = ("list", "create", "fetch", "delete")
        list_key = "jobs"

    job_sid = fields.Sid("JS")
    resource_type = fields.Str()
    friendly_name = fields.Str(create=REQUIRED)
