"""Reading list pages: the streamed reader agrees with the whole-page parser."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import twiorm
from twiorm.paging import CHUNK_SIZE, StreamedPage, next_link_problem, parse_page

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
    st.booleans(),
    st.sampled_from([1, 2, 3, 7, 64, CHUNK_SIZE]),
)
def test_streamed_pages_read_what_whole_pages_do(
    calls: list[dict[str, Any]],
    next_uri: str | None,
    order: list[str],
    space: str,
    ascii_only: bool,
    chunk_size: int,
) -> None:
    # Small chunks put a window edge inside every token, and raw UTF-8 splits characters.
    values = {"calls": calls, "next_page_uri": next_uri, "page": 1234, "uri": "/x"}
    document = {key: values[key] for key in order}
    body = json.dumps(document, indent=2 if space else None, ensure_ascii=ascii_only)
    whole = parse_page(json.loads(body), "calls", URL)
    streamed = StreamedPage((space + body + space).encode(), "calls", URL, chunk_size=chunk_size)
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
    page = StreamedPage(body.encode(), "services", "https://messaging.twilio.com/v1/Services")
    assert [r["sid"] for r in page.records()] == ["MG1", "MG2"]
    assert page.next_url == "https://messaging.twilio.com/v1/Services?Page=1"


def test_records_under_the_meta_key_are_found_when_the_declared_key_differs() -> None:
    body = json.dumps({"items": [{"sid": "x"}], "meta": {"key": "items", "next_page_url": None}})
    page = StreamedPage(body.encode(), "services", "https://h/v1/Services")
    assert list(page.records()) == [{"sid": "x"}]


def test_a_consumer_that_stops_early_leaves_the_rest_unparsed() -> None:
    body = b'{"calls": [{"sid": "a"}, {"sid": "b"}, not json at all'
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
@pytest.mark.parametrize("chunk_size", [1, 5, CHUNK_SIZE])
def test_broken_pages_are_typed_errors_quoting_the_body(
    body: str, problem: str, chunk_size: int
) -> None:
    page = StreamedPage(body.encode(), "calls", URL, status=200, chunk_size=chunk_size)
    with pytest.raises(twiorm.MalformedResponseError, match=problem) as caught:
        list(page.records())
    assert caught.value.status == 200
    assert caught.value.body == body[:200]


@pytest.mark.parametrize("chunk_size", [7, CHUNK_SIZE])
def test_a_broken_page_quotes_no_secret_and_chains_no_body(chunk_size: int) -> None:
    body = '{"calls": [{"sid": "CA1", "auth_token": "tok3n-s3cret", "to": "+1'
    page = StreamedPage(body.encode(), "calls", URL, status=200, chunk_size=chunk_size)
    with pytest.raises(twiorm.MalformedResponseError, match="not JSON") as caught:
        list(page.records())
    error = caught.value
    assert "tok3n-s3cret" not in str(error)
    assert "tok3n-s3cret" not in error.body
    assert error.__context__ is None
    assert error.__cause__ is None


def test_a_parsed_page_that_is_not_an_envelope_quotes_no_secret() -> None:
    payload = [{"auth_token": "tok3n-s3cret"}]
    with pytest.raises(twiorm.MalformedResponseError, match="list envelope") as caught:
        parse_page(payload, "calls", URL, 200)
    assert "tok3n-s3cret" not in str(caught.value)
    assert caught.value.status == 200


@pytest.mark.parametrize("number", ["0", "-7", "12345", "1.5", "-0.25", "1e9", "2.5E-3", "6e+2"])
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4])
def test_an_envelope_number_cut_by_a_window_edge_is_read_whole(
    number: str, chunk_size: int
) -> None:
    body = f'{{"calls": [{{"n": {number}}}], "end": {number}, "next_page_uri": null}}'
    page = StreamedPage(body.encode(), "calls", URL, chunk_size=chunk_size)
    assert list(page.records()) == [{"n": json.loads(number)}]


@pytest.mark.parametrize(
    "body",
    [
        '{"calls": [{"sid": "a"}, {"sid": "b" "c"}]}',
        '{"calls": [{"sid": "a"},, {"sid": "b"}]}',
        '{"calls": [], "page": 1,}',
        '{"calls": []} trailing',
        '{"calls": [{"sid": "é"}], "x": tru}',
        '{"calls": [{"sid": "a"}]',
    ],
)
def test_a_fault_is_reported_at_the_same_place_whatever_the_chunk_size(body: str) -> None:
    def problem(chunk_size: int) -> str:
        page = StreamedPage(body.encode(), "calls", URL, chunk_size=chunk_size)
        with pytest.raises(twiorm.MalformedResponseError) as caught:
            list(page.records())
        return str(caught.value)

    messages = {problem(size) for size in (1, 2, 3, 5, 8, 13, 1 << 16)}
    assert len(messages) == 1, messages
    assert "at character" in messages.pop()


def test_a_record_larger_than_a_chunk_is_read_whole() -> None:
    big = {"sid": "CA1", "body": "ü" * 5000}
    body = json.dumps({"calls": [big, big], "next_page_uri": None}, ensure_ascii=False)
    page = StreamedPage(body.encode(), "calls", URL, chunk_size=100)
    assert list(page.records()) == [big, big]


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("/2010-04-01/Accounts/AC" + "b" * 32 + "/Calls.json?Page=1", "leaves the list"),
        ("/2010-04-01/Accounts/AC0/Messages.json?Page=1", "leaves the list"),
        ("https://evil.example/2010-04-01/Accounts/AC" + "a" * 32 + "/Calls.json", "the host"),
        ("https://api.twilio.com.evil.example/2010-04-01/Accounts/x/Calls.json", "the host"),
        ("ftp://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/Calls.json", "the host"),
    ],
)
def test_a_next_link_out_of_the_list_is_refused_when_followed(link: str, problem: str) -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/Calls.json"
    body = json.dumps({"calls": [{"sid": "x"}], "next_page_uri": link}).encode()
    page = StreamedPage(body, "calls", url)
    assert list(page.records()) == [{"sid": "x"}]  # the page itself is usable
    assert problem in (next_link_problem(page.next_url or "", url, "api") or "")
    same = link.replace("b" * 32, "A" * 32).replace("AC0/Messages", "AC" + "a" * 32 + "/Calls")
    if problem == "leaves the list":  # the same list, another case of hex digits: followed
        assert next_link_problem(same, url, "api") is None


@pytest.mark.parametrize(
    "link",
    [
        "https://messaging.twilio.com/v1/Services?PageSize=50&Page=1",
        "https://messaging.dublin.ie1.twilio.com/v1/Services?Page=1",
        "http://127.0.0.1:8123/v1/Services?Page=1",
        "/v1/Services?Page=1",
    ],
)
def test_a_next_link_to_the_domains_own_host_is_followed(link: str) -> None:
    assert (
        next_link_problem(link, "http://127.0.0.1:8123/v1/Services?PageSize=50", "messaging")
        is None
    )
