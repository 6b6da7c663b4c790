"""``python -m twiorm demo``: a tour of twiorm against a local sandbox, printed as it goes.

It needs no account and no network: a sandbox starts on 127.0.0.1, becomes the default
client, and each step uses twiorm as an application would. The tour is a list of
``Step``s, so a step can be added (or a style shown beside another) without touching the
rest.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import twiorm

# mypy cannot see twiorm.resources in a checkout: it installs from the resources/ folder
from twiorm.resources import Call, Message, Number, OutgoingCallerId
from twiorm.resources.call import CALL_STATUS
from twiorm.sandbox import Sandbox, run

__all__ = ["STEPS", "Step", "main"]

Say = Callable[[str], None]

# Twilio's test numbers (see twiorm.sandbox.magic_numbers): this one passes every check.
SENDER = "+15005550006"
CUSTOMER = "+14155550100"
TWIML_URL = "https://example.com/twiml"


@dataclass(frozen=True)
class Step:
    """One part of the tour: a title and what it does."""

    title: str
    run: Callable[[Sandbox, Say], None]


def _create(sandbox: Sandbox, say: Say) -> None:
    call = Call.objects.create(to=CUSTOMER, from_=SENDER, url=TWIML_URL)
    say(f"Call.objects.create(...)     -> {call.sid} {call.status}, to {call.to_formatted}")
    message = Message.objects.create(to=CUSTOMER, from_=SENDER, body="Your table is ready")
    say(f"Message.objects.create(...)  -> {message.sid} {message.status}: {message.body!r}")
    draft = Message(to=CUSTOMER, from_=SENDER, body="Saved, not sent yet")
    say(f"Message(...)                 -> {draft!r}, nothing sent")
    draft.save()
    say(f"draft.save()                 -> {draft!r}, created with one POST")


def _filter_and_slice(sandbox: Sandbox, say: Say) -> None:
    sandbox.seed(Call, 200, status=lambda i: CALL_STATUS[i % len(CALL_STATUS)])
    say("seeded 200 calls of every status into the sandbox")
    busy = Call.objects.filter(status="busy")
    say(f"a query set sends nothing until used: {busy!r}")
    before = len(sandbox.requests)
    newest = list(busy[:3])
    sent = len(sandbox.requests) - before
    say(f"busy[:3] -> {len(newest)} calls in {sent} request, newest first:")
    for call in newest:
        say(f"  {call.sid}  {call.status:<6} {call.start_time:%Y-%m-%d %H:%M:%S}")
    say(f"filter(to={CUSTOMER!r}).exists() -> {Call.objects.filter(to=CUSTOMER).exists()}")
    first = Message.objects.filter(to=CUSTOMER).first()
    say(f"Message.objects.filter(to=...).first().body -> {first.body if first else None!r}")


def _stream(sandbox: Sandbox, say: Say) -> None:
    sandbox.seed(Call, 3000)
    before = len(sandbox.requests)
    started = time.perf_counter()
    count = sum(1 for _ in Call.objects.iterator(page_size=1000))
    elapsed = time.perf_counter() - started
    pages = len(sandbox.requests) - before
    say("seeded 3000 more calls")
    say(
        f"Call.objects.iterator(page_size=1000) streamed {count} calls "
        f"in {pages} pages, {elapsed:.2f} s, keeping none in memory"
    )


def _save_a_change(sandbox: Sandbox, say: Say) -> None:
    bought = Number.objects.create(area_code="500", friendly_name="front desk")
    say(f"Number.objects.create(area_code='500') -> {bought.phone_number} ({bought.sid})")
    number = Number.objects.get(bought.sid)
    say(f"Number.objects.get(sid).voice_url      -> {number.voice_url!r}")
    number.voice_url = "https://example.com/voice"
    number.save()  # sends only VoiceUrl: the one field changed
    say(f"number.voice_url = ...; number.save()  -> {number.voice_url!r}")
    say(f"fetched again                          -> {Number.objects.get(bought.sid).voice_url!r}")


def _delete(sandbox: Sandbox, say: Say) -> None:
    (seeded,) = sandbox.seed(OutgoingCallerId, 1, phone_number="+14155550123")
    caller_id = OutgoingCallerId.objects.get(seeded.sid)
    say(f"OutgoingCallerId.objects.get(sid) -> {caller_id.phone_number} {caller_id.sid}")
    caller_id.delete()
    say("caller_id.delete()                -> gone (HTTP 204)")
    try:
        OutgoingCallerId.objects.get(seeded.sid)
    except OutgoingCallerId.DoesNotExist as exc:
        say(f"get(sid) again                    -> OutgoingCallerId.DoesNotExist [{exc.code}]")


def _helper_style(sandbox: Sandbox, say: Say) -> None:
    api = sandbox.client.api.v2010
    busy = api.calls.list(status="busy", limit=2)
    say(f"client.api.v2010.calls.list(status='busy', limit=2) -> {len(busy)} Call instances")
    same = busy == list(Call.objects.filter(status="busy")[:2])
    say(f"the same records as Call.objects.filter(status='busy')[:2]: {same}")
    streamed = sum(1 for _ in api.calls.stream(limit=250, page_size=100))
    say(f"calls.stream(limit=250, page_size=100) -> {streamed} calls, pages fetched as needed")
    bought = api.incoming_phone_numbers.create(area_code="500")
    assert bought.sid is not None  # a record Twilio answered with always has its SID
    number = sandbox.client.api.incoming_phone_numbers(bought.sid)
    number.update(sms_url="https://example.com/sms")  # one POST, no fetch first
    say(f"incoming_phone_numbers(sid).update(sms_url=...) -> {number.sms_url!r}")


def _typed_errors(sandbox: Sandbox, say: Say) -> None:
    try:
        Message.objects.create(to=CUSTOMER, from_="+15005550001", body="hi")
    except twiorm.BadRequestError as exc:
        say(f"from_='+15005550001' -> BadRequestError, HTTP {exc.status}, code {exc.code}")
        say(f"  {exc.message}")
    try:
        Call.objects.create(to="555 0100", from_=SENDER, url=TWIML_URL)
    except twiorm.ValidationError as exc:
        say(f"to='555 0100'        -> ValidationError before any request: {exc}")
    try:
        Call.objects.filter(colour="red")  # type: ignore[call-arg]  # wrong on purpose
    except twiorm.InvalidFilterError as exc:
        say(f"filter(colour=...)   -> InvalidFilterError: {exc}")


STEPS: tuple[Step, ...] = (
    Step("Place a call and send messages", _create),
    Step("Filter and slice: lazy query sets, one small request", _filter_and_slice),
    Step("Stream thousands of records, page by page", _stream),
    Step("Fetch a phone number and save() a change", _save_a_change),
    Step("Delete a caller ID", _delete),
    Step("The official-helper style, over the same machinery", _helper_style),
    Step("Typed errors", _typed_errors),
)


def main(out: TextIO | None = None) -> int:
    """Run the tour, printing to ``out`` (standard output by default); return 0."""
    stream = out or sys.stdout

    def say(line: str) -> None:
        print(f"   {line}" if line else "", file=stream)

    started = time.perf_counter()
    with run() as sandbox, sandbox.as_default():
        print(
            f"twiorm {twiorm.__version__} demo: a local Twilio sandbox at {sandbox.url}",
            file=stream,
        )
        print(f"account {sandbox.account_sid}; no network, no charges", file=stream)
        for number, step in enumerate(STEPS, start=1):
            print(f"\n{number}. {step.title}", file=stream)
            step.run(sandbox, say)
        total = len(sandbox.requests)
    print(f"\ndone: {total} requests in {time.perf_counter() - started:.1f} s", file=stream)
    return 0
