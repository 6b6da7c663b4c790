"""Tests for twiorm.contrib.starlette.TwilioSignature awaited from Starlette endpoints.

FastAPI's use of it as a dependency is tested in test_fastapi.py. Signatures come from
:meth:`twiorm.webhooks.RequestValidator.compute_signature`, over the URL the test client uses
(``http://testserver`` unless a test says otherwise).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import pickle
import warnings

import pytest

pytest.importorskip("starlette")
if importlib.util.find_spec("httpx2") is None:
    # Starlette's TestClient runs on httpx2, or on httpx where httpx2 is not installed.
    pytest.importorskip("httpx")

# Imported only once importorskip has found Starlette.
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

with warnings.catch_warnings():
    # Newer Starlette prefers httpx2 for its TestClient and says so once, at import, when it
    # falls back to httpx (still supported, and the only choice on Python 3.10, which httpx2
    # does not support). Ignore that one notice; every other warning stays an error.
    warnings.filterwarnings(
        "ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated"
    )
    from starlette.testclient import TestClient

from twiorm.contrib.starlette import TwilioSignature, require_twilio_signature
from twiorm.webhooks import RequestValidator

TOKEN = "12345"
HEADER = "X-Twilio-Signature"
BASE = "http://testserver"
FORM = {"CallSid": "CA1234567890ABCDE", "From": "+14158675309", "To": "+18005551212"}
BODY = '{"property": "value", "boolean": true}'
BODY_HASH = hashlib.sha256(BODY.encode()).hexdigest()
JSON_HEADERS = {"Content-Type": "application/json"}


def sign(url: str, params: dict[str, str | list[str]] | None = None, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


# --- Starlette -----------------------------------------------------------------------------

check = TwilioSignature(TOKEN)
check_behind_proxy = TwilioSignature(TOKEN, trust_proxy=True)


async def voice(request: Request) -> PlainTextResponse:
    await check(request)
    return PlainTextResponse("ok")


async def echo_body(request: Request) -> PlainTextResponse:
    await check(request)
    # The check read the body; the endpoint must still get all of it.
    return PlainTextResponse((await request.body()).decode())


async def json_hook(request: Request) -> PlainTextResponse:
    await check(request)
    return PlainTextResponse(str((await request.json())["property"]))


async def files(request: Request) -> PlainTextResponse:
    await check(request)
    return PlainTextResponse(request.path_params["name"])


async def configured(request: Request) -> PlainTextResponse:
    await require_twilio_signature(request)
    return PlainTextResponse("ok")


async def proxied(request: Request) -> PlainTextResponse:
    await check_behind_proxy(request)
    return PlainTextResponse("ok")


starlette_app = Starlette(
    routes=[
        Route("/voice", voice, methods=["GET", "POST"]),
        Route("/echo", echo_body, methods=["POST"]),
        Route("/json", json_hook, methods=["POST"]),
        Route("/files/{name:path}", files),
        Route("/configured", configured, methods=["POST"]),
        Route("/proxied", proxied, methods=["POST"]),
    ]
)


@pytest.fixture
def client() -> TestClient:
    return TestClient(starlette_app)


# --- Form posts ----------------------------------------------------------------------------


def test_signed_form_post_reaches_the_endpoint(client: TestClient) -> None:
    signature = sign(f"{BASE}/voice?foo=1", FORM)
    response = client.post("/voice?foo=1", data=FORM, headers={HEADER: signature})
    assert response.status_code == 200
    assert response.text == "ok"


def test_endpoint_still_reads_the_checked_body(client: TestClient) -> None:
    response = client.post("/echo", data=FORM, headers={HEADER: sign(f"{BASE}/echo", FORM)})
    assert response.status_code == 200
    assert response.text == "CallSid=CA1234567890ABCDE&From=%2B14158675309&To=%2B18005551212"


def test_repeated_form_fields_are_all_signed(client: TestClient) -> None:
    fields: dict[str, str | list[str]] = {"Digits": ["5678", "1234", "1234"], "Sid": "CA123"}
    signature = sign(f"{BASE}/voice", fields)
    assert client.post("/voice", data=fields, headers={HEADER: signature}).status_code == 200
    fewer = {"Digits": ["1234"], "Sid": "CA123"}
    assert client.post("/voice", data=fewer, headers={HEADER: signature}).status_code == 403


def test_form_values_are_decoded_before_signing(client: TestClient) -> None:
    fields: dict[str, str | list[str]] = {"Body": "café & tea = 100%", "Empty": ""}
    signature = sign(f"{BASE}/voice", fields)
    assert client.post("/voice", data=fields, headers={HEADER: signature}).status_code == 200


def test_changed_form_field_is_forbidden(client: TestClient) -> None:
    signature = sign(f"{BASE}/voice", FORM)
    tampered = {**FORM, "To": "+15005550006"}
    assert client.post("/voice", data=tampered, headers={HEADER: signature}).status_code == 403


def test_added_form_field_is_forbidden(client: TestClient) -> None:
    signature = sign(f"{BASE}/voice", FORM)
    tampered = {**FORM, "Extra": "1"}
    assert client.post("/voice", data=tampered, headers={HEADER: signature}).status_code == 403


def test_missing_signature_header_is_forbidden(client: TestClient) -> None:
    response = client.post("/voice", data=FORM)
    assert response.status_code == 403
    assert response.text == "Forbidden"


def test_signature_made_with_another_token_is_forbidden(client: TestClient) -> None:
    signature = sign(f"{BASE}/voice", FORM, token="54321")
    assert client.post("/voice", data=FORM, headers={HEADER: signature}).status_code == 403


def test_signature_for_another_path_is_forbidden(client: TestClient) -> None:
    signature = sign(f"{BASE}/other", FORM)
    assert client.post("/voice", data=FORM, headers={HEADER: signature}).status_code == 403


def test_multipart_body_is_refused(client: TestClient) -> None:
    # Twilio never posts multipart; a signature over the URL must not vouch for its parts.
    files = {"upload": ("a.txt", b"data", "text/plain")}
    signature = sign(f"{BASE}/voice")
    response = client.post("/voice", files=files, headers={HEADER: signature})
    assert response.status_code == 403


# --- GET requests and URL reconstruction ---------------------------------------------------


def test_signed_get_signs_the_url_alone(client: TestClient) -> None:
    target = "/voice?CallSid=CA123&From=%2B14158675309"
    assert client.get(target, headers={HEADER: sign(BASE + target)}).status_code == 200


def test_changed_query_string_is_forbidden(client: TestClient) -> None:
    signature = sign(f"{BASE}/voice?CallSid=CA123")
    assert client.get("/voice?CallSid=CA999", headers={HEADER: signature}).status_code == 403


def test_percent_encoding_in_query_is_kept_as_sent(client: TestClient) -> None:
    target = "/voice?next=%2Fhome%3Fa%3D1&name=caf%C3%A9&q=a+b"
    assert client.get(target, headers={HEADER: sign(BASE + target)}).status_code == 200


def test_percent_encoding_in_path_is_kept_as_sent(client: TestClient) -> None:
    # request.url would show the decoded path, breaking the signature.
    target = "/files/a%2Fb/caf%C3%A9"
    response = client.get(target, headers={HEADER: sign(BASE + target)})
    assert response.status_code == 200
    assert response.text == "a/b/café"


def test_root_path_restores_a_prefix_the_proxy_stripped() -> None:
    # As with FastAPI(root_path=...): the app sees /voice, Twilio called /api/voice.
    client = TestClient(starlette_app, root_path="/api")
    response = client.get("/voice?x=1", headers={HEADER: sign(f"{BASE}/api/voice?x=1")})
    assert response.status_code == 200


def test_host_and_explicit_port_come_from_the_request(client: TestClient) -> None:
    url = "https://hooks.example.com:8443/voice?x=1"
    assert client.get(url, headers={HEADER: sign(url)}).status_code == 200


def test_port_in_host_is_part_of_what_is_checked(client: TestClient) -> None:
    signature = sign("https://hooks.example.com:8443/voice")
    response = client.get("https://hooks.example.com:9443/voice", headers={HEADER: signature})
    assert response.status_code == 403


def test_default_port_leniency_applies_to_starlette_requests(client: TestClient) -> None:
    signature = sign("https://hooks.example.com:443/voice")
    response = client.get("https://hooks.example.com/voice", headers={HEADER: signature})
    assert response.status_code == 200


# --- JSON bodies ---------------------------------------------------------------------------


def test_signed_json_body_reaches_the_endpoint_with_body_intact(client: TestClient) -> None:
    target = f"/json?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target), **JSON_HEADERS}
    response = client.post(target, content=BODY, headers=headers)
    assert response.status_code == 200
    assert response.text == "value"


def test_changed_json_body_is_forbidden(client: TestClient) -> None:
    target = f"/json?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target), **JSON_HEADERS}
    tampered = json.dumps({"property": "tampered"})
    assert client.post(target, content=tampered, headers=headers).status_code == 403


def test_json_body_without_body_hash_is_forbidden(client: TestClient) -> None:
    headers = {HEADER: sign(f"{BASE}/json"), **JSON_HEADERS}
    assert client.post("/json", content=BODY, headers=headers).status_code == 403


def test_body_hash_is_checked_whatever_the_content_type(client: TestClient) -> None:
    target = f"/echo?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target), "Content-Type": "text/plain"}
    assert client.post(target, content=BODY, headers=headers).status_code == 200
    assert client.post(target, content=BODY + " ", headers=headers).status_code == 403


# --- Token source --------------------------------------------------------------------------


def test_token_is_read_from_environment_when_not_given(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    signature = sign(f"{BASE}/configured", FORM, token="env-token")
    assert client.post("/configured", data=FORM, headers={HEADER: signature}).status_code == 200
    wrong = sign(f"{BASE}/configured", FORM, token=TOKEN)
    assert client.post("/configured", data=FORM, headers={HEADER: wrong}).status_code == 403


def test_missing_token_is_a_server_error_not_a_silent_403(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN"):
        client.post("/configured", data=FORM, headers={HEADER: "anything"})


def test_token_never_reaches_response_repr_or_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cret-token-value"
    caplog.set_level(logging.DEBUG)
    dependency = TwilioSignature(secret)
    assert secret not in repr(dependency)
    with pytest.raises(TypeError):
        pickle.dumps(dependency)
    signature = sign(f"{BASE}/voice", FORM, token=secret)
    response = client.post("/voice", data=FORM, headers={HEADER: signature})
    assert response.status_code == 403
    assert secret not in response.text
    assert signature not in response.text
    assert secret not in caplog.text


# --- Proxies -------------------------------------------------------------------------------


def test_forwarded_proto_is_used_when_proxy_is_trusted(client: TestClient) -> None:
    headers = {HEADER: sign("https://testserver/proxied", FORM), "X-Forwarded-Proto": "https"}
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200


def test_leftmost_forwarded_proto_wins_through_proxy_chain(client: TestClient) -> None:
    headers = {
        HEADER: sign("https://testserver/proxied", FORM),
        "X-Forwarded-Proto": "https, http",
    }
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200


def test_forwarded_proto_is_ignored_unless_proxy_is_trusted(client: TestClient) -> None:
    headers = {HEADER: sign("https://testserver/voice", FORM), "X-Forwarded-Proto": "https"}
    assert client.post("/voice", data=FORM, headers=headers).status_code == 403
    # And the real scheme still works with the header present.
    headers[HEADER] = sign(f"{BASE}/voice", FORM)
    assert client.post("/voice", data=FORM, headers=headers).status_code == 200


def test_unknown_forwarded_proto_falls_back_to_request_scheme(client: TestClient) -> None:
    headers = {HEADER: sign(f"{BASE}/proxied", FORM), "X-Forwarded-Proto": "gopher"}
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200


# --- Dependency mechanics ------------------------------------------------------------------


def test_empty_explicit_token_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="empty"):
        TwilioSignature("")
