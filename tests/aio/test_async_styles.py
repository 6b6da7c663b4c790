"""Both styles, with async and await, against the sandbox over real sockets (httpx)."""

from __future__ import annotations

from datetime import date

import pytest

import twiorm
from twiorm.resources import Call, Message, Number
from twiorm.sandbox import Sandbox

pytestmark = pytest.mark.anyio

TWIML = "https://example.com/twiml"


async def test_the_django_style_awaits(twilio_sandbox: Sandbox) -> None:
    async with twiorm.Client(
        twilio_sandbox.account_sid, twilio_sandbox.auth_token, base_url=twilio_sandbox.url
    ) as client:
        calls = Call.objects.using(client)
        created = await Call.objects.using(client).acreate(
            to="+14155550100", from_="+15005550006", url=TWIML
        )
        assert created.sid is not None
        assert created.sid.startswith("CA")
        fetched = await calls.aget(created.sid)
        assert fetched == created
        twilio_sandbox.seed(Call, 30, status="completed")
        assert await calls.filter(status="completed").acount() == 30
        assert await calls.filter(to="+14155550100").aexists()
        first = await calls.afirst()
        assert first is not None
        streamed = [call.sid async for call in calls.filter(status="completed")]
        assert len(streamed) == len(set(streamed)) == 30
        paged = [call async for call in calls.all().aiterator(page_size=7)]
        assert len(paged) == 31

        number = (twilio_sandbox.seed(Number, 1))[0]
        mine = await Number.objects.using(client).aget(number.sid)
        mine.voice_url = "https://example.com/voice"
        await mine.asave()
        assert (await mine.arefresh()).voice_url == "https://example.com/voice"
        assert await mine.adelete() is True
        with pytest.raises(Number.DoesNotExist):
            await Number.objects.using(client).aget(number.sid)


async def test_the_helper_style_awaits(twilio_sandbox: Sandbox) -> None:
    async with twiorm.Client(
        twilio_sandbox.account_sid, twilio_sandbox.auth_token, base_url=twilio_sandbox.url
    ) as client:
        calls = client.api.v2010.calls
        twilio_sandbox.seed(Call, 12, start_time=date(2026, 1, 2))
        assert len(await calls.list_async(limit=5)) == 5
        seen = [c.sid async for c in await calls.stream_async(limit=11, page_size=4)]
        assert len(set(seen)) == 11
        page = await calls.page_async(page_size=5)
        following = await page.next_page_async()
        assert following is not None
        assert {c.sid for c in page}.isdisjoint({c.sid for c in following})
        made = await calls.create_async(to="+14155550100", from_="+15005550006", url=TWIML)
        assert made.sid is not None
        assert (await calls(made.sid).fetch_async()).sid == made.sid
        ended = await calls(made.sid).update_async(status="completed")
        assert ended.status == "completed"
        assert await calls(made.sid).delete_async() is True
        sent = await client.messages.create_async("+14155550100", from_="+15005550006", body="hi")
        assert isinstance(sent, Message)


async def test_no_blocking_call_is_made_on_the_loop(
    twilio_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sync transport was used inside the event loop")

    monkeypatch.setattr(twiorm.transport.RequestsTransport, "send", refuse)
    async with twiorm.Client(
        twilio_sandbox.account_sid, twilio_sandbox.auth_token, base_url=twilio_sandbox.url
    ) as client:
        twilio_sandbox.seed(Call, 3)
        assert await Call.objects.using(client).acount() == 3
