"""The sandbox serves any declared resource, a user's own included, from its declaration."""

from __future__ import annotations

import re
from datetime import date

import pytest

import twiorm
from twiorm import Resource, fields
from twiorm.fields import REQUIRED
from twiorm.resources import Call, IncomingPhoneNumber
from twiorm.sandbox import Sandbox, run

from .conftest import Raw


class Board(Resource):
    """A user's resource on a newer-style API: ISO dates, ``url``, ``links``."""

    class Meta:
        path = "/v1/Boards/{sid}"
        domain = "boards"
        verbs = ("list", "fetch", "create", "update")  # no delete
        list_key = "boards"
        max_page_size = 5

    sid = fields.Sid("BD")
    account_sid = fields.Sid("AC")
    title = fields.Str(create=REQUIRED, update=True, filter=True)
    pinned = fields.Bool(create=True, update=True, filter=True)
    date_created = fields.ISODateTime(filter=fields.RANGE)
    date_updated = fields.ISODateTime()
    url = fields.Uri()
    links = fields.UriMap()


class Note(Resource):
    """Hangs under a Board, so it needs an existing one."""

    class Meta:
        path = "/v1/Boards/{board_sid}/Notes/{sid}"
        domain = "boards"
        verbs = ("list", "fetch", "create", "delete")
        list_key = "notes"

    sid = fields.Sid("NT")
    board_sid = fields.Sid("BD")
    text = fields.Str(create=REQUIRED)
    date_created = fields.ISODateTime()
    url = fields.Uri()


class Queue(Resource):
    """A 2010-style resource twiorm does not declare itself."""

    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/Queues/{sid}.json"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "queues"

    sid = fields.Sid("QU")
    account_sid = fields.Sid("AC")
    friendly_name = fields.Str(create=REQUIRED, update=True)
    max_size = fields.Int(create=True, update=True)
    current_size = fields.Int()
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    uri = fields.Str()


def test_a_users_resource_gets_every_verb_it_declares(twilio_sandbox: Sandbox) -> None:
    boards = Board.objects.using(twilio_sandbox.client)
    board = boards.create(title="launch", pinned=True)
    assert re.fullmatch(r"BD[0-9a-f]{32}", board.sid)
    assert board.url == f"{twilio_sandbox.url}/v1/Boards/{board.sid}"
    assert board.links == {"notes": f"{board.url}/Notes"}
    assert board.account_sid == twilio_sandbox.account_sid
    assert board.raw["date_created"].endswith("Z")
    board.title = "launch day"
    board.save()
    assert boards.get(board.sid).title == "launch day"
    assert [b.sid for b in boards.filter(pinned=True)] == [board.sid]
    assert boards.filter(title="nope").count() == 0
    with pytest.raises(twiorm.VerbNotAllowedError):
        board.delete()  # the client refuses; the sandbox would answer 405


def test_verbs_and_page_size_come_from_the_declaration(raw: Raw, twilio_sandbox: Sandbox) -> None:
    (board,) = twilio_sandbox.seed(Board, 1)
    assert raw("DELETE", f"/v1/Boards/{board.sid}").status_code == 405
    assert raw("GET", "/v1/Boards", params={"PageSize": 5}).status_code == 200
    too_big = raw("GET", "/v1/Boards", params={"PageSize": 6})
    assert (too_big.status_code, too_big.json()["code"]) == (400, 20007)


def test_a_child_needs_its_parent(raw: Raw, twilio_sandbox: Sandbox) -> None:
    missing = "BD" + "0" * 32
    response = raw("POST", f"/v1/Boards/{missing}/Notes", data={"Text": "hi"})
    assert (response.status_code, response.json()["code"]) == (404, 20404)
    (board,) = twilio_sandbox.seed(Board, 1)
    note = Note.objects.using(twilio_sandbox.client).create(board_sid=board.sid, text="hi")
    assert note.board_sid == board.sid
    assert [n.sid for n in Note.objects.using(twilio_sandbox.client).filter(board_sid=board.sid)]
    # a note is found only under its own board
    (other,) = twilio_sandbox.seed(Board, 1)
    assert raw("GET", f"/v1/Boards/{other.sid}/Notes/{note.sid}").status_code == 404
    note.delete()
    assert twilio_sandbox.records(Note) == []


def test_a_2010_style_resource_of_the_user(twilio_sandbox: Sandbox) -> None:
    queue = Queue.objects.using(twilio_sandbox.client).create(friendly_name="support", max_size=10)
    assert queue.uri == f"/2010-04-01/Accounts/{twilio_sandbox.account_sid}/Queues/{queue.sid}.json"
    assert queue.raw["date_created"].endswith("+0000")
    assert queue.max_size == 10
    queue.update(max_size=20)
    assert Queue.objects.using(twilio_sandbox.client).get(queue.sid).max_size == 20
    queue.delete()
    with pytest.raises(Queue.DoesNotExist):
        Queue.objects.using(twilio_sandbox.client).get(queue.sid)


def test_a_resource_declared_after_the_sandbox_started_is_served(
    twilio_sandbox: Sandbox,
) -> None:
    class Sticker(Resource):
        class Meta:
            path = "/v1/Stickers/{sid}"
            domain = "stickers"
            verbs = ("list", "create")
            list_key = "stickers"

        sid = fields.Sid("ST")
        label = fields.Str(create=True)

    created = Sticker.objects.using(twilio_sandbox.client).create(label="new")
    assert [s.label for s in Sticker.objects.using(twilio_sandbox.client).all()] == ["new"]
    assert created.sid.startswith("ST")


def test_sid_shaped_placeholders_keep_apart_look_alike_urls() -> None:
    # /IncomingPhoneNumbers/Local.json is another list on Twilio, not a number's SID: a
    # sandbox serving only numbers does not take "Local" for one.
    with run(resources=[IncomingPhoneNumber]) as sandbox:
        response = Raw(sandbox)("GET", Raw(sandbox).account_path("IncomingPhoneNumbers/Local.json"))
    assert response.status_code == 404


def test_run_can_serve_only_the_resources_named() -> None:
    with run(resources=[Call]) as sandbox:
        Call.objects.using(sandbox.client).create(
            to="+14155550100", from_="+15005550006", url="https://example.com/x"
        )
        with pytest.raises(twiorm.NotFoundError):
            IncomingPhoneNumber.objects.using(sandbox.client).first()
        with pytest.raises(LookupError, match="does not serve IncomingPhoneNumber"):
            sandbox.seed(IncomingPhoneNumber, 1)


def test_a_subclass_is_served_when_named(twilio_sandbox: Sandbox) -> None:
    class TaggedCall(Call):
        caller_tag = fields.Str()

    with run(resources=[TaggedCall]) as sandbox:
        (call,) = sandbox.seed(TaggedCall, 1, caller_tag="vip")
        fetched = TaggedCall.objects.using(sandbox.client).get(call.sid)
        assert fetched.caller_tag == "vip"
    # the sandbox that serves everything keeps serving Call as declared
    (plain,) = twilio_sandbox.seed(Call, 1)
    assert "caller_tag" not in plain.raw


def test_dates_filter_on_a_users_resource(twilio_sandbox: Sandbox) -> None:
    twilio_sandbox.seed(Board, 2)
    boards = Board.objects.using(twilio_sandbox.client)
    assert boards.filter(date_created__gte=date(2000, 1, 1)).count() == 2
    assert boards.filter(date_created__lte=date(2000, 1, 1)).count() == 0
