"""The pytest plugin: registered by entry point, a fresh sandbox per test, scrubbed cassettes."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

import twiorm.pytest_plugin
from twiorm.pytest_plugin import SCRUBBED_ACCOUNT_SID, scrub_text, scrubbing_vcr
from twiorm.resources import Account, Message
from twiorm.sandbox import run

pytest_plugins = ["pytester"]


def test_the_plugin_is_registered_by_entry_point(request: pytest.FixtureRequest) -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "twiorm"]
    assert [ep.value for ep in found] == ["twiorm.pytest_plugin"]
    assert request.config.pluginmanager.get_plugin("twiorm") is twiorm.pytest_plugin


@pytest.mark.slow
def test_users_get_a_fresh_sandbox_per_test_and_cassettes(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntwiorm_cassette_dir = tapes\n")
    pytester.makepyfile(
        test_app="""
        import pytest
        from twiorm.resources import Call

        def make_a_call(client):
            Call.objects.using(client).create(
                to="+14155550100", from_="+15005550006", url="https://example.com/x"
            )

        def test_one(twilio_sandbox):
            make_a_call(twilio_sandbox.client)
            assert len(twilio_sandbox.records(Call)) == 1

        def test_two(twilio_sandbox):
            make_a_call(twilio_sandbox.client)
            assert len(twilio_sandbox.records(Call)) == 1  # nothing left from test_one

        def test_recorded(twilio_sandbox, twilio_cassette):
            with twilio_cassette():
                make_a_call(twilio_sandbox.client)

        @pytest.mark.parametrize("to", ["+14155550100", "a/b"])
        def test_parametrized(twilio_sandbox, twilio_cassette, to):
            with twilio_cassette():
                twilio_sandbox.client.api.v2010.calls.list(limit=1)
            with pytest.raises(ValueError, match="cassette name"):
                twilio_cassette("../elsewhere")
        """
    )
    # In a subprocess: an in-process run would unload vcrpy and yaml from under this session.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    tape = pytester.path / "tapes" / "test_app" / "test_recorded.yaml"
    text = tape.read_text()
    assert "/Calls.json" in text
    assert "+14155550100" not in text
    assert "%2B14155550100" not in text
    # parametrized ids (a phone number, a slash) never reach file names
    names = sorted(path.name for path in (pytester.path / "tapes" / "test_app").iterdir())
    assert len(names) == 3
    assert all("4155550100" not in name and "[" not in name for name in names)


def test_cassettes_keep_no_secrets_and_replay(tmp_path: Path) -> None:
    tape = str(tmp_path / "tape.yaml")
    with run() as sandbox:
        secrets = (sandbox.account_sid, sandbox.auth_token)
        with scrubbing_vcr(record_mode="once").use_cassette(tape):
            sent = Message.objects.using(sandbox.client).create(
                to="+14155550100", from_="+15005550006", body="hi"
            )
            account = Account.objects.using(sandbox.client).get(sandbox.account_sid)
        assert sent.to == "+14155550100"  # the test itself saw the real answer
        assert account.auth_token == sandbox.auth_token
        client = sandbox.new_client()
    text = Path(tape).read_text()
    for secret in secrets:
        assert secret not in text
    assert "authorization" not in text.lower()
    assert "4155550100" not in text
    assert "(415) 555-0100" not in text
    assert SCRUBBED_ACCOUNT_SID in text
    assert "+15005550006" in text or "%2B15005550006" in text  # Twilio's test number stays
    # the sandbox is gone: the same calls now replay from the cassette
    with scrubbing_vcr(record_mode="none").use_cassette(tape):
        replayed = Message.objects.using(client).create(
            to="+14155550100", from_="+15005550006", body="hi"
        )
        again = Account.objects.using(client).get(secrets[0])
    assert replayed.sid == sent.sid
    assert replayed.to == "+15555550100"
    assert again.auth_token == "[scrubbed]"
    client.requestor.transport.session.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (
            "/Accounts/AC" + "a1" * 16 + "/Calls.json",
            f"/Accounts/{SCRUBBED_ACCOUNT_SID}/Calls.json",
        ),
        ("To=%2B14155550100&From=%2B15005550006", "To=%2B15555550100&From=%2B15005550006"),
        (
            '{"to": "+447700900123", "to_formatted": "(415) 555-0100"}',
            '{"to": "+15555550100", "to_formatted": "(555) 555-0100"}',
        ),
        ('{"auth_token": "s3cr3t"}', '{"auth_token": "[scrubbed]"}'),
        ("+150055500061", "+15555550100"),  # longer than a test number: a real one
        ('{"price": "-0.00750", "sid": "CA0123"}', '{"price": "-0.00750", "sid": "CA0123"}'),
    ],
)
def test_scrub_text(text: str, scrubbed: str) -> None:
    assert scrub_text(text) == scrubbed
