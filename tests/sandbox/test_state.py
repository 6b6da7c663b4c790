"""Seeding and inspecting a sandbox's state, accounts, and its request log."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

import twiorm
from twiorm.resources import Account, Call, CallRecording, Conference, Participant
from twiorm.sandbox import Sandbox, run

from .conftest import Raw


def test_seeding_five_thousand_records_is_fast(twilio_sandbox: Sandbox) -> None:
    started = time.perf_counter()
    seeded = twilio_sandbox.seed(Call, n=5000)
    elapsed = time.perf_counter() - started
    assert len(seeded) == 5000
    assert len({call.sid for call in seeded}) == 5000
    assert elapsed < 2.0, f"seeding 5000 calls took {elapsed:.2f} s"


def test_seeded_records_are_plausible_history(twilio_sandbox: Sandbox) -> None:
    first, second = twilio_sandbox.seed(Call, 2)
    assert first.status == "completed"
    assert first.to.startswith("+1")
    assert first.to != second.to
    assert isinstance(first.duration, int)
    assert isinstance(first.price, Decimal)
    assert first.account_sid == twilio_sandbox.account_sid
    assert first.date_created < second.date_created  # the last seeded is the newest
    assert first.uri.endswith(f"/Calls/{first.sid}.json")


def test_overrides_are_values_or_functions_of_the_index(twilio_sandbox: Sandbox) -> None:
    seeded = twilio_sandbox.seed(
        Call, 3, status="busy", to=lambda i: f"+1415555010{i}", price=Decimal("-0.5")
    )
    assert [call.to for call in seeded] == ["+14155550100", "+14155550101", "+14155550102"]
    assert {call.status for call in seeded} == {"busy"}
    assert seeded[0].to_formatted == "(415) 555-0100"  # derived from the override
    assert seeded[0].raw["price"] == "-0.5"


@pytest.mark.parametrize(
    ("resource", "overrides", "message"),
    [
        (Call, {"colour": "red"}, "Call has no property colour"),
        (Call, {"url": "https://example.com"}, "Call has no property url"),  # write-only
        (Call, {"status": "finished"}, "Call.status"),
        (Participant, {}, r"seed\(Participant\) needs conference_sid=\.\.\."),
        (Participant, {"conference_sid": "CF" + "0" * 32}, "seed the Conference first"),
    ],
)
def test_bad_seeds_are_refused(
    twilio_sandbox: Sandbox,
    resource: type[twiorm.Resource],
    overrides: dict[str, str],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        twilio_sandbox.seed(resource, 1, **overrides)


def test_records_are_newest_first_and_narrowed_by_parent(twilio_sandbox: Sandbox) -> None:
    conferences = twilio_sandbox.seed(Conference, 2)
    for conference in conferences:
        twilio_sandbox.seed(Participant, 2, conference_sid=conference.sid)
    mine = twilio_sandbox.records(Participant, conference_sid=conferences[0].sid)
    assert len(mine) == 2
    assert all(p.conference_sid == conferences[0].sid for p in mine)
    assert len(twilio_sandbox.records(Participant)) == 4
    assert mine[0].date_created >= mine[1].date_created
    with pytest.raises(ValueError, match="no path parameter colour"):
        twilio_sandbox.records(Participant, colour="red")


def test_records_are_live_instances(twilio_sandbox: Sandbox) -> None:
    (call,) = twilio_sandbox.seed(Call, 1, status="queued")
    call.update(status="canceled")
    (stored,) = twilio_sandbox.records(Call)
    assert stored.status == "canceled"


def test_requests_made_through_the_api_show_in_records(twilio_sandbox: Sandbox) -> None:
    call = Call.objects.using(twilio_sandbox.client).create(
        to="+14155550100", from_="+15005550006", url="https://example.com/x"
    )
    recording = CallRecording.objects.using(twilio_sandbox.client).create(call_sid=call.sid)
    assert [r.sid for r in twilio_sandbox.records(CallRecording)] == [recording.sid]
    assert recording.call_sid == call.sid
    assert recording.status == "in-progress"


def test_clear_forgets_everything_but_the_account(twilio_sandbox: Sandbox) -> None:
    twilio_sandbox.seed(Call, 3)
    Account.objects.using(twilio_sandbox.client).create(friendly_name="sub")
    twilio_sandbox.clear()
    assert twilio_sandbox.records(Call) == []
    assert [a.sid for a in twilio_sandbox.records(Account)] == [twilio_sandbox.account_sid]
    assert twilio_sandbox.requests == []


def test_assert_requests_counts_what_reached_the_sandbox(twilio_sandbox: Sandbox) -> None:
    (call,) = twilio_sandbox.seed(Call, 1)
    calls = Call.objects.using(twilio_sandbox.client)
    with twilio_sandbox.assert_requests(1) as seen:
        calls.get(call.sid)
    assert seen[0].method == "GET"
    assert seen[0].target.endswith(f"/Calls/{call.sid}.json")
    with (
        pytest.raises(AssertionError, match=r"expected 0 request\(s\), the sandbox got 1"),
        twilio_sandbox.assert_requests(0),
    ):
        calls.get(call.sid)


def test_as_default_lets_code_use_the_default_client(twilio_sandbox: Sandbox) -> None:
    with twilio_sandbox.as_default():
        Call.objects.create(to="+14155550100", from_="+15005550006", url="https://x.example")
    assert len(twilio_sandbox.records(Call)) == 1


def test_as_default_gives_back_the_default_it_found(twilio_sandbox: Sandbox) -> None:
    mine = twiorm.Client("AC" + "b" * 32, "my-token")
    twiorm.set_default_client(mine)
    try:
        with twilio_sandbox.as_default() as inside:
            assert twiorm.get_default_client() is inside
        assert twiorm.get_default_client() is mine
    finally:
        twiorm.set_default_client(None)


def test_the_account_itself_can_be_fetched(twilio_sandbox: Sandbox) -> None:
    account = Account.objects.using(twilio_sandbox.client).get(twilio_sandbox.account_sid)
    assert account.status == "active"
    assert account.subresource_uris["calls"].endswith(
        f"/Accounts/{twilio_sandbox.account_sid}/Calls.json"
    )


def test_subaccounts_have_their_own_credentials_and_reach(
    raw: Raw, twilio_sandbox: Sandbox
) -> None:
    sub = Account.objects.using(twilio_sandbox.client).create(friendly_name="tenant")
    assert sub.owner_account_sid == twilio_sandbox.account_sid
    calls_of_sub = f"/2010-04-01/Accounts/{sub.sid}/Calls.json"
    # the main account reaches the subaccount's resources …
    assert raw("GET", calls_of_sub).status_code == 200
    # … the subaccount signs in with its own token, and reaches only its own
    own = (sub.sid, sub.auth_token)
    assert raw("GET", calls_of_sub, auth=own).status_code == 200
    refused = raw("GET", raw.account_path("Calls.json"), auth=own)
    assert (refused.status_code, refused.json()["code"]) == (401, 20003)  # Twilio's answer
    listed = raw("GET", "/2010-04-01/Accounts.json", auth=own).json()
    assert [a["sid"] for a in listed["accounts"]] == [sub.sid]


def test_a_sandbox_can_have_fixed_credentials() -> None:
    sid, token = "AC" + "12" * 16, "fixed-token"
    with run(account_sid=sid, auth_token=token) as sandbox:
        assert (sandbox.account_sid, sandbox.auth_token) == (sid, token)
        assert Account.objects.using(sandbox.client).get(sid).auth_token == token
    with pytest.raises(ValueError, match="an account SID is AC and 32 hex digits"):
        run(account_sid="ACnope")


def test_a_sandbox_can_answer_as_slowly_as_a_distant_server() -> None:
    with run(latency=0.05) as sandbox:
        started = time.perf_counter()
        Call.objects.using(sandbox.client).count()
        Call.objects.using(sandbox.client).count()
        assert time.perf_counter() - started >= 0.1  # a floor, not a speed claim
    for wrong in (-1, 61, "fast"):
        with pytest.raises(ValueError, match="latency is seconds between 0 and 60"):
            run(latency=wrong)  # type: ignore[arg-type]
