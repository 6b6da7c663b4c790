"""Fields: the fast readers agree with the marshmallow schema; inputs are checked and encoded."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import twiorm
from twiorm import fields
from twiorm.dates import parse_iso8601, parse_rfc2822

from .widgets import Widget, widget_record

UTC = timezone.utc
aware_datetimes = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]),
).map(lambda d: d.replace(microsecond=0))


@given(aware_datetimes)
def test_rfc2822_fast_parser_agrees_with_the_stdlib(moment: datetime) -> None:
    text = format_datetime(moment)  # what Twilio sends, in any offset
    parsed = parse_rfc2822(text)
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(0)


@given(aware_datetimes)
def test_iso8601_parser_returns_utc(moment: datetime) -> None:
    parsed = parse_iso8601(moment.isoformat())
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(0)
    assert parse_iso8601(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")) == moment


def test_bad_dates_raise_value_error() -> None:
    for text in ("yesterday", "Fri, 32 Oct 2019 17:00:00 +0000", ""):
        with pytest.raises(ValueError, match="RFC 2822"):
            parse_rfc2822(text)


records = st.fixed_dictionaries(
    {
        "sid": st.from_regex(r"\AWI[0-9a-f]{32}\Z"),
        "name": st.text(max_size=20),
        "color": st.sampled_from(["red", "green", "blue"]),
        "size": st.integers(0, 10**6).map(str),
        "price": st.decimals(
            allow_nan=False, allow_infinity=False, places=5, min_value=-1000, max_value=1000
        ).map(str),
        "enabled": st.booleans(),
        "date_created": aware_datetimes.map(format_datetime),
        "day": st.dates().map(date.isoformat),
    }
)


@given(records)
def test_every_field_reads_as_the_response_schema_loads_it(record: dict[str, str]) -> None:
    instance = Widget._from_record(dict(record), None, {})
    expected = Widget._meta.response_schema.load(record)
    for name in record:
        assert getattr(instance, name) == expected[name], name


def test_the_response_schema_keeps_unknown_keys() -> None:
    loaded = Widget._meta.response_schema.load(widget_record(1, surprise=1))
    assert loaded["surprise"] == 1


@pytest.mark.parametrize(
    ("field", "value", "wire"),
    [
        (fields.Bool(), True, "true"),
        (fields.Bool(), False, "false"),
        (fields.Int(), 30, "30"),
        (fields.Decimal(), Decimal("0.50"), "0.50"),
        (fields.List(fields.Str()), ["initiated", "ringing"], ["initiated", "ringing"]),
        (fields.ISODateTime(), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05Z"),
        (fields.Date(), date(2026, 1, 2), "2026-01-02"),
        (fields.Json(), {"a": [1, 2]}, '{"a":[1,2]}'),
        (fields.Json(), '{"already": "json"}', '{"already": "json"}'),
    ],
)
def test_values_encode_as_twilio_expects(
    field: fields.Field[object], value: object, wire: object
) -> None:
    assert field.to_wire(field.clean(value)) == wire


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (fields.Bool(), "true"),
        (fields.Int(), True),
        (fields.Int(), "3"),
        (fields.Decimal(), "NaN"),
        (fields.Sid("CA"), "CA123"),
        (fields.Sid("CA"), "PN" + "0" * 32),
        (fields.PhoneNumber(), "555-1234"),
        (fields.PhoneNumber(), "+1 415 555"),
        (fields.Endpoint(), ""),
        (fields.Uri(), "ftp://example.com/x"),
        (fields.Uri(), "/relative"),
        (fields.Str(), "bad\x00byte"),
        (fields.Enum(("a", "b")), "c"),
        (fields.HttpMethod(), "PUT"),
        (fields.Date(), datetime(2026, 1, 1)),
        (fields.Object(), [1]),
        (fields.Json(), object()),
    ],
)
def test_invalid_inputs_are_refused(field: fields.Field[object], value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        field.clean(value)


@pytest.mark.parametrize(
    "value",
    [
        "+14155550100",
        "whatsapp:+14155550100",
        "client:alice",
        "sip:a@b.example.com",
    ],
)
def test_endpoint_accepts_numbers_and_addresses(value: str) -> None:
    assert fields.Endpoint().clean(value) == value


@pytest.mark.parametrize("value", ["12345", "Twilio", "call me"])
def test_endpoint_refuses_sender_ids_that_phone_numbers_accept(value: str) -> None:
    assert fields.PhoneNumber().clean(value) == value  # a short code or sender ID may send SMS
    with pytest.raises(ValueError, match="E.164"):
        fields.Endpoint().clean(value)


def test_enum_write_choices_narrow_create_and_update() -> None:
    status = fields.Enum(("queued", "completed", "canceled"), write_choices=("canceled",))
    assert status.clean_for("queued", "filter") == "queued"
    with pytest.raises(ValueError, match="one of canceled"):
        status.clean_for("queued", "update")


def test_http_method_is_case_insensitive_on_input() -> None:
    assert fields.HttpMethod().clean("post") == "POST"


def test_a_single_value_for_a_list_is_one_element() -> None:
    assert fields.List(fields.Str()).clean("answered") == ["answered"]


def test_validation_errors_name_resource_field_and_expectation() -> None:
    error = Widget._meta.fields["color"].validation_error("purple")
    assert isinstance(error, twiorm.ValidationError)
    assert isinstance(error, ValueError)
    assert (error.resource, error.field) == ("Widget", "color")
    assert str(error) == "Widget.color: expected one of red, green, blue, got 'purple'"


def test_twilios_own_date_shape_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import twiorm.dates

    def refuse(text: str) -> None:
        raise AssertionError(f"the general parser was used for {text!r}")

    monkeypatch.setattr(twiorm.dates, "parsedate_to_datetime", refuse)
    parsed = parse_rfc2822("Tue, 31 Aug 2010 20:36:28 +0000")
    assert parsed == datetime(2010, 8, 31, 20, 36, 28, tzinfo=UTC)


filter_values = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=10).filter(lambda t: t.isprintable()),
        "color": st.sampled_from(["red", "green", "blue", "purple"]),
        "enabled": st.one_of(st.booleans(), st.just("yes")),
        "date_created__gte": st.one_of(aware_datetimes, st.dates(), st.just("soon")),
        "date_created__lte": st.one_of(aware_datetimes.map(lambda d: d.replace(tzinfo=None))),
        "day__lte": st.one_of(st.dates(), aware_datetimes),
    },
)


@given(filter_values)
def test_the_marshmallow_filter_schema_agrees_with_the_requests_sent(
    filters: dict[str, object],
) -> None:
    import marshmallow as ma

    operation = Widget._meta.operation("list")
    try:
        compiled = operation.encode(filters).query
    except twiorm.InvalidFilterError:
        compiled = None  # then the schema must refuse them too
    schema = Widget.schema("filter")
    by_wire = {operation.parameters[name].wire: value for name, value in filters.items()}
    if compiled is None:
        with pytest.raises(ma.ValidationError):
            schema.load(by_wire)
    else:
        assert schema.dump(schema.load(by_wire)) == compiled


def test_building_a_query_does_not_load_marshmallow() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, twiorm; from twiorm.resources import Call;"
        "Call.objects.using(twiorm.Client('AC' + '0' * 32, 't')).filter(to='+14155550100');"
        "print('marshmallow' in sys.modules)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (fields.PhoneNumber(), "+14155550100\n"),
        (fields.Endpoint(), "+14155550100\n"),
        (fields.PhoneNumber(), "whatsapp:+14155550100\n"),
        (fields.Uri(), "https://example.com/\nx"),
        (fields.Uri(), "https://example.com/\tx"),
        (fields.Uri(), "https://example.com/\x00"),
    ],
)
def test_a_trailing_newline_or_control_character_is_refused(
    field: fields.Field[str], value: str
) -> None:
    field.__set_name__(Widget, "probe")
    with pytest.raises(twiorm.ValidationError):
        field.validate(value, "create")


def test_http_methods_are_accepted_in_any_case_for_every_operation() -> None:
    field = fields.HttpMethod(create=True, update=True)
    field.__set_name__(Widget, "method")
    assert [field.validate(v, op) for v, op in [("post", "create"), ("get", "update")]] == [
        "POST",
        "GET",
    ]


def test_an_enum_refused_on_write_names_the_writable_choices() -> None:
    field = fields.Enum(("queued", "busy", "completed"), write_choices=("completed",), update=True)
    field.__set_name__(Widget, "status")
    with pytest.raises(twiorm.ValidationError) as caught:
        field.validate("busy", "update")
    assert caught.value.expected == "one of completed on update"
    assert "queued" not in str(caught.value)


def test_number_filters_take_wildcards_and_call_filters_take_sim_sids() -> None:
    number, endpoint = fields.PhoneNumber(filter=True), fields.Endpoint(filter=True)
    number.__set_name__(Widget, "phone_number")
    endpoint.__set_name__(Widget, "to")
    sim = "DE" + "0" * 32
    assert number.validate("+1415555****", "filter") == "+1415555****"
    assert endpoint.validate(sim, "filter") == sim
    with pytest.raises(twiorm.ValidationError):
        number.validate("+1415555****", "create")  # only filters match patterns
    with pytest.raises(twiorm.ValidationError):
        endpoint.validate(sim, "create")


def test_assigning_none_is_refused_with_how_to_clear(client: twiorm.Client) -> None:
    from twiorm.resources import IncomingPhoneNumber

    number = IncomingPhoneNumber._from_record({"sid": "PN" + "1" * 32}, client, {})
    for name in ("voice_application_sid", "friendly_name", "voice_url"):
        with pytest.raises(twiorm.ValidationError, match=r"None is never sent; assign '' to clear"):
            setattr(number, name, None)
    assert not number._dirty
    number.friendly_name = ""
    assert number.friendly_name == ""


def test_date_time_parameters_and_day_filters_say_which_they_take() -> None:
    send_at = fields.ISODateTime(create=True)
    send_at.__set_name__(Widget, "send_at")
    with pytest.raises(twiorm.ValidationError) as caught:
        send_at.validate(date(2026, 12, 1), "create")
    assert caught.value.expected == "a datetime or an ISO 8601 date-time string, not a date"
    day = fields.RFC2822DateTime(filter=fields.RANGE, filter_format="date")
    day.__set_name__(Widget, "date_created")
    with pytest.raises(twiorm.ValidationError) as refused:
        day.validate(datetime(2026, 1, 1, tzinfo=UTC), "filter")
    assert "compares whole days" in refused.value.expected
    assert "a datetime, a date" not in str(refused.value)


@pytest.mark.parametrize(
    ("given", "wire"), [("1E+1", "10"), (1e-7, "0.0000001"), ("-0.0300", "-0.0300"), (2, "2")]
)
def test_decimals_go_out_in_plain_notation(given: object, wire: str) -> None:
    price = fields.Decimal(create=True)
    price.__set_name__(Widget, "max_price")
    assert price.to_wire(price.validate(given, "create")) == wire


def test_a_verification_may_let_twilio_pick_the_channel() -> None:
    from twiorm.resources import Verification

    channel = Verification._meta.fields["channel"]
    assert channel.validate("auto", "create") == "auto"
    assert "auto" not in channel.choices  # responses name the channel actually used


def test_date_filters_take_the_rfc_2822_dates_twilio_answers_with() -> None:
    moment = fields.RFC2822DateTime(filter=fields.RANGE)
    moment.__set_name__(Widget, "date_created")
    cleaned = moment.validate("Wed, 19 Jun 2019 22:04:00 -0000", "filter")
    assert cleaned == datetime(2019, 6, 19, 22, 4, tzinfo=UTC)
    assert moment.filter_to_wire(cleaned) == "2019-06-19T22:04:00Z"
    with pytest.raises(twiorm.ValidationError):
        moment.validate("yesterday", "filter")


def test_rejected_values_of_secret_parameters_are_never_echoed(client: twiorm.Client) -> None:
    from twiorm.resources import Call

    password = "hunter2\x00-very-secret"
    with pytest.raises(twiorm.ValidationError) as caught:
        Call.objects.using(client).create(
            to="+14155550100",
            from_="+14155550199",
            url="https://example.com/twiml",
            sip_auth_password=password,
        )
    error = caught.value
    assert error.field == "sip_auth_password"
    chain = [error, error.__context__, error.__cause__]
    assert all(password not in repr(e) and password not in str(e) for e in chain)
    assert "hunter2" not in str(error)
    assert "<hidden>" in str(error)
    assert error.__context__ is None  # no marshmallow error holding the input data
    assert Call.sip_auth_password.secret
    assert not Call.to.secret
