"""Query sets: lazy and immutable while chaining, one choke point when evaluating."""

from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

import twiorm
from twiorm.testing import count_requests

from ..conftest import FakeTwilio
from .widgets import ACCOUNT, Gadget, Widget, widget_page, widget_record, widget_sid

LIST = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets.json"


def query(request: twiorm.transport.HTTPRequest) -> dict[str, str]:
    return dict(request.params)


def test_building_and_chaining_send_nothing(client: twiorm.Client, fake: FakeTwilio) -> None:
    with count_requests(client) as sent:
        qs = Widget.objects.using(client).filter(name="a").filter(color="red")[:10]
        qs = qs.all()
        repr(qs)
        qs.request()
    assert sent.count == 0
    assert fake.requests == []


def test_chaining_returns_new_query_sets(client: twiorm.Client) -> None:
    base = Widget.objects.using(client).all()
    narrowed = base.filter(color="red")
    assert narrowed is not base
    assert "Color" not in base.request().params
    assert narrowed.request().params["Color"] == "red"


def test_repr_shows_the_request_without_a_client_and_sends_nothing() -> None:
    text = repr(Widget.objects.filter(name="x")[:5])
    assert "GET api:/2010-04-01/Accounts/{account_sid}/Widgets.json?Name=x&PageSize=5" in text


def test_filters_compile_to_twilio_parameter_names(client: twiorm.Client) -> None:
    spec = (
        Widget.objects.using(client)
        .filter(
            name="n",
            enabled=False,
            date_created__gte=date(2026, 1, 1),
            date_created__lte=datetime(2026, 2, 1, 12, 30, tzinfo=timezone.utc),
            day=date(2026, 3, 4),
        )
        .request()
    )
    assert spec.path == LIST
    assert dict(spec.params) == {
        "Name": "n",
        "Enabled": "false",
        "DateCreated>": "2026-01-01",
        "DateCreated<": "2026-02-01T12:30:00Z",
        "Day": "2026-03-04",
        "PageSize": "1000",
    }
    assert "DateCreated%3E=2026-01-01" in spec.query_string


def test_aware_datetimes_are_sent_in_utc(client: twiorm.Client) -> None:
    from datetime import timedelta

    paris = timezone(timedelta(hours=1))
    spec = (
        Widget.objects.using(client)
        .filter(date_created__gte=datetime(2026, 1, 1, 1, 0, tzinfo=paris))
        .request()
    )
    assert spec.params["DateCreated>"] == "2026-01-01T00:00:00Z"


def test_unknown_filter_is_refused_before_any_request(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    with pytest.raises(twiorm.InvalidFilterError) as caught:
        Widget.objects.using(client).filter(size=3)
    message = str(caught.value)
    assert "Widget" in message
    assert "size" in message
    assert "date_created__gte" in message
    assert caught.value.resource == "Widget"
    assert caught.value.field == "size"
    assert fake.requests == []


def test_unsupported_lookup_is_refused(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.InvalidFilterError, match="name__gte"):
        Widget.objects.using(client).filter(name__gte="a")


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("enabled", "yes"),
        ("color", "purple"),
        ("date_created__gte", "last week"),
        ("day", datetime(2026, 1, 1, 5)),
        ("name", 12),
    ],
)
def test_filter_values_of_the_wrong_type_are_refused(
    client: twiorm.Client, keyword: str, value: object
) -> None:
    with pytest.raises(twiorm.InvalidFilterError) as caught:
        Widget.objects.using(client).filter(**{keyword: value})
    assert caught.value.field == keyword
    assert caught.value.expected
    assert "Widget" in str(caught.value)


def test_slice_asks_for_that_page_size_and_stops(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply(
        "GET",
        LIST,
        widget_page(
            [widget_record(i) for i in range(3)], next_page_uri=LIST + "?Page=1&PageToken=PA1"
        ),
    )
    with count_requests(client) as sent:
        found = list(Widget.objects.using(client).all()[:3])
    assert sent.count == 1
    assert query(fake.last)["PageSize"] == "3"
    assert [w.sid for w in found] == [widget_sid(i) for i in range(3)]


def test_large_slice_uses_the_largest_page_and_stops_after_n(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    first = [widget_record(i) for i in range(1000)]
    second = [widget_record(i) for i in range(1000, 2000)]
    fake.reply(
        "GET", LIST, widget_page(first, next_page_uri=LIST + "?PageSize=1000&Page=1&PageToken=PA")
    )
    fake.reply(
        "GET", LIST, widget_page(second, next_page_uri=LIST + "?PageSize=1000&Page=2&PageToken=PB")
    )
    found = list(Widget.objects.using(client).all()[:1500])
    assert len(found) == 1500
    assert len(fake.requests) == 2
    assert query(fake.requests[0])["PageSize"] == "1000"
    # The next page is requested exactly as Twilio linked it.
    assert query(fake.requests[1]) == {"PageSize": "1000", "Page": "1", "PageToken": "PA"}


def test_offset_slice_skips_records(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(i) for i in range(5)]))
    found = list(Widget.objects.using(client).all()[2:5])
    assert query(fake.last)["PageSize"] == "5"
    assert [w.size for w in found] == [2, 3, 4]


def test_iterator_streams_every_page_and_caches_nothing(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply(
        "GET",
        LIST,
        widget_page(
            [widget_record(0), widget_record(1)],
            next_page_uri=LIST + "?PageSize=2&Page=1&PageToken=PA1",
        ),
    )
    fake.reply("GET", LIST, widget_page([widget_record(2)], page=1))
    qs = Widget.objects.using(client).all()
    stream = qs.iterator(page_size=2)
    assert fake.requests == []  # a generator: nothing until the first record is wanted
    assert next(stream).size == 0
    assert len(fake.requests) == 1
    assert [w.size for w in stream] == [1, 2]
    assert len(fake.requests) == 2
    assert qs._result_cache is None


def test_evaluating_caches_the_result(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(0)]))
    qs = Widget.objects.using(client).all()
    assert len(qs) == 1
    assert next(iter(qs)).sid == widget_sid(0)
    assert bool(qs)
    assert qs.count() == 1
    assert qs.exists()
    assert qs.first() is not None
    assert len(fake.requests) == 1


def test_exists_and_first_ask_for_one_record(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", LIST, widget_page([]))
    fake.reply("GET", LIST, widget_page([widget_record(7)]))
    assert Widget.objects.using(client).exists() is False
    assert query(fake.last)["PageSize"] == "1"
    assert Widget.objects.using(client).first() == Widget._from_record(widget_record(7), None, {})
    assert query(fake.last)["PageSize"] == "1"


def test_count_pages_through_everything(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply(
        "GET",
        LIST,
        widget_page(
            [widget_record(i) for i in range(3)], next_page_uri=LIST + "?Page=1&PageToken=PA"
        ),
    )
    fake.reply("GET", LIST, widget_page([widget_record(9)]))
    assert Widget.objects.using(client).count() == 4


def test_get_by_sid_costs_one_request(client: twiorm.Client, fake: FakeTwilio) -> None:
    sid = widget_sid(5)
    fake.reply("GET", f"{LIST[:-5]}/{sid}.json", widget_record(5))
    with count_requests(client) as sent:
        widget = Widget.objects.using(client).get(sid)
    assert sent.count == 1
    assert widget.sid == sid
    assert widget.size == 5


def test_get_missing_sid_raises_does_not_exist_which_is_also_a_404(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    sid = widget_sid(5)
    fake.reply(
        "GET",
        f"{LIST[:-5]}/{sid}.json",
        {
            "code": 20404,
            "message": "The requested resource was not found",
            "more_info": "https://www.twilio.com/docs/errors/20404",
            "status": 404,
        },
        status=404,
        headers={"Twilio-Request-Id": "RQ" + "1" * 32},
    )
    with pytest.raises(Widget.DoesNotExist) as caught:
        Widget.objects.using(client).get(sid)
    error = caught.value
    assert error.headers["twilio-request-id"] == "RQ" + "1" * 32
    assert isinstance(error, twiorm.NotFoundError)
    assert isinstance(error, twiorm.ObjectDoesNotExist)
    assert (error.status, error.code) == (404, 20404)
    assert error.more_info == "https://www.twilio.com/docs/errors/20404"
    assert error.method == "GET"
    assert error.url.endswith(f"{sid}.json")


def test_get_with_a_malformed_sid_sends_nothing(client: twiorm.Client, fake: FakeTwilio) -> None:
    for bad in ("../Calls", "WI123", "CA" + "0" * 32, "WI" + "0" * 32 + "?x=1", "%2e%2e"):
        with pytest.raises(twiorm.InvalidPathParameterError) as caught:
            Widget.objects.using(client).get(bad)
        assert caught.value.field == "sid"
    assert fake.requests == []


def test_get_by_filters_needs_exactly_one_match(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", LIST, widget_page([]))
    fake.reply("GET", LIST, widget_page([widget_record(1), widget_record(2)]))
    fake.reply("GET", LIST, widget_page([widget_record(3)]))
    manager = Widget.objects.using(client)
    with pytest.raises(Widget.DoesNotExist, match="name='x'"):
        manager.get(name="x")
    with pytest.raises(Widget.MultipleObjectsReturned):
        manager.get(name="x")
    assert manager.get(name="x").size == 3
    assert query(fake.last) == {"Name": "x", "PageSize": "2"}


def test_indexing_fetches_one_record(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(0), widget_record(1)]))
    assert Widget.objects.using(client).all()[1].size == 1
    assert query(fake.last)["PageSize"] == "2"
    fake.reply("GET", LIST, widget_page([]))
    with pytest.raises(IndexError):
        Widget.objects.using(client).all()[0]


def test_negative_indexes_and_steps_are_refused(client: twiorm.Client) -> None:
    qs = Widget.objects.using(client).all()
    with pytest.raises(twiorm.ValidationError):
        qs[-1:]
    with pytest.raises(twiorm.ValidationError):
        qs[::2]


def test_page_size_outside_twilio_limits_is_refused(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.ValidationError, match="between 1 and 1000"):
        next(Widget.objects.using(client).iterator(page_size=1001))


def test_path_parameters_come_from_filter_keywords(client: twiorm.Client, fake: FakeTwilio) -> None:
    spec = Gadget.objects.using(client).filter(widget_sid=widget_sid(1)).request()
    assert spec.path == f"/2010-04-01/Accounts/{ACCOUNT}/Widgets/{widget_sid(1)}/Gadgets.json"


def test_missing_path_parameter_is_a_clear_error(client: twiorm.Client, fake: FakeTwilio) -> None:
    with pytest.raises(twiorm.InvalidPathParameterError, match="widget_sid"):
        list(Gadget.objects.using(client).all())
    assert fake.requests == []


def test_subaccount_is_a_path_parameter(client: twiorm.Client) -> None:
    sub = "AC" + "b" * 32
    spec = Widget.objects.using(client).filter(account_sid=sub).request()
    assert spec.path == f"/2010-04-01/Accounts/{sub}/Widgets.json"


def test_free_text_identity_is_percent_encoded(client: twiorm.Client, fake: FakeTwilio) -> None:
    path = f"/2010-04-01/Accounts/{ACCOUNT}/Widgets/{widget_sid(1)}/Gadgets/a%2Fb%3Fc.json"
    fake.reply("GET", path, {"label": "a/b?c", "widget_sid": widget_sid(1)})
    gadget = Gadget.objects.using(client).get("a/b?c", widget_sid=widget_sid(1))
    assert gadget.label == "a/b?c"
    assert urlsplit(fake.last.url).path == path
    for bad in ("", ".", "..", "a\nb"):
        with pytest.raises(twiorm.InvalidPathParameterError):
            Gadget.objects.using(client).get(bad, widget_sid=widget_sid(1))


def test_verbs_not_allowed_raise_a_typed_error(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.VerbNotAllowedError, match="Gadget does not allow create"):
        Gadget.objects.using(client).create(label="x", widget_sid=widget_sid(1))


def test_managers_use_the_default_client(client: twiorm.Client, fake: FakeTwilio) -> None:
    twiorm.set_default_client(client)
    fake.reply("GET", LIST, widget_page([widget_record(0)]))
    assert [w.size for w in Widget.objects.all()] == [0]


def test_without_any_client_the_error_says_how_to_configure(fake: FakeTwilio) -> None:
    with pytest.raises(twiorm.ConfigurationError, match="TWILIO_ACCOUNT_SID"):
        list(Widget.objects.all())


def test_using_routes_to_another_account(fake: FakeTwilio) -> None:
    from twiorm.transport import FunctionTransport

    other = twiorm.Client("AC" + "c" * 32, "other-token", transport=FunctionTransport(fake))
    fake.reply("GET", f"/2010-04-01/Accounts/{'AC' + 'c' * 32}/Widgets.json", widget_page([]))
    assert list(Widget.objects.using(other).all()) == []
    assert fake.last.auth == ("AC" + "c" * 32, "other-token")


def test_next_page_link_keeps_its_own_query(client: twiorm.Client, fake: FakeTwilio) -> None:
    link = LIST + "?Name=a%26b&PageSize=1&Page=1&PageToken=PA1"
    fake.reply("GET", LIST, widget_page([widget_record(0)], next_page_uri=link))
    fake.reply("GET", LIST, widget_page([]))
    list(Widget.objects.using(client).filter(name="a&b").iterator(page_size=1))
    assert parse_qsl(urlsplit(link).query) == list(fake.requests[1].params)


def test_repr_names_the_default_account_once_one_is_set(client: twiorm.Client) -> None:
    qs = Widget.objects.filter(name="x")
    assert "{account_sid}" in repr(qs)
    twiorm.set_default_client(client)
    assert f"/Accounts/{ACCOUNT}/Widgets.json" in repr(qs)


def test_get_by_identity_refuses_filters_it_could_not_apply(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    with pytest.raises(twiorm.ValidationError, match="cannot apply the filters color='red'"):
        Widget.objects.using(client).filter(color="red").get(widget_sid(1))
    assert fake.requests == []


def test_page_on_a_sliced_query_set_is_refused(client: twiorm.Client, fake: FakeTwilio) -> None:
    with pytest.raises(twiorm.ValidationError, match="page\\(\\) reads Twilio's own pages"):
        Widget.objects.using(client).all()[3:7].page(page_size=2)
    assert fake.requests == []


@pytest.mark.parametrize("key", [slice("a", None), slice(None, 2.5), slice(True, 3), True])
def test_indexes_and_slice_bounds_must_be_integers(client: twiorm.Client, key: object) -> None:
    with pytest.raises(twiorm.ValidationError, match="integers"):
        Widget.objects.using(client).all()[key]  # type: ignore[index]


def test_a_fetch_answered_without_the_identity_is_malformed(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    sid = widget_sid(1)
    fake.reply("GET", f"{LIST[:-5]}/{sid}.json", {"widgets": [], "next_page_uri": None})
    with pytest.raises(twiorm.MalformedResponseError, match="expected a Widget record with 'sid'"):
        Widget.objects.using(client).get(sid)


def test_refused_verbs_and_read_only_fields_say_where(client: twiorm.Client) -> None:
    from .widgets import Gadget

    with pytest.raises(twiorm.VerbNotAllowedError) as refused:
        Gadget.objects.using(client).create(label="x")
    assert (refused.value.resource, refused.value.verb) == ("Gadget", "create")
    widget = Widget._from_record(widget_record(1), client, {})
    with pytest.raises(twiorm.ReadOnlyFieldError) as read_only:
        widget.size = 3
    assert (read_only.value.resource, read_only.value.field) == ("Widget", "size")


def test_a_pickled_query_set_comes_back_unbound_with_its_filters(client: twiorm.Client) -> None:
    import pickle

    queryset = Widget.objects.using(client).filter(color="red")[:5]
    restored = pickle.loads(pickle.dumps(queryset))
    assert restored._client is None
    assert restored.using(client).request() == queryset.request()


def test_a_link_back_to_the_first_page_is_caught_before_any_record_repeats(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    second = f"{LIST}?PageSize=2&Page=1&PageToken=PA1"
    fake.reply("GET", LIST, widget_page([widget_record(1), widget_record(2)], second))
    fake.reply("GET", LIST, widget_page([widget_record(3)], f"{LIST}?PageSize=2"))
    seen: list[str] = []

    def read_all() -> None:
        seen.extend(widget.sid for widget in Widget.objects.using(client).iterator(page_size=2))

    with pytest.raises(twiorm.MalformedResponseError, match="repeats an earlier page"):
        read_all()
    assert seen == [widget_sid(1), widget_sid(2), widget_sid(3)]
    assert len(fake.requests) == 2


def test_an_empty_page_that_links_on_is_followed_but_not_forever(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", LIST, widget_page([widget_record(1)], f"{LIST}?Page=1&PageToken=PA1"))
    fake.reply("GET", LIST, widget_page([], f"{LIST}?Page=2&PageToken=PA2"))
    fake.reply("GET", LIST, widget_page([widget_record(2)]))
    assert [w.sid for w in Widget.objects.using(client).all()] == [widget_sid(1), widget_sid(2)]

    fake.requests.clear()
    for n in range(12):
        fake.reply("GET", LIST, widget_page([], f"{LIST}?Page={n + 1}&PageToken=PA{n + 1}"))
    with pytest.raises(twiorm.MalformedResponseError, match="follows 11 empty pages"):
        list(Widget.objects.using(client).all())
    assert len(fake.requests) == 11


def test_request_names_the_account_the_query_set_would_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queryset = Widget.objects.filter(color="red")
    with pytest.raises(twiorm.InvalidPathParameterError, match="needs account_sid"):
        queryset.request()  # no client anywhere: the path cannot be built
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "e" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-the-environment")
    assert queryset.request().path.startswith(f"/2010-04-01/Accounts/AC{'e' * 32}/")
    default = twiorm.Client("AC" + "d" * 32, "token")
    twiorm.set_default_client(default)
    try:
        assert queryset.request().path.startswith(f"/2010-04-01/Accounts/AC{'d' * 32}/")
    finally:
        twiorm.set_default_client(None)


def test_a_day_filter_refuses_a_moment_and_sends_a_date_exactly(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.InvalidFilterError, match=r"date_created__gte or date_created__lte"):
        Widget.objects.filter(date_created=datetime(2026, 1, 1, 13, 30))
    with pytest.raises(twiorm.InvalidFilterError, match="whole day"):
        Widget.objects.filter(date_created="2026-01-01T13:30:00Z")
    on_the_day = Widget.objects.using(client).filter(date_created=date(2026, 1, 1)).request()
    assert on_the_day.params["DateCreated"] == "2026-01-01"
    since = Widget.objects.using(client).filter(date_created__gte=date(2026, 1, 1)).request()
    assert since.params["DateCreated>"] == "2026-01-01"  # not 2026-01-01T00:00:00Z


def test_unknown_filters_suggest_the_closest() -> None:
    with pytest.raises(twiorm.InvalidFilterError, match=r"did you mean 'color'\?"):
        Widget.objects.filter(colour="red")
