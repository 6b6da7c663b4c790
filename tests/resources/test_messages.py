"""Message, replayed from cassettes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import twiorm
from twiorm.resources import Message

SM = "SM" + "a" * 32


def test_send_a_message(twilio: twiorm.Client) -> None:
    message = Message.objects.using(twilio).create(
        to="+14155550100", from_="+15005550006", body="hello"
    )
    assert message.sid.startswith(("SM", "MM"))
    assert isinstance(message.num_segments, int)


def test_send_media_through_a_messaging_service(twilio: twiorm.Client) -> None:
    message = Message.objects.using(twilio).create(
        to="+14155550100",
        messaging_service_sid="MG" + "a" * 32,
        media_url=["https://example.com/a.png", "https://example.com/b.png"],
    )
    assert message.status is not None


def test_message_needs_a_sender_and_content(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.MissingParameterError, match="from_, messaging_service_sid"):
        Message.objects.using(client).create(to="+14155550100", body="x")
    with pytest.raises(twiorm.MissingParameterError, match="body, media_url, content_sid"):
        Message.objects.using(client).create(to="+14155550100", from_="+15005550006")


def test_messages_sent_since(twilio: twiorm.Client) -> None:
    since = datetime(2026, 1, 1, 8, 30, tzinfo=timezone.utc)
    found = list(Message.objects.using(twilio).filter(date_sent__gte=since, to="+14155550100")[:1])
    assert found
    assert found[0].date_sent.tzinfo is not None


def test_redact_a_body_then_delete(twilio: twiorm.Client) -> None:
    message = Message.objects.using(twilio).get(SM)
    message.update(body="")  # an empty string is how Twilio redacts a body
    message.delete()
