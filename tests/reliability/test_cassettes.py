"""Cassettes keep no secret, whatever carries it, and still replay.

A recording against the sandbox sends secrets every way a Twilio request can carry them
(a SIP password parameter, a callback URL's password and query token, a query string's
token) and gets answers that echo them; the cassette must hold none, the replay must
still match, and the test must be able to tell what it really sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import vcr
from vcr.request import Request

from twiorm.pytest_plugin import (
    SCRUBBED,
    SCRUBBED_NUMBER,
    scrub_request,
    scrub_response,
    scrubbing_vcr,
)
from twiorm.sandbox import run
from twiorm.testing import count_requests

SIP_PASSWORD = "sipP4ssw0rd1111"
URL_PASSWORD = "urlP4ssw0rd2222"
HOOK_TOKEN = "h00kT0ken3333"
API_KEY = "apiK3y4444"
QUERY_SECRET = "qu3ryS3cret5555"
SECRETS = (SIP_PASSWORD, URL_PASSWORD, HOOK_TOKEN, API_KEY, QUERY_SECRET)


def test_a_cassette_keeps_no_secret_parameter_and_still_replays(tmp_path: Path) -> None:
    tape = tmp_path / "tape.yaml"
    data = {
        "To": "+14155550100",
        "From": "+15005550006",
        "Url": f"https://user:{URL_PASSWORD}@example.com/twiml?token={HOOK_TOKEN}",
        "StatusCallback": f"https://example.com/cb?api_key={API_KEY}&n=1",
        "SipAuthUsername": "sip-user",
        "SipAuthPassword": SIP_PASSWORD,
    }
    query: dict[str, Any] = {
        "PageSize": 5,
        "AuthToken": QUERY_SECRET,
        "Callback": f"https://u:{URL_PASSWORD}@example.com/cb?sig={HOOK_TOKEN}",
    }

    def exchange(client: Any, account_sid: str) -> tuple[Any, Any]:
        calls = f"/2010-04-01/Accounts/{account_sid}/Calls.json"
        return client.request("POST", calls, data=data), client.request("GET", calls, params=query)

    with run() as sandbox:
        account_sid = sandbox.account_sid
        with scrubbing_vcr(record_mode="once").use_cassette(str(tape)):
            created, listed = exchange(sandbox.client, account_sid)
        replaying = sandbox.new_client(retries=0)
    # The answers echoed the secrets (the sandbox puts the query into page links), so the
    # cassette could have held them in answers as well as in requests.
    assert created["to"] == "+14155550100"
    assert QUERY_SECRET in listed["first_page_uri"]
    text = tape.read_text()
    assert all(kept in text for kept in ("SipAuthPassword", "sip-user", "example.com"))
    assert [secret for secret in SECRETS if secret in text] == []
    assert "4155550100" not in text

    # The sandbox is gone: the same requests match the scrubbed ones and replay.
    with (
        scrubbing_vcr(record_mode="none").use_cassette(str(tape)) as cassette,
        count_requests(replaying) as sent,
    ):
        created_again, listed_again = exchange(replaying, account_sid)
    assert cassette.play_count == 2
    assert created_again["sid"] == created["sid"]
    # What comes back is what was written: scrubbed values ...
    assert created_again["to"] == SCRUBBED_NUMBER
    assert QUERY_SECRET not in listed_again["first_page_uri"]
    # ... and the cassette's requests are the scrubbed ones ...
    recorded = dict(pair.split("=", 1) for pair in cassette.requests[0].body.decode().split("&"))
    assert recorded["SipAuthPassword"] == "%5Bscrubbed%5D"
    # ... while count_requests shows what the code really sent.
    assert [method for method, _ in sent.sent] == ["POST", "GET"]
    assert dict(sent.requests[0].data)["SipAuthPassword"] == SIP_PASSWORD
    assert dict(sent.requests[0].data)["To"] == "+14155550100"
    assert dict(sent.requests[1].params)["AuthToken"] == QUERY_SECRET
    assert all(request.auth is None for request in sent.requests), "no credentials kept"
    replaying.close()


def test_secret_headers_and_json_bodies_are_scrubbed() -> None:
    request = Request(
        "POST",
        f"https://api.twilio.com/v1/Things?token={HOOK_TOKEN}&PageToken=PA1",
        f'{{"password": "{SIP_PASSWORD}", "url": "https://u:{URL_PASSWORD}@x.com/cb"}}',
        {
            "Content-Type": "application/json",
            "X-Auth-Token": HOOK_TOKEN,
            "Cookie": f"session={API_KEY}",
            "X-Twilio-Signature": QUERY_SECRET,
            "User-Agent": "twiorm/1",
        },
    )
    scrubbed = scrub_request(request)
    shown = f"{scrubbed.uri} {scrubbed.body!r} {dict(scrubbed.headers)!r}"
    assert [secret for secret in SECRETS if secret in shown] == []
    assert scrubbed.uri.endswith("?token=%5Bscrubbed%5D&PageToken=PA1"), "a cursor is kept"
    assert scrubbed.headers["User-Agent"] == "twiorm/1"
    assert scrubbed.headers["X-Auth-Token"] == SCRUBBED

    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {
            "Set-Cookie": [f"session={API_KEY}"],
            "Location": [f"https://u:{URL_PASSWORD}@example.com/x?access_token={HOOK_TOKEN}"],
            "Content-Type": ["application/json; charset=utf-8"],
        },
        "body": {"string": f'{{"secret": "{SIP_PASSWORD}", "sid": "SK1"}}'.encode()},
    }
    cleaned = scrub_response(response)
    assert [secret for secret in SECRETS if secret in repr(cleaned)] == []
    assert cleaned["headers"]["Content-Type"] == ["application/json; charset=utf-8"]
    assert cleaned["body"]["string"] == b'{"secret": "[scrubbed]", "sid": "SK1"}'
    assert API_KEY in repr(response), "the test's own copy is left alone"


def test_the_cassette_block_gives_the_cassette(twilio_cassette: Any) -> None:
    # record_mode="none" with no file: nothing is recorded, nothing written.
    with twilio_cassette("never-written", record_mode="none") as cassette:
        assert isinstance(cassette, vcr.cassette.Cassette)
        assert cassette.requests == []


@pytest.mark.parametrize(
    ("body", "scrubbed"),
    [
        ("To=%2B14155550100&Body=hi", "To=%2B15555550100&Body=hi"),
        (f"Password={SIP_PASSWORD}&Body=hi", "Password=%5Bscrubbed%5D&Body=hi"),
        (
            f"Url=https%3A%2F%2Fexample.com%2Fx%3Fkey%3D{API_KEY}",
            "Url=https%3A%2F%2Fexample.com%2Fx%3Fkey%3D%5Bscrubbed%5D",
        ),
    ],
)
def test_a_form_body_is_scrubbed_pair_by_pair(body: str, scrubbed: str) -> None:
    request = Request(
        "POST",
        "https://api.twilio.com/x",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert scrub_request(request).body == scrubbed.encode()
