"""Every request shape Twilio's documents use, declared by hand and carried out by the engine.

Singletons, any HTTP method per verb, named actions, JSON bodies, dotted and repeated form
keys, header parameters, identities that are not SIDs, list URLs that are not the instance
URL minus its identity, and answers with no body, of another resource, or a redirect.
Each test checks the exact request on the wire (the fake Twilio records it).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

import pytest

import twiorm
from twiorm import Resource, fields
from twiorm.transport import HTTPRequest

from ..conftest import ACCOUNT_SID, FakeTwilio
from .shapes import Allowance, Day, Job, Order, Receipt, Settings, Template, sid

GIZMOS = "/v1"


def form(request: HTTPRequest) -> list[tuple[str, str]]:
    return list(request.data)


def body_json(request: HTTPRequest) -> Any:
    assert request.content is not None, "expected a JSON body"
    return json.loads(request.content)


# -- singletons --------------------------------------------------------------------------


def test_a_singleton_is_fetched_without_an_identity(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Allowance.json"
    fake.reply("GET", path, {"account_sid": ACCOUNT_SID, "amount": "12.50", "currency": "USD"})
    allowance = Allowance.objects.using(client).get()
    assert allowance.amount is not None
    assert str(allowance.amount) == "12.50"
    assert fake.requests[-1].method == "GET"
    with pytest.raises(twiorm.ValidationError, match="singleton"):
        Allowance.objects.using(client).get("AL123")


def test_a_singleton_under_an_account_in_the_helper_style(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    other = "AC" + "b" * 32
    path = f"/2010-04-01/Accounts/{other}/Allowance.json"
    fake.reply("GET", path, {"account_sid": other, "amount": "1", "currency": "EUR"})
    allowance = client.api.v2010.accounts(other).allowance.fetch()
    assert allowance.currency == "EUR"
    assert fake.requests[-1].url.endswith(path)


def test_a_top_level_singleton_fetches_saves_and_updates(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    record = {
        "default_name": "a",
        "retention_days": 7,
        "url": "https://gizmos.twilio.com/v1/Settings",
    }
    fake.reply("GET", "/v1/Settings", record)
    fake.reply("POST", "/v1/Settings", {**record, "retention_days": 30})
    fake.reply("POST", "/v1/Settings", {**record, "default_name": "b"})

    settings = Settings.objects.using(client).get()
    settings.retention_days = 30
    settings.save()
    assert form(fake.requests[-1]) == [("RetentionDays", "30")]
    assert settings.retention_days == 30

    updated = client.gizmos.v1.settings().update(default_name="b")
    assert updated.default_name == "b"
    assert fake.requests[-1].url.endswith("/v1/Settings")
    assert form(fake.requests[-1]) == [("DefaultName", "b")]


# -- form bodies, headers, other answers, 204 --------------------------------------------


def test_dotted_and_repeated_keys_and_a_header_parameter(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("POST", "/v1/Orders", {"sid": sid("RC", 1), "order_sid": sid("OR", 1)})
    receipt = Order.objects.using(client).create(
        item="bolt", channel_type="web", tags=["a", "b"], webhook_enabled=False
    )
    sent = fake.requests[-1]
    assert form(sent) == [("Item", "bolt"), ("Channel.Type", "web"), ("Tags", "a"), ("Tags", "b")]
    assert sent.headers["X-Twilio-Webhook-Enabled"] == "false"
    # The answer is a Receipt, as the declaration says.
    assert isinstance(receipt, Receipt)
    assert receipt.order_sid == sid("OR", 1)


def test_a_delete_with_a_parameter_and_no_answer_body(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("DELETE", f"/v1/Orders/{sid('OR', 2)}", status=204)
    assert client.gizmos.v1.orders(sid("OR", 2)).delete(hard=True) is True
    sent = fake.requests[-1]
    assert (sent.method, list(sent.params)) == ("DELETE", [("Hard", "true")])


# -- JSON bodies, PUT and PATCH ------------------------------------------------------------


def test_a_json_body_is_built_from_the_same_fields(client: twiorm.Client, fake: FakeTwilio) -> None:
    created = {
        "sid": sid("TM", 1),
        "friendly_name": "hello",
        "language": "en",
        "types": {"twilio/text": {"body": "hi {{1}}"}},
        "variables": {"1": "name"},
        "date_created": "2026-01-02T03:04:05Z",
    }
    fake.reply("POST", "/v1/Templates", created, status=201)
    template = Template.objects.using(client).create(
        friendly_name="hello",
        language="en",
        types={"twilio/text": {"body": "hi {{1}}"}},
        variables={"1": "name"},
    )
    sent = fake.requests[-1]
    assert sent.headers["Content-Type"] == "application/json"
    assert body_json(sent) == {
        "friendly_name": "hello",
        "language": "en",
        "types": {"twilio/text": {"body": "hi {{1}}"}},
        "variables": {"1": "name"},
    }
    assert not sent.data
    assert template.date_created == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_an_update_by_put_and_a_named_patch_action(client: twiorm.Client, fake: FakeTwilio) -> None:
    path = f"/v1/Templates/{sid('TM', 2)}"
    record = {"sid": sid("TM", 2), "language": "en", "types": {}, "approved": False}
    fake.reply("PUT", path, {**record, "language": "fr"})
    fake.reply("PATCH", path, {**record, "language": "fr", "approved": True})
    fake.reply("PATCH", path, {**record, "approved": False})

    template = client.gizmos.v1.templates(sid("TM", 2)).update(language="fr")
    assert fake.requests[-1].method == "PUT"
    assert body_json(fake.requests[-1]) == {"language": "fr"}

    assert template.perform("patch", approved=True) is template
    assert (fake.requests[-1].method, body_json(fake.requests[-1])) == ("PATCH", {"approved": True})
    assert template.approved is True

    client.gizmos.v1.templates(sid("TM", 2)).patch(approved=False)
    assert body_json(fake.requests[-1]) == {"approved": False}

    with pytest.raises(twiorm.MissingParameterError, match="approved"):
        template.perform("patch")
    with pytest.raises(AttributeError, match="did you mean 'patch'"):
        template.perform("pach")


def test_bad_json_body_values_are_refused_before_sending(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    with pytest.raises(twiorm.ValidationError, match=r"Template create: types: expected"):
        Template.objects.using(client).create(language="en", types="not an object")
    assert fake.requests == []


# -- identities that are not SIDs, other list URLs, redirects ----------------------------


def test_a_day_is_addressed_by_its_date_under_a_resource_type(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply(
        "GET",
        "/v1/Exports/Messages/Days",
        {
            "days": [{"day": "2026-11-01", "size": 9}],
            "meta": {"key": "days", "next_page_url": None},
        },
    )
    days = list(Day.objects.using(client).filter(resource_type="Messages"))
    assert [d.day for d in days] == ["2026-11-01"]


def test_a_redirect_is_read_and_followed_without_credentials(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    target = "https://files.example.com/exports/2026-11-01.json.gz?X-Amz-Signature=abc"
    fake.reply(
        "GET",
        "/v1/Exports/Messages/Days/2026-11-01",
        {"day": "2026-11-01", "redirect_to": target},
        status=307,
        headers={"Location": target},
    )
    fake.reply("GET", "/exports/2026-11-01.json.gz", raw=b"\x1f\x8b file")
    day = Day.objects.using(client).filter(resource_type="Messages").get("2026-11-01")
    assert day.redirect_to == target
    assert fake.requests[-1].auth is not None  # Twilio's own API: authenticated

    assert day.download() == b"\x1f\x8b file"
    followed = fake.requests[-1]
    assert followed.url.startswith("https://files.example.com/")
    assert followed.auth is None
    assert "Authorization" not in followed.headers


def test_a_redirect_named_only_by_its_location_header(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    target = "https://files.example.com/d.gz"
    fake.reply("GET", "/v1/Exports/Calls/Days/2026-11-02", status=307, headers={"Location": target})
    found = Day.objects.using(client).get("2026-11-02", resource_type="Calls")
    assert found.redirect_to == target


def test_a_list_url_that_is_not_the_instance_url(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply(
        "POST",
        "/v1/Exports/Calls/Jobs",
        {"job_sid": sid("JS", 1), "resource_type": "Calls"},
        status=201,
    )
    fake.reply("DELETE", f"/v1/Exports/Jobs/{sid('JS', 1)}", status=204)
    job = Job.objects.using(client).create(resource_type="Calls", friendly_name="nightly")
    assert dict(parse_qsl("&".join(f"{k}={v}" for k, v in fake.requests[-1].data))) == {
        "FriendlyName": "nightly"
    }
    assert job.delete() is True
    assert fake.requests[-1].url.endswith(f"/v1/Exports/Jobs/{sid('JS', 1)}")


# -- the table itself ----------------------------------------------------------------------


def test_the_operation_table_states_every_request() -> None:
    table = Template._meta.operations
    assert {name: op.describe() for name, op in table.items()} == {
        "list": "GET /v1/Templates",
        "fetch": "GET /v1/Templates/{sid}",
        "create": "POST /v1/Templates",
        "update": "PUT /v1/Templates/{sid}",
        "delete": "DELETE /v1/Templates/{sid}",
        "patch": "PATCH /v1/Templates/{sid}",
    }
    create = table["create"]
    assert create.body == "json"
    assert {n: (p.wire, p.location, p.required) for n, p in create.parameters.items()} == {
        "friendly_name": ("friendly_name", "body", False),
        "language": ("language", "body", True),
        "types": ("types", "body", True),
        "variables": ("variables", "body", False),
    }
    assert table["delete"].answer == "none"
    assert Order._meta.operations["create"].returns is Receipt
    assert Day._meta.operations["fetch"].answer == "redirect"


def test_the_marshmallow_schemas_come_from_the_fields() -> None:
    record = {"sid": sid("TM", 3), "language": "en", "date_created": "2026-01-02T03:04:05Z"}
    loaded = Template.schema().load(record)
    assert loaded["date_created"] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert Template.schema().dump(loaded)["date_created"] == "2026-01-02T03:04:05Z"
    create = Template.schema("create")
    assert create.dump(create.load({"language": "en", "types": {"a": 1}})) == {
        "language": "en",
        "types": {"a": 1},
    }


@pytest.mark.parametrize(
    ("meta", "says"),
    [
        ({"methods": {"update": "FETCH"}}, "method of 'update'"),
        ({"methods": {"list": "GET"}}, "not an operation it has"),
        ({"answers": {"fetch": "maybe"}}, "answers\\['fetch'\\]"),
        ({"body": "xml"}, "'body' is 'form' or 'json'"),
        ({"actions": {"fetch": "GET"}}, "actions are named"),
        ({"methods": {"update": "GET"}}, "fetch and update would both be GET"),
        ({"list_path": "no-slash"}, "'list_path'"),
    ],
)
def test_bad_declarations_fail_at_class_creation_naming_class_and_key(
    meta: dict[str, Any], says: str
) -> None:
    options = {
        "path": "/v1/Gadgets/{sid}",
        "domain": "gizmos",
        "verbs": ("fetch", "update"),
        **meta,
    }
    with pytest.raises(twiorm.DeclarationError, match=f"Broken.Meta: .*{says}"):
        type("Broken", (Resource,), {"Meta": type("Meta", (), options), "sid": fields.Sid("GD")})
