"""Which codes approve a Verify check: any but 000000 by default, or the sandbox's own rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import twiorm
from twiorm.resources import Verification, VerificationCheck, VerifyService
from twiorm.sandbox import Sandbox, run
from twiorm.sandbox.behaviours import VerificationCodes

TO = "+14155550100"


@pytest.fixture
def checker() -> Iterator[Callable[..., Callable[[str], bool]]]:
    """Start a sandbox with ``run(**options)``; return whether a code approves there."""
    sandboxes: list[Sandbox] = []

    def start(**options: object) -> Callable[[str], bool]:
        sandbox = run(**options)  # type: ignore[arg-type]
        sandboxes.append(sandbox)
        return lambda code: approves(sandbox, code)

    yield start
    for sandbox in sandboxes:
        sandbox.close()


def approves(sandbox: Sandbox, code: str) -> bool:
    """Start a verification, check ``code`` against it, and say whether it was approved."""
    client: twiorm.Client = sandbox.client
    (service,) = sandbox.seed(VerifyService, 1)
    Verification.objects.using(client).create(service_sid=service.sid, to=TO, channel="sms")
    check = VerificationCheck.objects.using(client).create(
        service_sid=service.sid, to=TO, code=code
    )
    assert check.status == ("approved" if check.valid else "pending")
    return bool(check.valid)


def test_by_default_every_code_approves_but_000000(
    checker: Callable[..., Callable[[str], bool]],
) -> None:
    check = checker()
    assert check("123456")
    assert check("999999")
    assert not check("000000")


@pytest.mark.parametrize(
    ("codes", "approved", "refused"),
    [
        ({"424242"}, ["424242"], ["123456", "000000"]),
        (["111111", "222222"], ["222222"], ["123456"]),
        ("424242", ["424242"], ["4", "42"]),  # one code, not its characters
        (lambda code: code.endswith("7"), ["123457", "7"], ["123456"]),
    ],
)
def test_run_takes_the_codes_that_approve(
    checker: Callable[..., Callable[[str], bool]],
    codes: VerificationCodes,
    approved: list[str],
    refused: list[str],
) -> None:
    check = checker(verification_codes=codes)
    assert all(check(code) for code in approved)
    assert not any(check(code) for code in refused)


def test_the_rule_can_change_on_a_running_sandbox(twilio_sandbox: Sandbox) -> None:
    assert twilio_sandbox.verification_codes is None
    twilio_sandbox.verification_codes = {"000000"}
    assert approves(twilio_sandbox, "000000")
    assert not approves(twilio_sandbox, "123456")
    twilio_sandbox.verification_codes = None
    assert approves(twilio_sandbox, "123456")
    assert not approves(twilio_sandbox, "000000")


def test_codes_that_are_not_strings_are_refused(twilio_sandbox: Sandbox) -> None:
    with pytest.raises(TypeError, match="verification codes are strings"):
        twilio_sandbox.verification_codes = {123456}  # type: ignore[arg-type]
    assert twilio_sandbox.verification_codes is None  # unchanged
