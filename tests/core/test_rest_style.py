"""The official-helper style is a thin view over the same managers and query sets."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import twiorm
from twiorm import Resource, fields, registry
from twiorm.sandbox import Sandbox
from twiorm.testing import count_requests
from twiorm.transport import FunctionTransport

from ..conftest import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from .widgets import ACCOUNT, Gadget, Widget, widget_page, widget_record, widget_sid

LIST = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets.json"
ONE = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets/{widget_sid(1)}.json"


def sent(fake: FakeTwilio) -> list[tuple[str, str, list[Any], list[Any]]]:
    return [(r.method, r.url, list(r.params), list(r.data)) for r in fake.requests]


def run_twice(fake: FakeTwilio, django: Any, helper: Any, replies: list[tuple[Any, ...]]) -> None:
    """Run both styles against the same replies and assert they sent identical requests."""
    results = []
    for style in (django, helper):
        fake.requests.clear()
        for method, path, body, status in replies:
            fake.reply(method, path, body, status=status)
        results.append((style(), sent(fake)))
    assert results[0][1] == results[1][1]
    assert results[0][1], "the operation sent nothing"
    assert type(results[0][0]) is type(results[1][0])


def test_list_with_filters_sends_identical_requests(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    page = widget_page([widget_record(1), widget_record(2)])
    run_twice(
        fake,
        lambda: list(Widget.objects.using(client).filter(color="red")[:2]),
        lambda: client.api.v2010.widgets.list(color="red", limit=2),
        [("GET", LIST, page, 200)],
    )


def test_create_fetch_update_delete_send_identical_requests(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widgets = client.api.v2010.widgets
    run_twice(
        fake,
        lambda: Widget.objects.using(client).create(name="w", url="https://example.com/x"),
        lambda: widgets.create(name="w", url="https://example.com/x"),
        [("POST", LIST, widget_record(1), 201)],
    )
    run_twice(
        fake,
        lambda: Widget.objects.using(client).get(widget_sid(1)),
        lambda: widgets(widget_sid(1)).fetch(),
        [("GET", ONE, widget_record(1), 200)],
    )

    def django_update() -> Widget:
        widget = Widget._from_record(widget_record(1), client, {})
        widget.update(color="blue")
        return widget

    run_twice(
        fake,
        django_update,
        lambda: widgets(widget_sid(1)).update(color="blue"),
        [("POST", ONE, widget_record(1, color="blue"), 200)],
    )

    def django_delete() -> bool:
        Widget._from_record(widget_record(1), client, {}).delete()
        return True

    run_twice(
        fake, django_delete, lambda: widgets(widget_sid(1)).delete(), [("DELETE", ONE, None, 204)]
    )


def test_both_styles_return_the_same_instances(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", ONE, widget_record(1), always=True)
    assert client.api.v2010.widgets(widget_sid(1)).fetch() == Widget.objects.using(client).get(
        widget_sid(1)
    )


def test_api_alone_means_its_default_version(client: twiorm.Client) -> None:
    assert client.api.widgets.model is Widget
    assert client.api.v2010.widgets.model is Widget


def test_update_and_delete_do_not_fetch_first(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("POST", ONE, widget_record(1, name="x"))
    fake.reply("DELETE", ONE, status=204)
    instance = client.api.v2010.widgets(widget_sid(1))
    with count_requests(client) as log:
        assert instance.update(name="x").name == "x"
        assert instance.delete() is True
    assert [method for method, _ in log.sent] == ["POST", "DELETE"]


def test_reading_a_property_fetches_once(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", ONE, widget_record(1, name="lazy"))
    instance = client.api.v2010.widgets(widget_sid(1))
    assert fake.requests == []
    assert instance.name == "lazy"
    assert instance.size == 1
    assert len(fake.requests) == 1


def test_limit_and_page_size(client: twiorm.Client, fake: FakeTwilio) -> None:
    widgets = client.api.v2010.widgets
    with count_requests(client) as log:
        assert widgets.list(limit=0) == []
    assert log.count == 0  # limit=0 asks for nothing and sends nothing
    fake.reply(
        "GET",
        LIST,
        widget_page(
            [widget_record(i) for i in range(3)],
            next_page_uri=LIST + "?PageSize=3&Page=1&PageToken=P",
        ),
    )
    fake.reply("GET", LIST, widget_page([widget_record(i) for i in range(3, 5)]))
    everything = widgets.list(page_size=3)  # no limit: every page
    assert [w.size for w in everything] == [0, 1, 2, 3, 4]
    assert dict(fake.requests[0].params)["PageSize"] == "3"
    fake.reply(
        "GET",
        LIST,
        widget_page(
            [widget_record(i) for i in range(2)],
            next_page_uri=LIST + "?PageSize=2&Page=1&PageToken=Q",
        ),
    )
    fake.reply("GET", LIST, widget_page([widget_record(i) for i in range(2, 4)]))
    capped = list(widgets.stream(limit=3, page_size=2))
    assert [w.size for w in capped] == [0, 1, 2]
    with pytest.raises(twiorm.ValidationError, match="limit"):
        widgets.list(limit=-1)


def test_stream_is_lazy(client: twiorm.Client, fake: FakeTwilio) -> None:
    stream = client.api.v2010.widgets.stream(limit=5)
    assert fake.requests == []
    fake.reply("GET", LIST, widget_page([widget_record(0)]))
    assert [w.size for w in stream] == [0]


def test_page_returns_one_page_and_follows_the_link(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    link = LIST + "?PageSize=1&Page=1&PageToken=PA1"
    fake.reply("GET", LIST, widget_page([widget_record(0)], next_page_uri=link))
    fake.reply("GET", LIST, widget_page([widget_record(1)]))
    first = client.api.v2010.widgets.page(page_size=1)
    assert [w.size for w in first] == [0]
    assert len(fake.requests) == 1
    second = first.next_page()
    assert second is not None
    assert [w.size for w in second] == [1]
    assert second.next_page() is None
    assert dict(fake.requests[1].params) == {"PageSize": "1", "Page": "1", "PageToken": "PA1"}


@pytest.mark.parametrize(
    "link",
    [
        f"/2010-04-01/Accounts/AC{'b' * 32}/Widgets.json?Page=1",  # another account's list
        f"https://elsewhere.example{LIST}?Page=1",  # another host
    ],
)
def test_a_page_whose_link_leaves_the_list_is_usable_and_refuses_to_follow_it(
    client: twiorm.Client, fake: FakeTwilio, link: str
) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(0)], next_page_uri=link))
    first = client.api.v2010.widgets.page(page_size=1)
    assert [w.size for w in first] == [0]
    with count_requests(client) as sent, pytest.raises(twiorm.MalformedResponseError) as caught:
        first.next_page()
    assert sent.count == 0
    assert (caught.value.status, caught.value.method) == (200, "GET")
    assert caught.value.url.endswith(LIST)


def test_sub_resources_from_both_kinds_of_instance(client: twiorm.Client, fake: FakeTwilio) -> None:
    gadgets_path = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets/{widget_sid(1)}/Gadgets.json"
    fake.reply(
        "GET",
        gadgets_path,
        {"gadgets": [{"label": "g", "widget_sid": widget_sid(1)}], "next_page_uri": None},
        always=True,
    )
    widget = Widget._from_record(widget_record(1), client, {})
    from_instance = widget.gadgets.list()
    from_helper = client.api.v2010.widgets(widget_sid(1)).gadgets.list()
    assert from_instance == from_helper
    assert isinstance(from_instance[0], Gadget)
    assert widget.subresource("gadgets").model is Gadget
    assert "gadgets" in registry.children(Widget)


def test_sub_resources_of_a_subaccount(client: twiorm.Client, fake: FakeTwilio) -> None:
    from twiorm.resources import Call

    sub = "AC" + "b" * 32
    calls = client.api.v2010.accounts(sub).calls
    assert calls.model is Call
    assert calls.all().request().path == f"/2010-04-01/Accounts/{sub}/Calls.json"


def test_verbs_are_still_checked(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.VerbNotAllowedError):
        client.api.v2010.conferences.create(friendly_name="x")


def test_a_resource_users_declare_joins_the_tree(fake: FakeTwilio) -> None:
    class Fax(Resource):
        class Meta:
            path = "/v1/Faxes/{sid}"
            domain = "fax"
            verbs = ("list", "fetch", "create")

        sid = fields.Sid("FX")
        to = fields.PhoneNumber(create=True)
        media_url = fields.Uri(create=True)
        date_created = fields.ISODateTime()

    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, transport=FunctionTransport(fake))
    fake.reply(
        "POST",
        "/v1/Faxes",
        {"sid": "FX" + "1" * 32, "date_created": "2026-01-02T03:04:05Z"},
        status=201,
    )
    fax = client.fax.v1.faxes.create(to="+14155550100", media_url="https://example.com/f.pdf")
    assert isinstance(fax, Fax)
    assert fax.date_created.year == 2026
    assert fake.last.url == "https://fax.twilio.com/v1/Faxes"


def test_unknown_names_say_what_exists(client: twiorm.Client) -> None:
    with pytest.raises(AttributeError, match="calls"):
        _ = client.api.v2010.cals
    with pytest.raises(AttributeError):
        _ = client.nonexistent_domain


def test_request_reaches_undeclared_endpoints(client: twiorm.Client, fake: FakeTwilio) -> None:
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Usage/Records.json"
    fake.reply("GET", path, {"usage_records": []})
    assert client.request("GET", path, params={"Category": "calls"}) == {"usage_records": []}
    assert list(fake.last.params) == [("Category", "calls")]
    fake.reply("POST", "/v1/Things", {"ok": True}, status=201)
    assert client.request("POST", "https://events.twilio.com/v1/Things", data={"A": "b"})
    assert fake.last.url == "https://events.twilio.com/v1/Things"
    with pytest.raises(twiorm.ConfigurationError):
        client.request("GET", "https://evil.example.com/x")
    with pytest.raises(twiorm.ConfigurationError):
        client.request("GET", "/2010-04-01/../../etc")


def test_the_official_helpers_date_range_names_work(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    from datetime import date

    fake.reply("GET", LIST, widget_page([]))
    client.api.v2010.widgets.list(
        date_created_after=date(2026, 1, 1), date_created_before=date(2026, 2, 1), name="x"
    )
    assert dict(fake.last.params) == {
        "DateCreated>": "2026-01-01",
        "DateCreated<": "2026-02-01",
        "Name": "x",
        "PageSize": "1000",
    }
    with pytest.raises(twiorm.InvalidFilterError, match="date_created__gte"):
        client.api.v2010.widgets.list(size_after=3)  # no such range: refused, naming filters


def test_a_typo_on_an_addressed_instance_sends_nothing(client: twiorm.Client) -> None:
    instance = client.api.v2010.widgets(widget_sid(1))
    with count_requests(client) as log:
        assert not hasattr(instance, "nmae")
        with pytest.raises(AttributeError, match="no field or sub-resource 'fecth'"):
            _ = instance.fecth
    assert log.count == 0


def test_an_unknown_version_is_named_as_such(client: twiorm.Client) -> None:
    with pytest.raises(AttributeError, match="no version 'v9'.*newest is v2010"):
        _ = client.api.v9


def test_the_clients_own_account_is_reachable_as_the_helpers_reach_it(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    from twiorm.resources import Account

    fake.reply("GET", LIST, widget_page([widget_record(1)]))
    account = client.api.v2010.account
    assert account._model is Account
    assert account._identity == client.account_sid
    assert [w.sid for w in client.api.account.widgets.list()] == [widget_sid(1)]
    assert fake.last.url.endswith(LIST)
    assert "account" in dir(client.api.v2010)


def test_using_gives_a_query_set_that_slices_and_iterates(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(1), widget_record(2)]))
    assert [w.sid for w in Widget.objects.using(client)[:2]] == [widget_sid(1), widget_sid(2)]
    assert dict(fake.last.params) == {"PageSize": "2"}


def test_the_helper_style_needs_no_import_of_the_shipped_resources() -> None:
    code = (
        "import twiorm; c = twiorm.Client('AC' + 'a' * 32, 'token'); "
        "print(c.api.v2010.calls.model.__name__, c.verify.v2.services.model.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Call", "VerifyService"]


def test_a_page_may_resume_from_a_token_or_a_kept_link(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    link = f"{LIST}?PageSize=2&Page=3&PageToken=PAabc"
    fake.reply("GET", LIST, widget_page([widget_record(7)]))
    page = client.api.v2010.widgets.page(page_size=2, page_token="PAabc", page_number=3)
    assert dict(fake.last.params) == {"PageSize": "2", "PageToken": "PAabc", "Page": "3"}
    assert [w.sid for w in page] == [widget_sid(7)]
    fake.reply("GET", LIST, widget_page([widget_record(8)]))
    again = client.api.v2010.widgets.get_page(link)
    assert dict(fake.last.params) == {"PageSize": "2", "Page": "3", "PageToken": "PAabc"}
    assert [w.sid for w in again] == [widget_sid(8)]
    with pytest.raises(twiorm.ValidationError, match="is not a page of"):
        client.api.v2010.widgets.get_page("/2010-04-01/Accounts/AC/Calls.json?Page=1")
    with pytest.raises(twiorm.ValidationError, match="page_number"):
        client.api.v2010.widgets.page(page_number=-1)


def test_twilio_current_stands_for_the_active_recording_only_where_twilio_takes_it(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    call_sid = "CA" + "2" * 32
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{call_sid}/Recordings/Twilio.CURRENT.json"
    fake.reply("POST", path, {"sid": "RE" + "1" * 32, "status": "paused"})
    current = client.api.v2010.calls(call_sid).recordings("Twilio.CURRENT")
    updated = current.update(status="paused")
    assert (updated.sid, updated.pk) == ("RE" + "1" * 32, "RE" + "1" * 32)
    assert fake.last.url.endswith(path)
    real = f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{call_sid}/Recordings/{'RE' + '1' * 32}.json"
    fake.reply("GET", real, {"sid": "RE" + "1" * 32, "status": "paused"})
    assert updated.refresh() is updated  # the answer named the real recording
    assert fake.last.url.endswith(real)
    with count_requests(client) as log:
        with pytest.raises(twiorm.InvalidPathParameterError, match="only to update, not to fetch"):
            current.fetch()
        with pytest.raises(twiorm.InvalidPathParameterError, match="only to update"):
            current.delete()
        with pytest.raises(twiorm.InvalidPathParameterError):
            client.api.v2010.calls(call_sid).recordings("Twilio.OTHER")
    assert log.count == 0


def test_identity_aliases_are_declared_for_instance_verbs_only() -> None:
    with pytest.raises(twiorm.DeclarationError, match="not an instance verb"):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things/{sid}"
                verbs = ("list", "fetch")
                identity_aliases = {"update": ("Twilio.CURRENT",)}

            sid = fields.Sid("TH")


def test_the_sdks_account_shortcuts_reach_the_same_lists(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(1)]))
    assert [w.sid for w in client.widgets.list()] == [widget_sid(1)]
    assert fake.last.url.endswith(LIST)
    assert client.messages.model.__name__ == "Message"
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = client.nonsense


def test_an_update_with_nothing_to_send_leaves_the_next_read_to_fetch(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", ONE, widget_record(1, name="fetched"))
    instance = client.api.v2010.widgets(widget_sid(1))
    instance.update()
    assert fake.requests == []
    assert instance.name == "fetched"
    assert len(fake.requests) == 1


def test_a_mount_table_computed_before_a_new_declaration_is_not_kept() -> None:
    generation, _ = registry._snapshot()

    class Sprocket(Resource):
        class Meta:
            path = "/2010-04-01/Accounts/{account_sid}/Sprockets/{sid}.json"
            verbs = ("list",)

        sid = fields.Sid("SP")
        account_sid = fields.Sid("AC")

    stale: dict[str, registry.Mount] = {}
    registry._remember(("top", "api", "v2010"), stale, generation)
    assert registry.top_level("api", "v2010") is not stale
    assert "sprockets" in registry.top_level("api", "v2010")


def test_a_half_built_client_answers_attribute_probes_without_recursing() -> None:
    half = twiorm.Client.__new__(twiorm.Client)
    assert not hasattr(half, "calls")
    assert not hasattr(half, "region")


def test_a_stream_refuses_a_meta_link_to_another_host(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    meta = {"key": "widgets", "next_page_url": f"https://elsewhere.example{LIST}?Page=1"}
    fake.reply("GET", LIST, {"widgets": [widget_record(0)], "meta": meta})
    read: list[Widget] = []
    with pytest.raises(twiorm.MalformedResponseError, match="leaves the host"):
        read.extend(client.api.v2010.widgets.stream())
    assert [w.size for w in read] == [0]  # what the page held was handed over first
    assert len(fake.requests) == 1


def test_a_list_the_documents_name_in_the_plural_is_its_instances_list(
    twilio_sandbox: Sandbox,
) -> None:
    # ListAssistants and FetchAssistant (ListAlarms, FetchAlarm …) are one resource: the
    # helper style's name reaches the list and the instances alike.
    client = twilio_sandbox.client
    assert client.assistants.v1.assistants.list(limit=5) == []
    assert client.monitor.v2.alarms.list(limit=5) == []
    assistants = client.assistants.v1.assistants
    assert assistants.model._meta.operations.keys() >= {"list", "create", "fetch"}
    knowledge = assistants("aia_asst_0").assistants_knowledge
    assert knowledge.model._meta.operations.keys() >= {"list", "create", "delete"}
