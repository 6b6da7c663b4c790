"""Instances: lazy typed reads, dirty tracking, save/update/delete/refresh, identity."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from decimal import Decimal

import pytest

import twiorm
from twiorm.testing import count_requests

from ..conftest import AUTH_TOKEN, FakeTwilio
from .widgets import ACCOUNT, Widget, widget_record, widget_sid

LIST = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets.json"


def instance_path(n: int) -> str:
    return f"/2010-04-01/Accounts/{ACCOUNT}/Widgets/{widget_sid(n)}.json"


def loaded(client: twiorm.Client, n: int = 1, **overrides: object) -> Widget:
    return Widget._from_record(widget_record(n, **overrides), client, {})


def test_fields_read_as_typed_values(client: twiorm.Client) -> None:
    widget = loaded(client)
    assert widget.size == 1
    assert widget.price == Decimal("-0.0250")
    assert widget.enabled is True
    assert widget.date_created == datetime(2019, 10, 18, 17, 0, tzinfo=timezone.utc)
    assert widget.date_created.tzinfo is not None
    assert widget.name == "widget 1"


def test_nulls_read_as_none(client: twiorm.Client) -> None:
    widget = loaded(client, price=None, size=None, date_created=None)
    assert (widget.price, widget.size, widget.date_created) == (None, None, None)


def test_a_malformed_value_is_a_typed_error_naming_the_field(client: twiorm.Client) -> None:
    widget = loaded(client, size="lots")
    with pytest.raises(twiorm.MalformedResponseError, match=r"Widget\.size.*'lots'"):
        _ = widget.size


def test_unknown_response_keys_stay_reachable(client: twiorm.Client) -> None:
    widget = loaded(client, brand_new_property={"x": 1})
    assert widget.extra == {"brand_new_property": {"x": 1}}
    assert widget.brand_new_property == {"x": 1}
    assert widget.raw["brand_new_property"] == {"x": 1}
    with pytest.raises(AttributeError):
        _ = widget.no_such_thing


def test_read_only_fields_refuse_assignment(client: twiorm.Client) -> None:
    widget = loaded(client)
    with pytest.raises(twiorm.ReadOnlyFieldError, match=r"Widget\.size is read-only"):
        widget.size = 3
    with pytest.raises(AttributeError):  # ReadOnlyFieldError is an AttributeError
        widget.sid = widget_sid(2)


def test_assignment_validates_at_once(client: twiorm.Client) -> None:
    widget = loaded(client)
    with pytest.raises(twiorm.ValidationError) as caught:
        widget.color = "purple"
    assert (caught.value.resource, caught.value.field) == ("Widget", "color")
    assert "red, green, blue" in str(caught.value)


def test_save_posts_only_changed_fields_then_refreshes(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    fake.reply("POST", instance_path(1), widget_record(1, name="renamed", size="9"))
    widget.name = "renamed"
    with count_requests(client) as sent:
        widget.save()
    assert sent.count == 1
    assert list(fake.last.data) == [("Name", "renamed")]
    assert widget.size == 9  # the answer replaced the old record


def test_save_with_nothing_changed_sends_nothing(client: twiorm.Client, fake: FakeTwilio) -> None:
    widget = loaded(client)
    widget.save()
    assert fake.requests == []


def test_save_creates_an_unsaved_instance(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("POST", LIST, widget_record(4, name="new"), status=201)
    widget = Widget(name="new", url="https://example.com/hook", tags=["a", "b"], enabled=False)
    assert repr(widget) == "<Widget unsaved>"
    widget.save(client=client)
    assert widget.sid == widget_sid(4)
    assert sorted(fake.last.data) == sorted(
        [
            ("Name", "new"),
            ("Url", "https://example.com/hook"),
            ("Tags", "a"),
            ("Tags", "b"),
            ("Enabled", "false"),
        ]
    )


def test_create_checks_required_and_one_of_before_sending(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    with pytest.raises(twiorm.MissingParameterError, match="requires name"):
        Widget.objects.using(client).create(url="https://example.com")
    with pytest.raises(twiorm.MissingParameterError, match="one of url, twiml"):
        Widget.objects.using(client).create(name="x")
    with pytest.raises(twiorm.ValidationError, match="does not take size"):
        Widget.objects.using(client).create(name="x", url="https://example.com", size=3)
    with pytest.raises(twiorm.ValidationError, match=r"url: expected an absolute http\(s\) URL"):
        Widget.objects.using(client).create(name="x", url="not a url")
    assert fake.requests == []


def test_update_sends_one_post_without_fetching(client: twiorm.Client, fake: FakeTwilio) -> None:
    widget = loaded(client)
    fake.reply("POST", instance_path(1), widget_record(1, color="blue"))
    widget.update(color="blue", twiml="<Response/>")
    assert len(fake.requests) == 1
    assert dict(fake.last.data) == {"Color": "blue", "Twiml": "<Response/>"}
    assert widget.color == "blue"


def test_update_returns_the_instance_and_sends_pending_changes_too(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    widget.name = "pending"
    fake.reply("POST", instance_path(1), widget_record(1, name="pending", color="blue"))
    assert widget.update(color="blue") is widget
    assert dict(fake.last.data) == {"Name": "pending", "Color": "blue"}
    assert (widget.name, widget.color) == ("pending", "blue")


def test_update_drops_none_as_not_given_and_clears_with_an_empty_string(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    with count_requests(client) as sent:
        widget.update(name=None, color=None)  # None is "not given", as the official helpers
    assert sent.count == 0
    fake.reply("POST", instance_path(1), widget_record(1, name=""))
    widget.update(name="", color=None)
    assert dict(fake.last.data) == {"Name": ""}


def test_update_with_nothing_to_change_sends_nothing(client: twiorm.Client) -> None:
    widget = loaded(client)
    with count_requests(client) as sent:
        assert widget.update() is widget
    assert sent.count == 0


def test_a_refused_update_leaves_the_instance_as_it_was(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    widget.name = "pending"
    with pytest.raises(twiorm.ValidationError, match="color"):
        widget.update(twiml="<Response/>", color="purple")
    with pytest.raises(twiorm.ValidationError, match="does not take size"):
        widget.update(size=3)
    assert fake.requests == []
    assert widget.name == "pending"
    assert widget._dirty == {"name"}
    assert "twiml" not in widget.__dict__


def test_update_on_a_resource_without_updates_says_so_first(client: twiorm.Client) -> None:
    from .widgets import Gadget

    gadget = Gadget._from_record(
        {"label": "g", "widget_sid": widget_sid(1), "account_sid": ACCOUNT}, client, {}
    )
    with pytest.raises(twiorm.VerbNotAllowedError):
        gadget.update(label="x")


def test_fetch_refresh_and_delete_answer_as_the_helpers_do(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    fake.reply("GET", instance_path(1), widget_record(1, name="fresh"))
    assert widget.fetch() is widget
    assert widget.name == "fresh"
    fake.reply("GET", instance_path(1), widget_record(1, name="fresher"))
    assert widget.refresh() is widget
    fake.reply("DELETE", instance_path(1), status=204)
    assert widget.delete() is True


def test_delete_and_refresh(client: twiorm.Client, fake: FakeTwilio) -> None:
    widget = loaded(client)
    fake.reply("GET", instance_path(1), widget_record(1, name="fresh"))
    widget.name = "local change"
    widget.refresh()
    assert widget.name == "fresh"
    fake.reply("DELETE", instance_path(1), status=204)
    widget.delete()
    assert [r.method for r in fake.requests] == ["GET", "DELETE"]


def test_instances_use_their_own_account_for_urls(client: twiorm.Client, fake: FakeTwilio) -> None:
    sub = "AC" + "b" * 32
    widget = Widget._from_record(widget_record(1, account_sid=sub), client, {})
    path = f"/2010-04-01/Accounts/{sub}/Widgets/{widget_sid(1)}.json"
    fake.reply("DELETE", path, status=204)
    widget.delete()
    assert fake.last.url.endswith(path)


def test_equality_is_by_class_and_identity(client: twiorm.Client) -> None:
    assert loaded(client, 1) == loaded(client, 1, name="other")
    assert loaded(client, 1) != loaded(client, 2)
    assert len({loaded(client, 1), loaded(client, 1)}) == 1
    assert Widget(name="a") != Widget(name="a")
    with pytest.raises(TypeError):
        hash(Widget(name="a"))


def test_repr_names_resource_and_sid(client: twiorm.Client) -> None:
    assert repr(loaded(client, 3)) == f"<Widget {widget_sid(3)}>"


def test_to_dict_gives_typed_values(client: twiorm.Client) -> None:
    data = loaded(client, 2).to_dict()
    assert data["size"] == 2
    assert data["price"] == Decimal("-0.0250")
    assert "url" not in data  # write-only parameters are not properties


def test_pickle_keeps_data_but_never_the_client(client: twiorm.Client) -> None:
    widget = loaded(client, 2)
    data = pickle.dumps(widget)
    assert AUTH_TOKEN.encode() not in data
    copy = pickle.loads(data)
    assert copy == widget
    assert copy.size == 2
    assert copy._client is None


def test_unknown_constructor_keyword_is_refused() -> None:
    with pytest.raises(twiorm.ValidationError, match="no field 'colour'"):
        Widget(colour="red")


def test_objects_is_not_reachable_from_instances(client: twiorm.Client) -> None:
    with pytest.raises(AttributeError, match="through the class"):
        _ = loaded(client).objects


def test_assignment_checks_the_operation_save_will_send(client: twiorm.Client) -> None:
    from .widgets import Gadget

    widget = loaded(client)
    with pytest.raises(twiorm.ReadOnlyFieldError, match="changed after creation"):
        widget.tags = ["a"]  # create-only parameter on a saved widget
    with pytest.raises(twiorm.ReadOnlyFieldError, match="read-only"):
        Gadget().label = "x"


def test_assigning_an_empty_string_clears_and_none_is_refused(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    fake.reply("POST", instance_path(1), widget_record(1, name=""))
    with pytest.raises(twiorm.ValidationError, match="assign '' to clear"):
        widget.name = None
    widget.name = ""
    widget.save()
    assert list(fake.last.data) == [("Name", "")]  # how Twilio clears a value
    with pytest.raises(twiorm.ValidationError, match="None is never sent"):
        widget.enabled = None


def test_an_unsaved_instance_equals_itself_only() -> None:
    first, second = Widget(name="a"), Widget(name="a")
    assert first == first  # the point of the test
    assert first != second


def test_an_update_twilio_refuses_leaves_nothing_pending(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    widget = loaded(client)
    widget.color = "green"  # pending before the update
    fake.reply(
        "POST", instance_path(1), {"code": 21211, "message": "no", "status": 400}, status=400
    )
    with pytest.raises(twiorm.BadRequestError):
        widget.update(name="refused")
    assert widget.name == "widget 1"
    assert widget._dirty == {"color"}, "the earlier assignment stays pending, the refused one not"


def test_refresh_takes_the_resources_fetch_parameters(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    from twiorm.resources import Recording

    sid = "RE" + "1" * 32
    recording = Recording._from_record({"sid": sid, "account_sid": ACCOUNT}, client, {})
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}.json"
    fake.reply("GET", path, {"sid": sid, "account_sid": ACCOUNT})
    recording.fetch(include_soft_deleted=True)
    assert dict(fake.last.params) == {"IncludeSoftDeleted": "true"}


def test_a_misspelt_attribute_is_refused_with_the_closest_field(client: twiorm.Client) -> None:
    widget = loaded(client)
    with pytest.raises(AttributeError, match=r"no field 'nmae' \(did you mean 'name'\?\)"):
        widget.nmae = "typo"
    assert not widget._dirty
    with pytest.raises(twiorm.ValidationError, match=r"did you mean 'color'\?"):
        widget.update(colour="red")
    with pytest.raises(twiorm.ValidationError, match=r"did you mean 'name'\?"):
        Widget(nam="x")


def test_empty_strings_for_numbers_read_as_none(client: twiorm.Client) -> None:
    # Twilio sends "" for a number it does not have yet (num_segments of a queued message).
    widget = loaded(client, size="", price="", date_created="")
    assert (widget.size, widget.price, widget.date_created) == (None, None, None)
    assert Widget._meta.response_schema.load(widget_record(1, size="", price=""))["size"] is None
    assert loaded(client, name="").name == ""  # a string stays a string


def test_the_response_schema_reads_as_attributes_do(client: twiorm.Client) -> None:
    record = widget_record(1, date_created="Fri, 18 Oct 2019 19:00:00 +0200")
    loaded_by_schema = Widget._meta.response_schema.load(record)
    widget = loaded(client, date_created="Fri, 18 Oct 2019 19:00:00 +0200")
    for name in ("date_created", "size", "price", "enabled", "day"):
        assert loaded_by_schema[name] == getattr(widget, name)
    assert loaded_by_schema["date_created"].tzinfo == timezone.utc  # one rule: UTC
    dumped = Widget._meta.response_schema.dump(loaded_by_schema)
    assert dumped["date_created"] == "Fri, 18 Oct 2019 17:00:00 +0000"
    assert (dumped["size"], dumped["price"], dumped["day"]) == ("1", "-0.0250", "2019-10-18")


def test_to_dict_has_a_json_safe_form(client: twiorm.Client) -> None:
    import json

    widget = loaded(client, date_created="Fri, 18 Oct 2019 19:00:00 +0200")
    with pytest.raises(TypeError):
        json.dumps(widget.to_dict())  # typed values, as read
    shown = json.loads(json.dumps(widget.to_dict(mode="json")))
    assert shown["date_created"] == "2019-10-18T17:00:00Z"
    assert (shown["day"], shown["price"], shown["size"]) == ("2019-10-18", "-0.0250", 1)
    with pytest.raises(ValueError, match="mode"):
        widget.to_dict(mode="yaml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([widget_record(1)], "got list"),
        ({"widgets": [], "page": 0}, "with 'sid'"),
    ],
)
def test_an_answer_that_is_not_the_record_says_where_it_came_from(
    client: twiorm.Client, fake: FakeTwilio, body: object, problem: str
) -> None:
    fake.reply("GET", instance_path(1), body)
    with pytest.raises(twiorm.MalformedResponseError, match=problem) as caught:
        Widget.objects.using(client).get(widget_sid(1))
    error = caught.value
    assert (error.status, error.method) == (200, "GET")
    assert error.url.endswith(instance_path(1))
    assert error.body
    fake.reply("POST", LIST, [widget_record(1)], status=201)
    with pytest.raises(twiorm.MalformedResponseError) as created:
        Widget.objects.using(client).create(name="n", url="https://example.com/x")
    assert (created.value.status, created.value.method) == (201, "POST")


def test_an_excerpt_of_a_malformed_answer_hides_secrets(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", instance_path(1), [{"auth_token": AUTH_TOKEN, "sid": widget_sid(1)}])
    with pytest.raises(twiorm.MalformedResponseError) as caught:
        Widget.objects.using(client).get(widget_sid(1))
    assert AUTH_TOKEN not in str(caught.value)
    assert AUTH_TOKEN not in caught.value.body
