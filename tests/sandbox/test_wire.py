"""The sandbox on the wire: authentication, status codes, error bodies, record shapes."""

from __future__ import annotations

import http.client
import re
from base64 import b64encode

import pytest

import twiorm
from twiorm.resources import Call, Message, Service, VerifyService
from twiorm.sandbox import Sandbox

from .conftest import Raw

ERROR_KEYS = {"code", "message", "more_info", "status"}
RFC2822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CALL = {"To": "+14155550100", "From": "+15005550006", "Url": "https://example.com/twiml"}


def assert_error(response: object, status: int, code: int) -> dict[str, object]:
    assert isinstance(response, __import__("requests").Response)
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert body["status"] == status
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert response.headers["Content-Type"].startswith("application/json")
    return body


# -- authentication ----------------------------------------------------------------------


def test_no_credentials_get_401_with_code_20003_and_a_basic_challenge(raw: Raw) -> None:
    response = raw("GET", raw.account_path("Calls.json"), auth=None)
    assert_error(response, 401, 20003)
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'


@pytest.mark.parametrize("which", ["wrong token", "unknown account", "not basic"])
def test_bad_credentials_get_401(raw: Raw, twilio_sandbox: Sandbox, which: str) -> None:
    auth = {
        "wrong token": (twilio_sandbox.account_sid, "not-the-token"),
        "unknown account": ("AC" + "f" * 32, twilio_sandbox.auth_token),
    }.get(which)
    headers = {"Authorization": "Bearer abc"} if which == "not basic" else {}
    response = raw("GET", raw.account_path("Calls.json"), auth=auth, headers=headers)
    assert_error(response, 401, 20003)


def test_the_client_sees_a_typed_authentication_error(twilio_sandbox: Sandbox) -> None:
    stranger = twiorm.Client(twilio_sandbox.account_sid, "wrong", base_url=twilio_sandbox.url)
    with pytest.raises(twiorm.AuthenticationError) as caught:
        Call.objects.using(stranger).first()
    assert caught.value.code == 20003
    stranger.requestor.transport.session.close()  # type: ignore[attr-defined]


def test_an_api_key_of_the_account_is_accepted(raw: Raw, twilio_sandbox: Sandbox) -> None:
    key = (twilio_sandbox.api_key_sid, twilio_sandbox.api_key_secret)
    assert raw("GET", raw.account_path("Calls.json"), auth=key).status_code == 200


# -- not found and not allowed -----------------------------------------------------------


def test_unknown_paths_get_404_with_twilio_message(raw: Raw) -> None:
    path = raw.account_path("Faxes.json")
    body = assert_error(raw("GET", path), 404, 20404)
    assert body["message"] == f"The requested resource {path} was not found"


@pytest.mark.parametrize(
    "tail",
    [
        "Calls/CA" + "0" * 32 + ".json",  # well formed, never created
        "Calls/XY" + "0" * 32 + ".json",  # not a call SID at all
        "Calls/CA" + "0" * 32,  # the 2010 API needs .json
    ],
)
def test_missing_or_malformed_instances_get_404(raw: Raw, tail: str) -> None:
    assert_error(raw("GET", raw.account_path(tail)), 404, 20404)


def test_fetching_a_missing_call_raises_does_not_exist(twilio_sandbox: Sandbox) -> None:
    with pytest.raises(Call.DoesNotExist) as caught:
        Call.objects.using(twilio_sandbox.client).get("CA" + "0" * 32)
    assert caught.value.status == 404
    assert caught.value.code == 20404


def test_another_accounts_path_is_not_found(raw: Raw) -> None:
    other = "AC" + "e" * 32
    assert_error(raw("GET", f"/2010-04-01/Accounts/{other}/Calls.json"), 404, 20404)


def test_verbs_a_resource_does_not_allow_get_405(raw: Raw, twilio_sandbox: Sandbox) -> None:
    assert_error(raw("POST", raw.account_path("Conferences.json")), 405, 20004)
    (service,) = twilio_sandbox.seed(VerifyService, 1)
    assert_error(raw("GET", f"/v2/Services/{service.sid}/VerificationCheck"), 405, 20004)


# -- create, update, delete --------------------------------------------------------------


def test_create_201_update_200_delete_204_then_404(raw: Raw) -> None:
    created = raw("POST", raw.account_path("Calls.json"), data=CALL)
    assert created.status_code == 201
    record = created.json()
    assert re.fullmatch(r"CA[0-9a-f]{32}", record["sid"])
    path = raw.account_path(f"Calls/{record['sid']}.json")
    updated = raw("POST", path, data={"Status": "canceled"})
    assert updated.status_code == 200
    assert updated.json()["status"] == "canceled"
    deleted = raw("DELETE", path)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(raw("GET", path), 404, 20404)


@pytest.mark.parametrize(
    ("tail", "form", "code", "message"),
    [
        ("Messages.json", {"From": "+15005550006", "Body": "hi"}, 21604, None),
        ("Messages.json", {"To": "+14155550100", "From": "+15005550006"}, 21602, None),
        ("Messages.json", {"To": "+14155550100", "Body": "hi"}, 21603, None),
        (
            "Calls.json",
            {"To": "+14155550100", "From": "+15005550006"},
            20001,
            "One of these parameters is required: Url, Twiml, ApplicationSid",
        ),
    ],
)
def test_missing_parameters_get_400_with_twilio_codes(
    raw: Raw, tail: str, form: dict[str, str], code: int, message: str | None
) -> None:
    body = assert_error(raw("POST", raw.account_path(tail), data=form), 400, code)
    if message is not None:
        assert body["message"] == message


def test_a_newer_api_names_the_missing_parameter(raw: Raw) -> None:
    body = assert_error(raw("POST", "/v2/Services", data={}), 400, 20001)
    assert body["message"] == "Missing required parameter FriendlyName in the post body"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"Timeout": "soon"}, 20001),  # Int
        ({"Record": "maybe"}, 20001),  # Bool
        ({"StatusCallback": "not a url"}, 20001),  # Uri
        ({"To": "555 0100"}, 21211),  # Endpoint
        ({"From": "!!"}, 21212),
        ({"Colour": "red"}, 20001),  # not a parameter at all
    ],
)
def test_parameters_are_checked_by_the_declared_fields(
    raw: Raw, change: dict[str, str], code: int
) -> None:
    body = assert_error(
        raw("POST", raw.account_path("Calls.json"), data={**CALL, **change}), 400, code
    )
    if code == 20001:  # the generic code names the parameter in its message
        assert next(iter(change)) in str(body["message"])


def test_updates_take_only_update_parameters_and_choices(raw: Raw) -> None:
    sid = raw("POST", raw.account_path("Calls.json"), data=CALL).json()["sid"]
    path = raw.account_path(f"Calls/{sid}.json")
    body = assert_error(raw("POST", path, data={"To": "+14155550111"}), 400, 20001)
    assert body["message"] == "Unknown parameter To"
    assert_error(raw("POST", path, data={"Status": "ringing"}), 400, 20001)


# -- record shapes -----------------------------------------------------------------------


def test_2010_records_have_rfc2822_dates_uri_and_subresource_uris(raw: Raw) -> None:
    record = raw("POST", raw.account_path("Calls.json"), data=CALL).json()
    assert RFC2822.match(record["date_created"])
    assert RFC2822.match(record["date_updated"])
    assert record["uri"] == raw.account_path(f"Calls/{record['sid']}.json")
    assert record["subresource_uris"]["recordings"] == raw.account_path(
        f"Calls/{record['sid']}/Recordings.json"
    )
    assert record["api_version"] == "2010-04-01"
    assert record["to_formatted"] == "(415) 555-0100"
    assert record["account_sid"] == raw.sandbox.account_sid
    assert "url" not in record  # write-only parameters are not properties


def test_newer_api_records_have_iso_dates_and_absolute_urls(raw: Raw) -> None:
    response = raw("POST", "/v2/Services", data={"FriendlyName": "login", "CodeLength": "8"})
    record = response.json()
    assert response.status_code == 201
    assert re.fullmatch(r"VA[0-9a-f]{32}", record["sid"])
    assert ISO8601.match(record["date_created"])
    assert record["url"] == f"{raw.sandbox.url}/v2/Services/{record['sid']}"
    assert record["links"]["verifications"] == f"{record['url']}/Verifications"
    assert record["code_length"] == 8
    assert record["account_sid"] == raw.sandbox.account_sid


def test_typed_values_round_trip_through_the_client(twilio_sandbox: Sandbox) -> None:
    service = Service.objects.using(twilio_sandbox.client).create(
        friendly_name="alerts", sticky_sender=False, validity_period=600
    )
    assert service.sticky_sender is False
    assert service.validity_period == 600
    assert service.date_created is not None
    assert service.date_created.tzinfo is not None
    message = Message.objects.using(twilio_sandbox.client).create(
        to="+14155550100", from_="+15005550006", body="hi"
    )
    assert message.num_segments == 1
    assert message.raw["num_segments"] == "1"  # the 2010 API sends counts as strings


def test_connections_are_kept_alive(twilio_sandbox: Sandbox) -> None:
    port = int(twilio_sandbox.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    token = b64encode(f"{twilio_sandbox.account_sid}:{twilio_sandbox.auth_token}".encode())
    headers = {"Authorization": f"Basic {token.decode()}"}
    path = f"/2010-04-01/Accounts/{twilio_sandbox.account_sid}/Calls.json"
    try:
        for _ in range(3):
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.version == 11
            assert response.getheader("Connection") != "close"
        assert connection.sock is not None  # the same socket served all three
    finally:
        connection.close()


def test_a_json_body_is_refused_as_Twilio_reads_only_form_parameters(raw: Raw) -> None:
    response = raw("POST", raw.account_path("Calls.json"), json=CALL)
    body = assert_error(response, 400, 20001)
    assert "form-encoded" in str(body["message"])
    assert raw("POST", raw.account_path("Calls.json"), data=CALL).status_code == 201


def test_head_answers_like_get_without_a_body_and_options_is_not_allowed(raw: Raw) -> None:
    head = raw("HEAD", raw.account_path("Calls.json"))
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["Content-Length"]) > 0
    assert head.headers["Server"] == "twiorm-sandbox"
    assert_error(raw("OPTIONS", raw.account_path("Calls.json")), 405, 20004)


def test_the_sandbox_log_masks_phone_numbers(raw: Raw, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG", logger="twiorm.sandbox"):
        raw("GET", raw.account_path("Calls.json"), params={"To": "+14155550123"})
    lines = [r.getMessage() for r in caplog.records if r.name == "twiorm.sandbox"]
    assert any("Calls.json" in line for line in lines)
    assert not any("4155550123" in line for line in lines)


def test_created_records_link_their_subresources_and_start_unsent(raw: Raw) -> None:
    call = raw("POST", raw.account_path("Calls.json"), data=CALL).json()
    assert call["start_time"] is None
    assert {"recordings", "notifications", "streams"} <= set(call["subresource_uris"])
    stem = call["uri"].removesuffix(".json")
    assert call["subresource_uris"]["streams"] == f"{stem}/Streams.json"
    sms = {"To": "+14155550100", "From": "+15005550006", "Body": "hi"}
    message = raw("POST", raw.account_path("Messages.json"), data=sms).json()
    assert message["date_sent"] is None
    assert set(message["subresource_uris"]) == {"media", "feedback"}
    assert message["subresource_uris"]["media"].endswith(f"/Messages/{message['sid']}/Media.json")
