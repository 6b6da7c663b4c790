"""Answers quoted in errors, and requests shown in logs, keep their secrets hidden.

A malformed answer is quoted (its first characters) in ``MalformedResponseError`` and in
error statuses' messages; Twilio's Account answer holds the auth token, a proxy's error
page may echo a callback URL with its password. Each test here first checks that the
secret really was in what the server sent, so a pass means it was hidden, not absent.
"""

from __future__ import annotations

import logging
import pickle
import time
import traceback
from collections.abc import Callable

import pytest

import twiorm
from twiorm.transport import FunctionTransport, HTTPRequest, HTTPResponse

from .flaky import ACCOUNT_PATH, ACCOUNT_SID, FlakyTwilio

TOKEN = "f00dfacecafe0123456789abcdef4242"
ACCOUNT_URL = f"https://api.twilio.com{ACCOUNT_PATH}.json"

# Answers that hold a secret, each cut off or broken so that it is not JSON.
SECRET_ANSWERS = {
    "truncated after the token": f'{{"sid": "{ACCOUNT_SID}", "auth_token": "{TOKEN}", "st',
    "truncated inside the token": f'{{"sid": "{ACCOUNT_SID}", "auth_token": "{TOKEN}',
    "no space, escaped quote": f'{{"auth_token":"{TOKEN}\\"x", "a": ',
    "a key's secret": f'{{"sid": "SK1", "secret": "{TOKEN}", ',
    "a SIP password": f"{{'sip_auth_password': '{TOKEN}', ",
    "a private key": f'{{"private_key": "-----BEGIN {TOKEN}", ',
    "a number as secret": '{"password": 123456789012, ',
    "form-encoded": f"AuthToken={TOKEN}&FriendlyName=x&",
    "a callback's password": f"<html>bad https://user:{TOKEN}@example.com/cb</html>",
    "a callback's token": f'<a href="https://example.com/cb?a=1&token={TOKEN}">',
    "an encoded callback": f"Url=https%3A%2F%2Fexample.com%2Fcb%3Fapi_key%3D{TOKEN}%26b%3D1",
    "an echoed header": f"<pre>\nX-Auth-Token: {TOKEN}\n</pre>",
    "an echoed Authorization": f"<pre>Authorization: Basic {TOKEN}AAAA==</pre>",
}


def answering(body: bytes, status: int = 200) -> twiorm.Client:
    """A client whose every request is answered with ``body``."""

    def answer(request: HTTPRequest) -> HTTPResponse:
        return HTTPResponse(status, {"content-type": "application/json"}, body, request.url)

    return twiorm.Client(
        ACCOUNT_SID, "client-secret-0000", transport=FunctionTransport(answer), retries=0
    )


def every_way_shown(error: BaseException) -> str:
    """The error as str, repr, attributes, traceback (chain included) and pickle."""
    return "\n".join(
        [
            str(error),
            repr(error),
            repr(vars(error)),
            "".join(traceback.format_exception(error)),
            repr(pickle.dumps(error)),
        ]
    )


def raised(action: Callable[[], object]) -> BaseException:
    try:
        action()
    except twiorm.TwiormError as exc:
        return exc
    raise AssertionError("nothing was raised")


@pytest.mark.parametrize("answer", SECRET_ANSWERS.values(), ids=SECRET_ANSWERS.keys())
def test_a_malformed_answer_is_quoted_with_its_secrets_hidden(answer: str) -> None:
    secret = "123456789012" if "123456789012" in answer else TOKEN
    client = answering(answer.encode())
    error = raised(lambda: client.request("GET", f"{ACCOUNT_PATH}.json"))
    assert isinstance(error, twiorm.MalformedResponseError)
    assert (error.status, error.method, error.url) == (200, "GET", ACCOUNT_URL)
    assert error.body, "the excerpt is still there, to say what came back"
    assert "<hidden>" in error.body
    assert error.body in str(error) or repr(error.body)[1:-1] in str(error)
    # Neither the secret nor a piece of it, anywhere the error is shown ...
    shown = every_way_shown(error)
    assert secret[:10] not in shown
    # ... nor in a chained exception: a JSONDecodeError's .doc holds the whole body.
    assert error.__context__ is None
    assert error.__cause__ is None


@pytest.mark.parametrize("status", [400, 500])
def test_an_error_status_with_a_non_json_body_is_quoted_with_its_secrets_hidden(
    status: int,
) -> None:
    answer = f'<html>{{"auth_token": "{TOKEN}"}} https://u:{TOKEN}@example.com</html>'
    error = raised(lambda: answering(answer.encode(), status).request("GET", "/v1/Things"))
    assert isinstance(error, twiorm.TwilioAPIError)
    assert error.status == status
    assert "non-JSON error body" in str(error)
    assert TOKEN[:10] not in every_way_shown(error)


def test_an_error_message_quoting_a_callback_hides_its_password() -> None:
    body = (
        b'{"code": 21205, "status": 400, "message": "Url is not a valid URL: '
        b"https://user:" + TOKEN.encode() + b'@example.com/twiml"}'
    )
    error = raised(lambda: answering(body, 400).request("GET", "/v1/Things"))
    assert isinstance(error, twiorm.BadRequestError)
    assert error.code == 21205
    assert "https://<hidden>@example.com/twiml" in error.message
    assert TOKEN[:10] not in every_way_shown(error)


def test_the_excerpt_helper() -> None:
    from twiorm.redaction import redact_excerpt

    secret = f'{{"auth_token": "{TOKEN}", "page_token": "PT1", "x": "{"y" * 500}"}}'
    assert redact_excerpt(secret.encode(), 60) == (
        '{"auth_token": "<hidden>", "page_token": "PT1", "x": "yyyyyy'
    )
    assert redact_excerpt(secret, 60) == redact_excerpt(secret.encode(), 60)
    assert len(redact_excerpt(secret, 60)) == 60
    # Cut inside the secret by the limit: what is shown of it is the mask, not the start.
    assert redact_excerpt(secret, 20) == '{"auth_token": "<hid'
    # A body whose end cuts the secret short is masked as far as it goes.
    assert redact_excerpt(secret[:25].encode(), 200) == '{"auth_token": "<hidden>"'
    assert redact_excerpt(b"\xff\xfe<html>", 200) == "\ufffd\ufffd<html>"
    assert redact_excerpt(b"", 200) == ""


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            '"PageToken": "PA1", "next_page_token": "x"',
            '"PageToken": "PA1", "next_page_token": "x"',
        ),
        ("Page=2&PageToken=PA1&PageSize=50", "Page=2&PageToken=PA1&PageSize=50"),
        ("SipAuthPassword=pw&To=%2B1", "SipAuthPassword=<hidden>&To=%2B1"),
        ("https://example.com/a@b?page=1", "https://example.com/a@b?page=1"),
        ("https%3A%2F%2Fu%3Ap%40example.com", "https%3A%2F%2F<hidden>%40example.com"),
        (
            '{"credential": "turn-pw", "username": "u"}',
            '{"credential": "<hidden>", "username": "u"}',
        ),
        ("Basic plan, Bearer of news", "Basic plan, Bearer of news"),
    ],
)
def test_what_the_redaction_finds_and_leaves(text: str, redacted: str) -> None:
    from twiorm.redaction import redact_text

    assert redact_text(text) == redacted


@pytest.mark.parametrize(
    "text",
    ["a=" * 50_000, "a." * 50_000, f'{{"x": "{"y" * 100_000}"}}', '"' + '\\"' * 50_000],
    ids=["pairs", "dots", "long string", "escapes"],
)
def test_redaction_takes_time_in_proportion_to_the_text(text: str) -> None:
    # A pattern that rescans the rest of the text at each "=" took minutes on the first.
    from twiorm.redaction import redact_text

    started = time.perf_counter()
    redact_text(text)
    assert time.perf_counter() - started < 2.0


# -- the request log -------------------------------------------------------------------


def test_the_request_log_line_shows_the_query_with_secrets_hidden(
    flaky: FlakyTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    params = {
        "To": "+14155550100",
        "PageSize": "2",
        "CallToken": TOKEN,
        "StatusCallback": f"https://example.com/cb?token={TOKEN}",
    }
    lines = {}
    for masked in (False, True):
        client = twiorm.Client(
            ACCOUNT_SID,
            "client-secret-0000",
            base_url=flaky.base_url,
            retries=0,
            mask_phone_numbers=masked,
        )
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            client.request("GET", f"{ACCOUNT_PATH}/Calls.json", params=params)
        client.close()
        (line,) = [r.getMessage() for r in caplog.records if r.name == "twiorm"]
        lines[masked] = line
        # urllib3's own line shows the same query in full: hence twiorm's, to keep instead.
        assert any(TOKEN in r.getMessage() for r in caplog.records if r.name.startswith("urllib3"))
    (received,) = flaky.requests_to("GET", "/Calls.json")[:1]
    assert dict(received.query)["CallToken"] == TOKEN, "what is sent is unchanged"
    assert lines[False].startswith(
        f"GET {ACCOUNT_PATH}/Calls.json?To=%2B14155550100&PageSize=2&CallToken=<hidden>"
        "&StatusCallback=https%3A%2F%2Fexample.com%2Fcb%3Ftoken%3D<hidden> -> 200 in "
    )
    assert "?To=%2B*********00&PageSize=2&CallToken=<hidden>&" in lines[True]
    assert all(TOKEN not in line for line in lines.values())
