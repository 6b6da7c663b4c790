"""Account and the recording resources, replayed from cassettes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import twiorm
from twiorm.resources import Account, CallRecording, Recording

AC = "AC" + "a" * 32
RE = "RE" + "a" * 32
CA = "CA" + "a" * 32


def test_create_and_suspend_a_subaccount(twilio: twiorm.Client) -> None:
    account = Account.objects.using(twilio).create(friendly_name="sub")
    assert account.sid.startswith("AC")
    account.status = "suspended"
    account.save()


def test_accounts_by_status(twilio: twiorm.Client) -> None:
    found = list(Account.objects.using(twilio).filter(status="active")[:1])
    assert all(isinstance(account, Account) for account in found)  # the spec's example is empty


def test_recordings_since_a_day(twilio: twiorm.Client) -> None:
    found = list(Recording.objects.using(twilio).filter(date_created__gte=date(2026, 1, 1))[:1])
    assert found
    assert isinstance(found[0].duration, int)


def test_fetch_and_delete_a_recording(twilio: twiorm.Client) -> None:
    recording = Recording.objects.using(twilio).get(RE)
    assert recording.price is None or isinstance(recording.price, Decimal)
    recording.delete()


def test_recordings_of_a_call(twilio: twiorm.Client) -> None:
    found = list(CallRecording.objects.using(twilio).filter(call_sid=CA)[:1])
    assert found
    assert found[0].call_sid.startswith("CA")


def test_subaccount_calls_use_its_path(twilio: twiorm.Client) -> None:
    from twiorm.resources import Call

    sub = "AC" + "b" * 32
    found = list(Call.objects.using(twilio).filter(account_sid=sub)[:1])
    assert found
