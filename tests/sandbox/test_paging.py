"""Lists: newest first, PageSize / Page / PageToken, and both envelopes' links."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twiorm.resources import Call, Service
from twiorm.sandbox import Sandbox, run

from ..contract import openapi
from .conftest import Raw

ENVELOPE_2010 = openapi.ENVELOPE_2010
META_KEYS = {
    "first_page_url",
    "key",
    "next_page_url",
    "page",
    "page_size",
    "previous_page_url",
    "url",
}


def sids(page: dict[str, object], key: str) -> list[str]:
    records = page[key]
    assert isinstance(records, list)
    return [record["sid"] for record in records]


def test_the_2010_envelope_has_exactly_eight_keys_and_the_list(
    raw: Raw, twilio_sandbox: Sandbox
) -> None:
    twilio_sandbox.seed(Call, 60)
    page = raw("GET", raw.account_path("Calls.json")).json()
    assert set(page) == ENVELOPE_2010 | {"calls"}
    assert page["page_size"] == 50  # Twilio's default
    assert (page["page"], page["start"], page["end"]) == (0, 0, 49)
    assert page["previous_page_uri"] is None
    assert page["next_page_uri"].startswith(raw.account_path("Calls.json?"))


def test_next_and_previous_links_walk_the_list_and_echo_filters(
    raw: Raw, twilio_sandbox: Sandbox
) -> None:
    twilio_sandbox.seed(Call, 5, status="busy")
    twilio_sandbox.seed(Call, 2, status="completed")
    first = raw("GET", raw.account_path("Calls.json"), params={"Status": "busy", "PageSize": 2})
    page0 = first.json()
    query = parse_qs(urlsplit(page0["next_page_uri"]).query)
    assert query["Status"] == ["busy"]
    assert query["PageSize"] == ["2"]
    assert query["Page"] == ["1"]
    assert query["PageToken"] == ["PA" + sids(page0, "calls")[-1]]
    page1 = raw("GET", page0["next_page_uri"]).json()
    assert (page1["page"], page1["start"], page1["end"]) == (1, 2, 3)
    page2 = raw("GET", page1["next_page_uri"]).json()
    assert len(page2["calls"]) == 1
    assert page2["next_page_uri"] is None
    walked = sids(page0, "calls") + sids(page1, "calls") + sids(page2, "calls")
    assert walked == [call.sid for call in twilio_sandbox.records(Call) if call.status == "busy"]
    back = raw("GET", page2["previous_page_uri"]).json()
    assert sids(back, "calls") == sids(page1, "calls")
    assert raw("GET", page0["first_page_uri"]).json()["calls"] == page0["calls"]


def test_a_page_token_keeps_its_place_when_records_are_added(
    raw: Raw, twilio_sandbox: Sandbox
) -> None:
    twilio_sandbox.seed(Call, 4)
    page0 = raw("GET", raw.account_path("Calls.json"), params={"PageSize": 2}).json()
    twilio_sandbox.seed(Call, 3)  # newer: they go in front of page 0
    page1 = raw("GET", page0["next_page_uri"]).json()
    oldest_two = [call.sid for call in twilio_sandbox.records(Call)][-2:]
    assert sids(page1, "calls") == oldest_two


def test_newest_first(twilio_sandbox: Sandbox) -> None:
    client = twilio_sandbox.client
    created = [
        Call.objects.using(client).create(
            to=f"+1415555010{i}", from_="+15005550006", url="https://example.com/x"
        )
        for i in range(3)
    ]
    listed = list(Call.objects.using(client).all())
    assert [c.sid for c in listed] == [c.sid for c in reversed(created)]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"PageSize": "0"}, 20007),
        ({"PageSize": "1001"}, 20007),
        ({"PageSize": "many"}, 20001),
        ({"Page": "-1"}, 20001),
        ({"PageToken": "PACAnot-a-record"}, 21481),
        ({"PageToken": "garbage"}, 21481),
    ],
)
def test_bad_paging_parameters_get_400(raw: Raw, params: dict[str, str], code: int) -> None:
    response = raw("GET", raw.account_path("Calls.json"), params=params)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_the_meta_envelope_has_absolute_links(raw: Raw, twilio_sandbox: Sandbox) -> None:
    twilio_sandbox.seed(Service, 5)
    page = raw("GET", "/v1/Services", params={"PageSize": 2}).json()
    assert set(page) == {"services", "meta"}
    meta = page["meta"]
    assert set(meta) == META_KEYS
    assert meta["key"] == "services"
    assert meta["next_page_url"].startswith(f"{twilio_sandbox.url}/v1/Services?PageSize=2&Page=1")
    assert meta["url"] == f"{twilio_sandbox.url}/v1/Services?PageSize=2&Page=0"
    assert meta["previous_page_url"] is None
    following = raw("GET", meta["next_page_url"]).json()
    assert following["meta"]["previous_page_url"].startswith(twilio_sandbox.url)
    assert len(following["services"]) == 2


def test_the_client_streams_thousands_in_pages(twilio_sandbox: Sandbox) -> None:
    twilio_sandbox.seed(Call, 2500)
    with twilio_sandbox.assert_requests(3):
        count = sum(1 for _ in Call.objects.using(twilio_sandbox.client).iterator(page_size=1000))
    assert count == 2500


def test_the_client_follows_meta_links(twilio_sandbox: Sandbox) -> None:
    seeded = twilio_sandbox.seed(Service, 5)
    with twilio_sandbox.assert_requests(3):
        listed = list(Service.objects.using(twilio_sandbox.client).iterator(page_size=2))
    assert [s.sid for s in listed] == [s.sid for s in reversed(seeded)]


@pytest.fixture(scope="module")
def fifty_seven_calls() -> Iterator[tuple[Sandbox, list[str]]]:
    with run() as sandbox:
        seeded = sandbox.seed(Call, 57)
        yield sandbox, [call.sid for call in reversed(seeded)]  # newest first, as listed


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(0, 70),
    length=st.none() | st.integers(0, 70),
    page_size=st.none() | st.integers(1, 30),
)
def test_any_window_at_any_page_size_reads_what_slicing_the_whole_list_does(
    fifty_seven_calls: tuple[Sandbox, list[str]],
    start: int,
    length: int | None,
    page_size: int | None,
) -> None:
    sandbox, every = fifty_seven_calls
    stop = None if length is None else start + length
    window = Call.objects.using(sandbox.client)[start:stop]
    assert [call.sid for call in window.iterator(page_size)] == every[start:stop]
    assert [call.sid for call in window] == every[start:stop]
