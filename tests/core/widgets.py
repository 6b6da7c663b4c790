"""Small resources declared for the engine's tests (not Twilio's)."""

from __future__ import annotations

from typing import Any

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

ACCOUNT = "AC" + "a" * 32


def widget_sid(n: int) -> str:
    return "WI" + f"{n:032x}"


class Widget(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Widgets/{sid}.json"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "widgets"
        one_of = {"create": (("url", "twiml"),)}

    sid = fields.Sid("WI")
    account_sid = fields.Sid("AC")
    name = fields.Str(create=REQUIRED, update=True, filter=True)
    color = fields.Enum(("red", "green", "blue"), create=True, update=True, filter=True)
    size = fields.IntString()
    price = fields.Decimal()
    enabled = fields.Bool(create=True, update=True, filter=True)
    date_created = fields.RFC2822DateTime(filter=fields.RANGE)
    day = fields.Date(filter=fields.RANGE, filter_format="date")
    tags = fields.List(fields.Str(), create=True, write_only=True)
    url = fields.Uri(create=True, update=True, write_only=True)
    twiml = fields.Twiml(create=True, update=True, write_only=True)


class Gadget(Resource):
    """A nested resource with a read-only list and a free-text identity."""

    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Widgets/{widget_sid}/Gadgets/{label}.json"
        verbs = ("list", "fetch", "delete")
        identity = "label"
        free_text_identity = True

    label = fields.Str()
    widget_sid = fields.Sid("WI")
    account_sid = fields.Sid("AC")


def widget_record(n: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "sid": widget_sid(n),
        "account_sid": ACCOUNT,
        "name": f"widget {n}",
        "color": "red",
        "size": str(n),
        "price": "-0.0250",
        "enabled": True,
        "date_created": "Fri, 18 Oct 2019 17:00:00 +0000",
        "day": "2019-10-18",
    }
    record.update(overrides)
    return record


def widget_page(
    records: list[dict[str, Any]],
    next_page_uri: str | None = None,
    page: int = 0,
    page_size: int = 50,
) -> dict[str, Any]:
    base = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets.json"
    return {
        "widgets": records,
        "end": max(len(records) - 1, 0),
        "first_page_uri": f"{base}?PageSize={page_size}&Page=0",
        "next_page_uri": next_page_uri,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": None,
        "start": 0,
        "uri": f"{base}?PageSize={page_size}&Page={page}",
    }
