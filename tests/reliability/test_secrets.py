"""The auth token and API secret never show: not in reprs, logs, errors, tracebacks'
locals, pickles or recorded cassettes. Phone numbers can be masked in logs.

The token is searched for literally and in its Basic-auth form (base64 of
``user:secret``), and each search is first shown to find what it looks for (the server
receives the header; an unfiltered cassette holds it), so a pass means absence rather
than a search that could not succeed.
"""

from __future__ import annotations

import base64
import logging
import pickle
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr

import twiorm
from twiorm import errors
from twiorm.redaction import MaskPhoneNumbers, mask_phone_numbers, redact_params
from twiorm.resources import Account, Call, Message, PhoneNumber
from twiorm.transport import HTTPRequest

from .conftest import Sleeper, policy
from .flaky import (
    ACCOUNT_PATH,
    ACCOUNT_SID,
    Body,
    FlakyTwilio,
    ResetAfterRead,
    Slow,
    Status,
    call_sid,
    free_port,
)

TOKEN = "tok3nS3cretZ9y8x7w6v5u4t3s2r1q0"
KEY_SID = "SK" + "5" * 32
KEY_SECRET = "k3yS3cretA1b2c3d4e5f6g7h8i9j0"
FORMS = (
    TOKEN,
    KEY_SECRET,
    base64.b64encode(f"{ACCOUNT_SID}:{TOKEN}".encode()).decode(),
    base64.b64encode(f"{KEY_SID}:{KEY_SECRET}".encode()).decode(),
)


def leaks(text: str | bytes) -> list[str]:
    """Return the secret forms found in ``text``."""
    haystack = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return [form for form in FORMS if form in haystack]


def run(action: Callable[[], Any]) -> Exception | None:
    """Run ``action``; return what it raised (the traceback ends in this frame)."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - every kind of error is inspected
        return exc
    return None


def shown(error: BaseException) -> Iterator[tuple[str, str | bytes]]:
    """Every way an error is shown: text, repr, traceback, pytest's locals, a pickle."""
    yield "str", str(error)
    yield "repr", repr(error)
    yield "attributes", repr(vars(error))
    yield "traceback", "".join(traceback.format_exception(error))
    described = pytest.ExceptionInfo.from_exception(error)
    yield "pytest -l", str(described.getrepr(showlocals=True, style="long", chain=True))
    yield "pickle", pickle.dumps(error)
    linked = error.__cause__ or error.__context__
    while linked is not None:  # a linked exception is shown by any traceback printer
        assert not type(linked).__module__.startswith(("requests", "urllib3")), linked
        yield f"linked {type(linked).__name__}", repr(linked)
        linked = linked.__cause__ or linked.__context__


def test_the_secrets_appear_nowhere(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, sleeper: Sleeper
) -> None:
    server = FlakyTwilio(calls=7).start()
    token_client = twiorm.Client(
        ACCOUNT_SID, TOKEN, base_url=server.base_url, retries=policy(sleeper), timeout=(2, 0.3)
    )
    key_client = twiorm.Client(
        KEY_SID,
        KEY_SECRET,
        account_sid=ACCOUNT_SID,
        base_url=server.base_url,
        retries=policy(sleeper),
        timeout=(2, 0.3),
    )
    down = twiorm.Client(ACCOUNT_SID, TOKEN, base_url=f"http://127.0.0.1:{free_port()}", retries=0)
    surfaces: list[tuple[str, str | bytes]] = []
    raised: list[Exception] = []
    cassette = tmp_path / "exchange.yaml"
    recorder = vcr.VCR(record_mode="all", filter_headers=["authorization"])
    try:
        with caplog.at_level(logging.DEBUG):  # every logger, urllib3's included
            with recorder.use_cassette(str(cassette)):
                for client in (token_client, key_client):
                    calls = list(Call.objects.using(client).iterator(page_size=3))
                    created = Message.objects.using(client).create(
                        to="+14155550100", from_="+14155550199", body="hi"
                    )
                    surfaces += [("record", repr(calls)), ("created", repr(created))]
                    surfaces += [("pickled record", pickle.dumps(calls[0]))]
                    missing = run(
                        lambda client=client: Call.objects.using(client).get(call_sid(99))
                    )
                    assert isinstance(missing, Call.DoesNotExist)
                    raised.append(missing)
            for client in (token_client, key_client):
                server.inject("GET", "/Calls.json", Status(503), Status(401))
                server.inject("POST", "/Messages.json", Slow(1.0), ResetAfterRead(), Status(500))
                server.inject(
                    "GET", "/Calls/", Body(b"<html>proxy</html>", content_type="text/html")
                )
                actions: list[Callable[[], Any]] = [
                    lambda client=client: list(Call.objects.using(client).all()),
                    lambda client=client: Call.objects.using(client).get(call_sid(1)),
                    lambda client=client: Call.objects.using(client).get("../Accounts"),
                    lambda client=client: Call.objects.using(client).filter(colour="red"),
                ] + [
                    lambda client=client: Message.objects.using(client).create(
                        to="+14155550100", from_="+14155550199", body="hi"
                    )
                ] * 3
                raised += [error for error in map(run, actions) if error is not None]
            raised.append(run(lambda: Call.objects.using(down).get(call_sid(1))))  # type: ignore[arg-type]
            PhoneNumber.objects.using(token_client).get("+14155550100")
    finally:
        server.stop()
        for client in (token_client, key_client, down):
            client.requestor.transport.close()  # type: ignore[attr-defined]

    kinds = {type(error) for error in raised}
    assert {
        Call.DoesNotExist,
        twiorm.AuthenticationError,
        twiorm.MalformedResponseError,
        twiorm.InvalidPathParameterError,
        twiorm.InvalidFilterError,
        errors.OutcomeUnknownTimeout,
        errors.OutcomeUnknownDisconnect,
        errors.OutcomeUnknownServerError,
        twiorm.ConnectError,
    } <= kinds, kinds
    for error in raised:
        surfaces += [(f"{type(error).__name__} {how}", text) for how, text in shown(error)]

    account = Account._from_record({"sid": ACCOUNT_SID, "auth_token": TOKEN}, token_client, {})
    request = HTTPRequest("GET", server.base_url, auth=(ACCOUNT_SID, TOKEN))
    holders = {"request", "account"}  # they hold the secret to use it: only shown forms count
    for name, thing in {
        "client": token_client,
        "key client": key_client,
        "credentials": key_client.credentials,
        "requestor": token_client.requestor,
        "transport": token_client.requestor.transport,
        "policy": token_client.requestor.retries,
        "manager": Call.objects.using(token_client),
        "queryset": Call.objects.using(token_client).filter(to="+14155550100"),
        "request": request,
        "account": account,
    }.items():
        surfaces += [(f"repr {name}", repr(thing)), (f"str {name}", str(thing))]
        if name not in holders:
            surfaces += [(f"vars {name}", repr(getattr(thing, "__dict__", "")))]
    surfaces += [("pickled request", pickle.dumps(request))]
    for name, bound in {
        "manager": Call.objects.using(token_client),
        "queryset": Call.objects.using(token_client).filter(to="+14155550100"),
        "list resource": token_client.api.v2010.calls,
    }.items():
        surfaces += [(f"pickled {name}", pickle.dumps(bound))]
        assert pickle.loads(pickle.dumps(bound)).model is Call  # comes back, unbound
    for unpicklable in (token_client, key_client.credentials):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(unpicklable)

    surfaces.append(("log text", caplog.text))
    surfaces += [(f"log record {r.name}", repr(vars(r))) for r in caplog.records]
    surfaces.append(("cassette", cassette.read_text()))

    # The searches can find what they look for: the wire carried both secrets.
    sent = {r.authorization for r in server.received}
    assert {f"Basic {FORMS[2]}", f"Basic {FORMS[3]}"} <= sent
    assert any(r.name == "twiorm" for r in caplog.records)
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    assert "calls" in cassette.read_text()

    found = {name: leaks(text) for name, text in surfaces if leaks(text)}
    assert found == {}, f"secrets leaked into: {found}"


def test_an_accounts_auth_token_is_not_pickled() -> None:
    account = Account._from_record({"sid": ACCOUNT_SID, "auth_token": TOKEN}, None, {})
    assert leaks(pickle.dumps(account)) == []


def test_an_unfiltered_cassette_would_hold_the_secret(tmp_path: Path) -> None:
    # The control for the cassette check above: without filter_headers the header is there.
    server = FlakyTwilio(calls=1).start()
    client = twiorm.Client(ACCOUNT_SID, TOKEN, base_url=server.base_url, retries=0)
    cassette = tmp_path / "unfiltered.yaml"
    try:
        with vcr.VCR(record_mode="all").use_cassette(str(cassette)):
            list(Call.objects.using(client).all())
    finally:
        server.stop()
        client.requestor.transport.close()  # type: ignore[attr-defined]
    assert leaks(cassette.read_text()) == [FORMS[2]]


def test_secret_parameters_are_masked_on_errors() -> None:
    pairs = [("SipAuthPassword", "pw"), ("CallToken", "t"), ("PageToken", "PA1"), ("To", "+1")]
    assert redact_params(pairs) == (
        ("SipAuthPassword", "<hidden>"),
        ("CallToken", "<hidden>"),
        ("PageToken", "PA1"),
        ("To", "+1"),
    )


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_pickles_with_its_attributes(name: str) -> None:
    cls = getattr(errors, name)
    if not isinstance(cls, type):
        return
    made: dict[type, Callable[[], Exception]] = {
        errors.OutcomeUnknownTimeout: lambda: errors.OutcomeUnknownTimeout(
            "no answer", method="POST", url="u", params=[("To", "+1")]
        ),
        errors.OutcomeUnknownDisconnect: lambda: errors.OutcomeUnknownDisconnect(
            "reset", method="POST", url="u", params=[("To", "+1")]
        ),
        errors.OutcomeUnknownServerError: lambda: errors.OutcomeUnknownServerError(
            "boom", status=502, method="POST", url="u", params=[("To", "+1")]
        ),
        errors.OutcomeUnknownError: lambda: errors.OutcomeUnknownTimeout(
            "x", method="POST", url="u"
        ),
    }
    if cls in made:
        error = made[cls]()
    elif issubclass(cls, errors.TwilioAPIError):
        error = cls("gone", status=404, code=20404, method="GET", url="u")
    elif issubclass(cls, (errors.TransportError, errors.MalformedResponseError)):
        error = cls("failed", url="u")
    else:
        error = cls("bad")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


# -- phone numbers in logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("/v2/PhoneNumbers/+14155550100", "/v2/PhoneNumbers/+*********00"),
        ("/v2/PhoneNumbers/%2B14155550100", "/v2/PhoneNumbers/%2B*********00"),
        ("/v2/PhoneNumbers/4155550100?Fields=x", "/v2/PhoneNumbers/********00?Fields=x"),
        (
            "To=whatsapp%3A%2B447700900123&From=%2B1415",
            "To=whatsapp%3A%2B**********23&From=%2B1415",
        ),
        (f"{ACCOUNT_PATH}/Calls/CA{'0' * 32}.json", f"{ACCOUNT_PATH}/Calls/CA{'0' * 32}.json"),
        ("PageSize=1000&Page=20", "PageSize=1000&Page=20"),
    ],
)
def test_phone_numbers_are_masked_but_sids_and_numbers_of_things_are_not(
    text: str, masked: str
) -> None:
    assert mask_phone_numbers(text) == masked


def test_a_client_can_mask_phone_numbers_in_its_log(
    flaky: FlakyTwilio, connect: Callable[..., twiorm.Client], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="twiorm"):
        PhoneNumber.objects.using(connect(flaky)).get("+14155550100")
        PhoneNumber.objects.using(connect(flaky, mask_phone_numbers=True)).get("+14155550100")
    plain, masked = (r.getMessage() for r in caplog.records if r.name == "twiorm")
    assert "/v2/PhoneNumbers/%2B14155550100 -> 200" in plain
    assert "/v2/PhoneNumbers/%2B*********00 -> 200" in masked
    assert "4155550100" not in masked


def test_the_logging_filter_masks_other_loggers_too(
    flaky: FlakyTwilio, connect: Callable[..., twiorm.Client]
) -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(logging.DEBUG)
    handler.addFilter(MaskPhoneNumbers())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        list(Message.objects.using(connect(flaky)).filter(to="+14155550100"))
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    request_lines = [line for line in records if "Messages.json?" in line]
    assert request_lines, records  # urllib3 logs the query string at DEBUG
    assert all("4155550100" not in line for line in records)
    assert any("%2B*********00" in line for line in request_lines)


def test_a_request_description_masks_secret_parameters() -> None:
    spec = twiorm.RequestSpec(
        "POST", "api", f"{ACCOUNT_PATH}/Calls.json", {}, {"To": "+1", "SipAuthPassword": "pw!"}
    )
    for shown_as in (str(spec), repr(spec)):
        assert "pw!" not in shown_as
        assert "pw%21" not in shown_as
        assert "SipAuthPassword" in shown_as
    assert spec.data["SipAuthPassword"] == "pw!", "what is sent is unchanged"
