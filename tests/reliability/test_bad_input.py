"""Hostile input: every identity, path parameter, filter and field value either becomes a
request that stays inside its resource's path, or is refused with ``ValidationError``
before anything is sent.

hypothesis draws the inputs from arbitrary Unicode (lone surrogates included), non-string
values, and pieces known to break URL handling (``..``, ``%2e%2e``, ``/``, ``?``, control
characters, bidi overrides, fullwidth dots). A request counts as "inside" when its path
has exactly the template's segments, every fixed segment unchanged, and every placeholder
filled by one percent-encoded segment that decodes back to the value given and that,
decoded once more or Unicode-normalised (as some servers and proxies do), still cannot
be read as ``.``, ``..``, an empty segment or a separator.
"""

from __future__ import annotations

import json
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import twiorm
from twiorm.resources import Call, Message, Participant, PhoneNumber
from twiorm.transport import HTTPRequest, HTTPResponse

from .conftest import AUTH_TOKEN
from .figures import FIGURES
from .flaky import ACCOUNT_SID, FlakyTwilio

BASE = "https://api.twilio.com"
SID = {prefix: prefix + "0123456789abcdef" * 2 for prefix in ("CA", "CF", "AC", "SM")}

NASTY = [
    "..",
    ".",
    "/",
    "\\",
    "../Calls",
    "..%2fCalls",
    "%2e%2e",
    "%2E%2e",
    "%2f",
    "%5c",
    "?x=1",
    "#top",
    "&To=+1",
    "\x00",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\u0085",
    "\u202e",
    "\u2066",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200d",
    "\uff0e\uff0e",
    "\uff0f",
    "\u2024\u2024",
    "%00",
    " ",
    "\ud800",
    "\udfff",
    "é",
    "😀",
    "{sid}",
    "%",
    "+",
    "=",
    SID["CA"],
    SID["AC"],
    "+14155550100",
]
any_char = st.characters(exclude_categories=())  # lone surrogates included
pieces = st.one_of(st.sampled_from(NASTY), st.text(any_char, max_size=6))
plausible = st.one_of(
    st.from_regex(r"\A(CA|CF|AC|SM)[0-9a-fA-F]{32}\Z"),
    st.from_regex(r"\A\+[1-9][0-9]{6,14}\Z"),
    st.text(
        st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cc", "Cs")),
        min_size=1,
        max_size=16,
    ),
)
texts = st.one_of(
    plausible,
    st.lists(pieces, max_size=5).map("".join),
    # almost-SIDs: right prefix, wrong length or case, a nasty tail
    st.builds(
        lambda prefix, digits, tail: prefix + digits + tail,
        st.sampled_from(["CA", "CF", "AC", "ca", "XX", ""]),
        st.text("0123456789abcdefABCDEFg", min_size=30, max_size=34),
        st.sampled_from(["", *NASTY]),
    ),
)
non_strings = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=8),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=True),
)
values = st.one_of(texts, non_strings)
identities = values.filter(lambda value: value is not None)  # None means "no identity"
INPUT_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


class Recorder:
    """A transport that records what would be sent and answers with a bland success."""

    def __init__(self) -> None:
        self.sent: list[HTTPRequest] = []

    def send(self, request: HTTPRequest) -> HTTPResponse:
        self.sent.append(request)
        if request.method == "GET" and any(name == "PageSize" for name, _ in request.params):
            body: dict[str, Any] = {"calls": [], "participants": [], "messages": []}
            body["next_page_uri"] = None
        else:
            body = {"sid": SID["SM"], "call_sid": SID["CA"], "phone_number": "+14155550100"}
        return HTTPResponse(200 if request.method != "POST" else 201, {}, json.dumps(body).encode())


def attempt(action: Callable[[twiorm.Client], Any]) -> tuple[list[HTTPRequest], Exception | None]:
    """Run ``action`` on a recording client: what was sent, and the ValidationError if any."""
    FIGURES["hypothesis inputs"] += 1
    recorder = Recorder()
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, transport=recorder, retries=0)
    refused: Exception | None = None
    try:
        action(client)
    except twiorm.ValidationError as exc:
        refused = exc
    if refused is not None:
        FIGURES["hypothesis inputs refused"] += 1
        assert recorder.sent == [], "a refused input must send nothing"
        assert str(refused)
    return recorder.sent, refused


def assert_inside(request: HTTPRequest, template: str, given: Mapping[str, Any]) -> None:
    """Check the request's path fills ``template`` with exactly the ``given`` values."""
    assert request.url.startswith(BASE)
    path = request.url[len(BASE) :]
    parts = urlsplit(request.url)
    assert parts.path == path
    assert not parts.query
    assert not parts.fragment
    assert posixpath.normpath(path) == path, "no dot segments, no doubled slashes"
    expected = template.split("/")
    segments = path.split("/")
    assert len(segments) == len(expected), f"{path} left {template}"
    for fixed, segment in zip(expected, segments, strict=True):
        slot = re.fullmatch(r"(.*)\{([a-z_]+)\}(.*)", fixed)
        if slot is None:
            assert segment == fixed
            continue
        prefix, name, suffix = slot.groups()
        assert segment.startswith(prefix)
        assert segment.endswith(suffix)
        middle = segment[len(prefix) : len(segment) - len(suffix)]
        assert re.fullmatch(r"[A-Za-z0-9._~%-]+", middle), f"unencoded characters in {middle!r}"
        decoded = unquote(middle, errors="strict")
        if name in given:
            assert decoded == given[name]
        # However much a server decodes or normalises, the value stays one named segment.
        for reading in (decoded, unquote(decoded), unicodedata.normalize("NFKC", decoded)):
            pieces = re.split(r"[/\\]", reading)
            assert not {"", ".", ".."} & set(pieces), f"{reading!r} could name another path"


LIST_PATH = "/2010-04-01/Accounts/{account_sid}/Calls.json"
CALL_PATH = "/2010-04-01/Accounts/{account_sid}/Calls/{sid}.json"
PARTICIPANT_PATH = (
    "/2010-04-01/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid}.json"
)
PARTICIPANTS_PATH = (
    "/2010-04-01/Accounts/{account_sid}/Conferences/{conference_sid}/Participants.json"
)
SID_PATTERN = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


@INPUT_SETTINGS
@given(identity=identities)
@example(identity="../Calls")
@example(identity=SID["CA"] + "?x=1")
@example(identity=SID["CA"] + "\n")
@example(identity="%2e%2e")
@example(identity="/")
@example(identity=SID["CA"])
def test_a_sid_identity_is_a_sid_or_refused(identity: Any) -> None:
    sent, refused = attempt(lambda client: Call.objects.using(client).get(identity))
    if refused is None:
        (request,) = sent
        assert isinstance(identity, str)
        assert SID_PATTERN.fullmatch(identity)
        assert identity.startswith("CA")
        assert_inside(request, CALL_PATH, {"sid": identity, "account_sid": ACCOUNT_SID})


@INPUT_SETTINGS
@given(label=identities)
@example(label="../Calls")
@example(label="a/b?c")
@example(label="..%2fCalls")
@example(label="\uff0e\uff0e")
@example(label="\ud800")
@example(label="agent smith")
def test_a_free_text_identity_is_encoded_into_one_segment_or_refused(label: Any) -> None:
    sent, refused = attempt(
        lambda client: Participant.objects.using(client).get(label, conference_sid=SID["CF"])
    )
    if refused is None:
        (request,) = sent
        assert_inside(
            request,
            PARTICIPANT_PATH,
            {"call_sid": label, "conference_sid": SID["CF"], "account_sid": ACCOUNT_SID},
        )


@INPUT_SETTINGS
@given(number=identities)
@example(number="+14155550100")
def test_a_looked_up_number_stays_in_its_path_or_is_refused(number: Any) -> None:
    sent, refused = attempt(lambda client: PhoneNumber.objects.using(client).get(number))
    if refused is None:
        (request,) = sent
        assert request.url.startswith("https://lookups.twilio.com")
        path = urlsplit(request.url).path
        assert path.count("/") == 3
        assert path.startswith("/v2/PhoneNumbers/")
        assert unquote(path.rsplit("/", 1)[1]) == number


@INPUT_SETTINGS
@given(conference=values, account=values)
@example(conference=SID["CF"], account=SID["AC"])
def test_parent_path_parameters_are_sids_or_refused(conference: Any, account: Any) -> None:
    def action(client: twiorm.Client) -> None:
        list(
            Participant.objects.using(client).filter(conference_sid=conference, account_sid=account)
        )

    sent, refused = attempt(action)
    if refused is None:
        (request,) = sent
        assert SID_PATTERN.fullmatch(conference)
        assert SID_PATTERN.fullmatch(account)
        assert_inside(
            request, PARTICIPANTS_PATH, {"conference_sid": conference, "account_sid": account}
        )


@INPUT_SETTINGS
@given(sid=values, account=values)
@example(sid=SID["CA"], account=SID["AC"])
def test_identities_read_from_a_response_are_checked_before_reuse(sid: Any, account: Any) -> None:
    # A record from a broken or hostile server: its sid and parent account go into the path
    # of the next refresh().
    def action(client: twiorm.Client) -> None:
        call = Call._from_record({"sid": sid, "account_sid": account}, client, {})
        call.refresh()

    sent, refused = attempt(action)
    if refused is None:
        (request,) = sent
        assert isinstance(sid, str)
        assert SID_PATTERN.fullmatch(sid)
        assert_inside(request, CALL_PATH, {"sid": sid})


FILTER_NAMES = st.one_of(st.sampled_from(sorted(Call._meta.filters)), st.text(max_size=12))
FILTER_WIRE_NAMES = {field.wire_name(lookup) for field, lookup in Call._meta.filters.values()} | {
    "PageSize"
}


@INPUT_SETTINGS
@given(filters=st.dictionaries(FILTER_NAMES, values, max_size=3))
@example(filters={"to": "+1415?To=+1999&x=1"})
@example(filters={"status__in": ["completed"]})
@example(filters={"start_time__gte": "2026-13-45"})
@example(filters={"../Calls": "x"})
def test_filters_are_validated_before_sending(filters: dict[str, Any]) -> None:
    def action(client: twiorm.Client) -> None:
        queryset = Call.objects.using(client).filter(**filters)
        assert queryset.request().path.endswith("/Calls.json")
        list(queryset)

    sent, refused = attempt(action)
    if refused is None:
        (request,) = sent
        assert_inside(request, LIST_PATH, {"account_sid": ACCOUNT_SID})
        assert {name for name, _ in request.params} <= FILTER_WIRE_NAMES
        assert all(isinstance(value, str) for _, value in request.params)
        assert set(filters) <= set(Call._meta.filters)


MESSAGE_PARAMS = sorted(Message._meta.parameters("create"))


@INPUT_SETTINGS
@given(
    to=values,
    sender=values,
    body=values,
    extra=st.dictionaries(
        st.one_of(st.sampled_from(MESSAGE_PARAMS), st.text(max_size=8)), values, max_size=2
    ),
)
@example(to="+14155550100", sender="+14155550199", body="hi", extra={})
@example(to="+14155550100\n", sender="+14155550199", body="hi", extra={})
@example(to="+14155550100", sender="../x", body="hi", extra={"status_callback": "javascript:x"})
def test_field_values_are_validated_before_sending(
    to: Any, sender: Any, body: Any, extra: dict[str, Any]
) -> None:
    def action(client: twiorm.Client) -> None:
        Message.objects.using(client).create(**{**extra, "to": to, "from_": sender, "body": body})

    sent, refused = attempt(action)
    if refused is None:
        (request,) = sent
        assert request.method == "POST"
        assert_inside(request, "/2010-04-01/Accounts/{account_sid}/Messages.json", {})
        wire = {field.param for field in Message._meta.parameters("create").values()}
        assert {name for name, _ in request.data} <= wire
        assert all(isinstance(value, str) for _, value in request.data)
        assert ("To", to) in request.data


@INPUT_SETTINGS
@given(value=values)
@example(value="hello")
def test_assigning_a_field_validates_at_once(value: Any) -> None:
    def action(client: twiorm.Client) -> None:
        message = Message(to="+14155550100", from_="+14155550199")
        message.body = value
        message.save(client=client)

    sent, refused = attempt(action)
    if refused is None:
        (request,) = sent
        assert ("Body", value) in request.data


def test_the_sid_check_wants_the_whole_value() -> None:
    # re.match with "$" accepts a trailing newline; paths use fullmatch.
    for bad in (SID["CA"] + "\n", SID["CA"] + "x", " " + SID["CA"]):
        _, refused = attempt(lambda client, bad=bad: Call.objects.using(client).get(bad))
        assert isinstance(refused, twiorm.InvalidPathParameterError)


def test_a_sid_field_value_wants_the_whole_value() -> None:
    _, refused = attempt(
        lambda client: list(Call.objects.using(client).filter(parent_call_sid=SID["CA"] + "\n"))
    )
    assert isinstance(refused, twiorm.ValidationError)


# -- the same on a real socket -------------------------------------------------------------


@pytest.fixture(scope="module")
def lookups() -> Any:
    server = FlakyTwilio().start()
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=server.base_url, retries=0)
    yield server, client
    client.requestor.transport.close()  # type: ignore[attr-defined]
    server.stop()


@settings(max_examples=100, deadline=None)
@given(number=texts)
@example(number="a/b")
@example(number="é😀 ?#&=+%")
def test_what_passes_reaches_the_server_as_one_segment_and_round_trips(
    lookups: tuple[FlakyTwilio, twiorm.Client], number: str
) -> None:
    server, client = lookups
    before = len(server.received)
    FIGURES["hypothesis inputs"] += 1
    try:
        found = PhoneNumber.objects.using(client).get(number)
    except twiorm.ValidationError:
        FIGURES["hypothesis inputs refused"] += 1
        assert len(server.received) == before, "a refused input must send nothing"
        return
    (received,) = server.received[before:]
    assert received.path == "/v2/PhoneNumbers/" + quote(number, safe="")
    assert found.phone_number == number


# -- request(): a raw path ------------------------------------------------------------------

ACCOUNT = f"/2010-04-01/Accounts/{ACCOUNT_SID}"


@pytest.mark.parametrize(
    "path",
    [
        f"{ACCOUNT}/../../x",
        f"{ACCOUNT}/./Calls.json",
        f"{ACCOUNT}/%2e%2e/%2e%2e/x",
        f"{ACCOUNT}/%2E%2E/x",
        f"{ACCOUNT}/%2E./x",
        f"{ACCOUNT}/.%2e/x",
        f"{ACCOUNT}/%2e/Calls.json",
        f"{ACCOUNT}/%2E",
        f"{ACCOUNT}/%252e%252e/x",  # decoded twice by a server or a proxy
        f"{ACCOUNT}/..%2fx",
        f"{ACCOUNT}/x%2F..%2F..%2Fy",
        f"{ACCOUNT}/..%5cx",
        f"{ACCOUNT}\\..\\x",
        f"{ACCOUNT}/Calls.json\\",
        f"https://api.twilio.com{ACCOUNT}/%2e%2e/x",
    ],
)
def test_request_refuses_dot_segments_however_encoded(path: str) -> None:
    recorder = Recorder()
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, transport=recorder, retries=0)
    with pytest.raises(twiorm.ConfigurationError, match="'.' or '..' segments"):
        client.request("GET", path)
    assert recorder.sent == [], "nothing is sent"


def test_an_encoded_slash_is_sent_as_it_is_inside_its_segment() -> None:
    # %2F is how a name holding "/" is written into one segment: it stays encoded on the
    # wire (nothing decodes it into a separator on the way) and cannot climb.
    server = FlakyTwilio().start()
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=server.base_url, retries=0)
    try:
        with pytest.raises(twiorm.NotFoundError):
            client.request("GET", "/v1/Services/IS0/Documents/a%2Fb%2F")
    finally:
        server.stop()
        client.close()
    assert [r.path for r in server.received] == ["/v1/Services/IS0/Documents/a%2Fb%2F"]
