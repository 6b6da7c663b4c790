"""Reading list pages: the streamed reader agrees with the whole-page parser."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import twiorm
from twiorm.paging import StreamedPage, parse_page

URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Calls.json"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
records = st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=4), max_size=6)


@given(
    records,
    st.sampled_from([None, "/2010-04-01/Accounts/AC0/Calls.json?Page=1&PageToken=PA1"]),
    st.permutations(["calls", "next_page_uri", "page", "uri"]),
    st.sampled_from(["", " ", "\n  "]),
)
def test_streamed_pages_read_what_whole_pages_do(
    calls: list[dict[str, Any]], next_uri: str | None, order: list[str], space: str
) -> None:
    values = {"calls": calls, "next_page_uri": next_uri, "page": 0, "uri": "/x"}
    body = json.dumps({key: values[key] for key in order}, indent=2 if space else None)
    whole = parse_page(json.loads(body), "calls", URL)
    streamed = StreamedPage(space + body + space, "calls", URL)
    assert list(streamed.records()) == whole.records
    assert streamed.next_url == whole.next_url
    assert streamed.count == len(calls)


def test_the_meta_envelope_streams_too() -> None:
    body = json.dumps(
        {
            "meta": {
                "key": "services",
                "next_page_url": "https://messaging.twilio.com/v1/Services?Page=1",
            },
            "services": [{"sid": "MG1"}, {"sid": "MG2"}],
        }
    )
    page = StreamedPage(body, "services", "https://messaging.twilio.com/v1/Services")
    assert [r["sid"] for r in page.records()] == ["MG1", "MG2"]
    assert page.next_url == "https://messaging.twilio.com/v1/Services?Page=1"


def test_records_under_the_meta_key_are_found_when_the_declared_key_differs() -> None:
    body = json.dumps({"items": [{"sid": "x"}], "meta": {"key": "items", "next_page_url": None}})
    assert list(StreamedPage(body, "services", "https://h/v1/Services").records()) == [{"sid": "x"}]


def test_a_consumer_that_stops_early_leaves_the_rest_unparsed() -> None:
    body = '{"calls": [{"sid": "a"}, {"sid": "b"}, not json at all'
    page = StreamedPage(body, "calls", URL)
    first = next(iter(page.records()))
    assert first == {"sid": "a"}  # the fault further on costs nothing if never reached


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("", "not JSON"),
        ("<html>502</html>", "not JSON"),
        ('["calls"]', "expected a list envelope"),
        ('{"calls": [1, 2]}', "something other than records"),
        ('{"calls": [{"sid": "a"}', "cut short"),
        ('{"calls": []} trailing', "not JSON"),
        ('{"calls": [], "next_page_uri": 7}', "not a string"),
        ('{"other": []}', "no 'calls' list"),
    ],
)
def test_broken_pages_are_typed_errors_quoting_the_body(body: str, problem: str) -> None:
    page = StreamedPage(body, "calls", URL, status=200)
    with pytest.raises(twiorm.MalformedResponseError, match=problem) as caught:
        list(page.records())
    assert caught.value.status == 200
    assert caught.value.body == body[:200]
