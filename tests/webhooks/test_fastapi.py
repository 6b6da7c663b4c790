"""Tests for twiorm.contrib.starlette.TwilioSignature used as a FastAPI dependency.

Signatures come from :meth:`twiorm.webhooks.RequestValidator.compute_signature`, over the URL
the test client uses (``http://testserver`` unless a test says otherwise).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import warnings
from typing import Annotated

import pytest

pytest.importorskip("fastapi")
if importlib.util.find_spec("httpx2") is None:
    # Starlette's TestClient runs on httpx2, or on httpx where httpx2 is not installed.
    pytest.importorskip("httpx")

# Imported only once importorskip has found FastAPI.
from fastapi import Body, Depends, FastAPI, Request
from pydantic import BaseModel

with warnings.catch_warnings():
    # Newer Starlette prefers httpx2 for its TestClient and says so once, at import, when it
    # falls back to httpx (still supported, and the only choice on Python 3.10, which httpx2
    # does not support). Ignore that one notice; every other warning stays an error.
    warnings.filterwarnings(
        "ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated"
    )
    from fastapi.testclient import TestClient

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


class Event(BaseModel):
    property: str
    boolean: bool


app = FastAPI()
signed = Depends(TwilioSignature(TOKEN))


@app.post("/sms", dependencies=[signed])
async def sms(request: Request) -> dict[str, str]:
    # The dependency read the body first; the endpoint must still get all of it.
    return {"body": (await request.body()).decode()}


@app.get("/status", dependencies=[signed])
async def status(CallStatus: str) -> dict[str, str]:  # noqa: N803 - Twilio's parameter name
    return {"status": CallStatus}


@app.post("/events")
async def events(event: Annotated[Event, Body()], _: Annotated[None, signed]) -> dict[str, str]:
    # Here FastAPI reads and parses the body for the model before it runs the dependency.
    return {"property": event.property}


@app.post("/configured", dependencies=[Depends(require_twilio_signature)])
def configured() -> dict[str, bool]:
    return {"ok": True}


@app.post("/proxied", dependencies=[Depends(TwilioSignature(TOKEN, trust_proxy=True))])
def proxied() -> dict[str, bool]:
    return {"ok": True}


@pytest.fixture
def client() -> TestClient:
    return TestClient(app)


def test_signed_form_post_passes_and_body_stays_readable(client: TestClient) -> None:
    response = client.post("/sms", data=FORM, headers={HEADER: sign(f"{BASE}/sms", FORM)})
    assert response.status_code == 200
    assert response.json() == {
        "body": "CallSid=CA1234567890ABCDE&From=%2B14158675309&To=%2B18005551212"
    }


def test_tampered_form_is_forbidden_with_a_generic_detail(client: TestClient) -> None:
    signature = sign(f"{BASE}/sms", FORM)
    tampered = {**FORM, "To": "+15005550006"}
    response = client.post("/sms", data=tampered, headers={HEADER: signature})
    assert response.status_code == 403
    assert response.json() == {"detail": "Forbidden"}


def test_missing_signature_is_forbidden(client: TestClient) -> None:
    assert client.post("/sms", data=FORM).status_code == 403


def test_signed_get_with_query(client: TestClient) -> None:
    target = "/status?CallStatus=completed&CallSid=CA123"
    response = client.get(target, headers={HEADER: sign(BASE + target)})
    assert response.status_code == 200
    assert response.json() == {"status": "completed"}
    changed = "/status?CallStatus=failed&CallSid=CA123"
    assert client.get(changed, headers={HEADER: sign(BASE + target)}).status_code == 403


def test_json_body_model_and_signature_both_work(client: TestClient) -> None:
    target = f"/events?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target), **JSON_HEADERS}
    response = client.post(target, content=BODY, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"property": "value"}


def test_tampered_json_body_is_forbidden(client: TestClient) -> None:
    target = f"/events?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target), **JSON_HEADERS}
    tampered = json.dumps({"property": "tampered", "boolean": True})
    assert client.post(target, content=tampered, headers=headers).status_code == 403


def test_token_from_environment(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    signature = sign(f"{BASE}/configured", FORM, token="env-token")
    assert client.post("/configured", data=FORM, headers={HEADER: signature}).status_code == 200
    wrong = sign(f"{BASE}/configured", FORM)
    assert client.post("/configured", data=FORM, headers={HEADER: wrong}).status_code == 403


def test_url_with_port_and_query(client: TestClient) -> None:
    url = "https://hooks.example.com:8443/status?CallStatus=ringing"
    assert client.get(url, headers={HEADER: sign(url)}).status_code == 200


def test_trusted_proxy_scheme(client: TestClient) -> None:
    headers = {HEADER: sign("https://testserver/proxied", FORM), "X-Forwarded-Proto": "https"}
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200
    headers["X-Forwarded-Proto"] = "http"
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 403


def test_untrusted_proxy_header_is_ignored(client: TestClient) -> None:
    headers = {HEADER: sign("https://testserver/sms", FORM), "X-Forwarded-Proto": "https"}
    assert client.post("/sms", data=FORM, headers=headers).status_code == 403


def test_dependency_adds_no_parameter_to_the_openapi_schema(client: TestClient) -> None:
    # FastAPI must recognise the Request parameter and inject it, not document a field.
    operation = client.get("/openapi.json").json()["paths"]["/sms"]["post"]
    assert "parameters" not in operation
    assert "requestBody" not in operation
