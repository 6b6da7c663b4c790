"""The sandbox's request log: decoded parameters, and ``assert_requests`` that cannot pass unrun."""

from __future__ import annotations

import contextlib

import pytest

from twiorm.resources import Call, Message
from twiorm.sandbox import Sandbox, run

from .conftest import Raw

CALL = {"to": "+14155550100", "from_": "+15005550006", "url": "https://example.com/twiml"}


# -- decoded parameters ------------------------------------------------------------------


def test_the_log_has_the_posted_form_decoded(twilio_sandbox: Sandbox) -> None:
    Message.objects.using(twilio_sandbox.client).create(
        to="+14155550100",
        from_="+15005550006",
        body="hi & bye",
        media_url=["https://example.com/a.png", "https://example.com/b.png"],
    )
    exchange = twilio_sandbox.requests[-1]
    assert (exchange.method, exchange.status) == ("POST", 201)
    assert exchange.form["To"] == "+14155550100"
    assert exchange.form["Body"] == "hi & bye"
    assert exchange.form["MediaUrl"] == ["https://example.com/a.png", "https://example.com/b.png"]
    assert exchange.params == {}


def test_the_log_has_the_query_decoded(raw: Raw, twilio_sandbox: Sandbox) -> None:
    raw("GET", raw.account_path("Calls.json"), params=[("To", "+14155550100"), ("PageSize", "2")])
    raw("GET", raw.account_path("Calls.json"), params=[("Status", "queued"), ("Status", "busy")])
    first, second = twilio_sandbox.requests
    assert first.params == {"To": "+14155550100", "PageSize": "2"}
    assert second.params == {"Status": ["queued", "busy"]}
    assert first.form == second.form == {}


def test_secrets_stay_visible_in_the_log_but_numbers_not_in_log_lines(
    twilio_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG", logger="twiorm.sandbox"):
        Call.objects.using(twilio_sandbox.client).create(**CALL, sip_auth_password="s3cret")
    assert twilio_sandbox.requests[-1].form["SipAuthPassword"] == "s3cret"
    lines = [r.getMessage() for r in caplog.records if r.name == "twiorm.sandbox"]
    assert any("Calls.json" in line for line in lines)
    assert not any("4155550100" in line or "s3cret" in line for line in lines)


def test_a_refused_request_is_logged_without_its_unread_body(
    raw: Raw, twilio_sandbox: Sandbox
) -> None:
    raw("POST", raw.account_path("Calls.json"), auth=None, data={"To": "+14155550100"})
    exchange = twilio_sandbox.requests[-1]
    assert exchange.status == 401
    assert exchange.form == {}


# -- assert_requests ---------------------------------------------------------------------


def test_assert_requests_without_with_fails_when_the_sandbox_closes() -> None:
    sandbox = run()
    try:
        sandbox.assert_requests(2)  # the mistake: a check that runs nothing
    finally:
        with pytest.raises(RuntimeError) as caught:
            sandbox.close()
    message = str(caught.value)
    assert "assert_requests(2)" in message
    assert "never entered" in message
    assert f"{__file__}:" in message  # names the line that made the check


def test_leaving_a_with_run_block_fails_on_an_unentered_check() -> None:
    # How the twilio_sandbox fixture holds its sandbox: the test fails at teardown.
    with (
        pytest.raises(RuntimeError, match=r"assert_requests\(1\) at .*never entered"),
        run() as sandbox,
    ):
        sandbox.assert_requests(1)


def test_assert_requests_is_not_a_truth_value(twilio_sandbox: Sandbox) -> None:
    check = twilio_sandbox.assert_requests(0)
    with pytest.raises(TypeError, match="not a truth value"):
        assert check
    with check:  # entered after all, so closing the sandbox is fine
        pass


def test_assert_requests_counts_and_fails_in_a_with_block(twilio_sandbox: Sandbox) -> None:
    calls = Call.objects.using(twilio_sandbox.client)
    with twilio_sandbox.assert_requests(1) as seen:
        calls.create(**CALL)
    assert [e.status for e in seen] == [201]
    with (
        pytest.raises(AssertionError, match=r"expected 2 request\(s\), the sandbox got 1"),
        twilio_sandbox.assert_requests(2),
    ):
        calls.create(**CALL)


def test_a_check_entered_later_is_fine_and_runs_once(twilio_sandbox: Sandbox) -> None:
    check = twilio_sandbox.assert_requests(0)
    with contextlib.ExitStack() as stack:
        stack.enter_context(check)
    with pytest.raises(RuntimeError, match="entered already"), check:
        pass
    twilio_sandbox.close()  # nothing left unentered: no error


def test_a_failing_block_is_not_hidden_by_its_count(twilio_sandbox: Sandbox) -> None:
    with pytest.raises(ZeroDivisionError), twilio_sandbox.assert_requests(5):
        1 / 0  # noqa: B018
