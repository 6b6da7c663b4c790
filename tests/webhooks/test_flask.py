"""Tests for twiorm.contrib.flask.validate_twilio_request (skipped without Flask).

Signatures are computed here with hmac/hashlib directly, over the URL the test client uses
(``http://localhost`` unless a test says otherwise).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable

import pytest

flask = pytest.importorskip("flask")

# Imported only once importorskip has found Flask.
from flask import Flask, request  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from twiorm.contrib.flask import validate_twilio_request  # noqa: E402

TOKEN = "12345"
HEADER = "X-Twilio-Signature"
FORM = {"CallSid": "CA1234567890ABCDE", "From": "+14158675309", "To": "+18005551212"}


def sign(url: str, pairs: Iterable[tuple[str, str]] = (), token: str = TOKEN) -> str:
    message = url + "".join(name + value for name, value in sorted(set(pairs)))
    digest = hmac.new(token.encode(), message.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.testing = True

    @app.route("/voice", methods=["GET", "POST"])
    @validate_twilio_request(TOKEN)
    def voice() -> str:
        return "ok"

    @app.post("/json")
    @validate_twilio_request(TOKEN)
    def json_hook() -> str:
        # The view must still be able to read the body the decorator hashed.
        return str(request.get_json()["property"])

    @app.get("/files/<path:name>")
    @validate_twilio_request(TOKEN)
    def files(name: str) -> str:
        return name

    @app.post("/env")
    @validate_twilio_request()
    def env_hook() -> str:
        return "ok"

    @app.post("/proxied")
    @validate_twilio_request(TOKEN, trust_proxy=True)
    def proxied() -> str:
        return "ok"

    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- Form posts ----------------------------------------------------------------------------


def test_signed_form_post_reaches_the_view(client: FlaskClient) -> None:
    signature = sign("http://localhost/voice?foo=1", FORM.items())
    response = client.post("/voice?foo=1", data=FORM, headers={HEADER: signature})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_repeated_form_fields_are_all_signed(client: FlaskClient) -> None:
    pairs = [("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234"), ("Sid", "CA123")]
    form = MultiDict(pairs)
    response = client.post(
        "/voice", data=form, headers={HEADER: sign("http://localhost/voice", pairs)}
    )
    assert response.status_code == 200


def test_changed_form_field_is_forbidden(client: FlaskClient) -> None:
    signature = sign("http://localhost/voice", FORM.items())
    tampered = {**FORM, "To": "+15005550006"}
    assert client.post("/voice", data=tampered, headers={HEADER: signature}).status_code == 403


def test_added_form_field_is_forbidden(client: FlaskClient) -> None:
    signature = sign("http://localhost/voice", FORM.items())
    tampered = {**FORM, "Extra": "1"}
    assert client.post("/voice", data=tampered, headers={HEADER: signature}).status_code == 403


def test_missing_signature_header_is_forbidden(client: FlaskClient) -> None:
    assert client.post("/voice", data=FORM).status_code == 403


def test_signature_made_with_another_token_is_forbidden(
    client: FlaskClient,
) -> None:
    signature = sign("http://localhost/voice", FORM.items(), token="54321")
    assert client.post("/voice", data=FORM, headers={HEADER: signature}).status_code == 403


def test_signature_for_another_path_is_forbidden(client: FlaskClient) -> None:
    signature = sign("http://localhost/other", FORM.items())
    assert client.post("/voice", data=FORM, headers={HEADER: signature}).status_code == 403


# --- GET requests and URL reconstruction ---------------------------------------------------


def test_signed_get_signs_the_url_alone(client: FlaskClient) -> None:
    url = "http://localhost/voice?CallSid=CA123&From=%2B14158675309"
    response = client.get("/voice?CallSid=CA123&From=%2B14158675309", headers={HEADER: sign(url)})
    assert response.status_code == 200


def test_changed_query_string_is_forbidden(client: FlaskClient) -> None:
    signature = sign("http://localhost/voice?CallSid=CA123")
    assert client.get("/voice?CallSid=CA999", headers={HEADER: signature}).status_code == 403


def test_percent_encoding_in_query_is_kept_as_sent(client: FlaskClient) -> None:
    # request.url would decode %2F and the UTF-8 escape, breaking the signature.
    target = "/voice?next=%2Fhome%3Fa%3D1&name=caf%C3%A9&q=a+b"
    response = client.get(target, headers={HEADER: sign("http://localhost" + target)})
    assert response.status_code == 200


def test_percent_encoding_in_path_is_kept_as_sent(client: FlaskClient) -> None:
    target = "/files/a%2Fb/caf%C3%A9"
    response = client.get(target, headers={HEADER: sign("http://localhost" + target)})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "a/b/café"


def test_url_is_rebuilt_when_server_gives_no_raw_request_uri(
    client: FlaskClient,
) -> None:
    target = "/files/caf%C3%A9?x=%2B1"
    response = client.get(
        target,
        headers={HEADER: sign("http://localhost" + target)},
        environ_overrides={"REQUEST_URI": "", "RAW_URI": ""},
    )
    assert response.status_code == 200


def test_raw_request_uri_disagreeing_with_routed_path_is_ignored(
    client: FlaskClient,
) -> None:
    # e.g. a proxy stripped a prefix: trust the routed path, not the stale raw target.
    target = "/voice?x=1"
    response = client.get(
        target,
        headers={HEADER: sign("http://localhost" + target)},
        environ_overrides={"REQUEST_URI": "/prefix/voice?x=1"},
    )
    assert response.status_code == 200


def test_host_and_explicit_port_come_from_the_request(client: FlaskClient) -> None:
    base = "https://hooks.example.com:8443"
    response = client.get("/voice?x=1", base_url=base, headers={HEADER: sign(base + "/voice?x=1")})
    assert response.status_code == 200


def test_default_port_leniency_applies_to_flask_requests(
    client: FlaskClient,
) -> None:
    signature = sign("https://hooks.example.com:443/voice")
    response = client.get(
        "/voice", base_url="https://hooks.example.com", headers={HEADER: signature}
    )
    assert response.status_code == 200


# --- JSON bodies ---------------------------------------------------------------------------

BODY = '{"property": "value", "boolean": true}'
BODY_HASH = hashlib.sha256(BODY.encode()).hexdigest()


def test_signed_json_body_reaches_the_view_with_body_intact(
    client: FlaskClient,
) -> None:
    target = f"/json?bodySHA256={BODY_HASH}"
    response = client.post(
        target,
        data=BODY,
        content_type="application/json",
        headers={HEADER: sign("http://localhost" + target)},
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "value"


def test_changed_json_body_is_forbidden(client: FlaskClient) -> None:
    target = f"/json?bodySHA256={BODY_HASH}"
    response = client.post(
        target,
        data=json.dumps({"property": "tampered"}),
        content_type="application/json",
        headers={HEADER: sign("http://localhost" + target)},
    )
    assert response.status_code == 403


def test_json_body_without_body_hash_is_forbidden(client: FlaskClient) -> None:
    # A signature over the bare URL must not vouch for an unhashed body.
    response = client.post(
        "/json",
        data=BODY,
        content_type="application/json",
        headers={HEADER: sign("http://localhost/json")},
    )
    assert response.status_code == 403


# --- Token source ----------------------------------------------------------------------------


def test_token_is_read_from_environment_when_not_given(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    signature = sign("http://localhost/env", FORM.items(), token="env-token")
    assert client.post("/env", data=FORM, headers={HEADER: signature}).status_code == 200
    wrong = sign("http://localhost/env", FORM.items(), token=TOKEN)
    assert client.post("/env", data=FORM, headers={HEADER: wrong}).status_code == 403


def test_explicit_token_wins_over_environment(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    signature = sign("http://localhost/voice", FORM.items(), token=TOKEN)
    assert client.post("/voice", data=FORM, headers={HEADER: signature}).status_code == 200


def test_missing_token_is_a_server_error_not_a_silent_403(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN"):
        client.post("/env", data=FORM, headers={HEADER: "anything"})


# --- Proxies -------------------------------------------------------------------------------


def test_forwarded_proto_is_used_when_proxy_is_trusted(
    client: FlaskClient,
) -> None:
    signature = sign("https://localhost/proxied", FORM.items())
    headers = {HEADER: signature, "X-Forwarded-Proto": "https"}
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200


def test_leftmost_forwarded_proto_wins_through_proxy_chain(
    client: FlaskClient,
) -> None:
    signature = sign("https://localhost/proxied", FORM.items())
    headers = {HEADER: signature, "X-Forwarded-Proto": "https, http"}
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200


def test_forwarded_proto_is_ignored_unless_proxy_is_trusted(
    client: FlaskClient,
) -> None:
    https_signature = sign("https://localhost/voice", FORM.items())
    headers = {HEADER: https_signature, "X-Forwarded-Proto": "https"}
    assert client.post("/voice", data=FORM, headers=headers).status_code == 403
    # And the real scheme still works with the header present.
    headers[HEADER] = sign("http://localhost/voice", FORM.items())
    assert client.post("/voice", data=FORM, headers=headers).status_code == 200


def test_unknown_forwarded_proto_falls_back_to_request_scheme(
    client: FlaskClient,
) -> None:
    signature = sign("http://localhost/proxied", FORM.items())
    headers = {HEADER: signature, "X-Forwarded-Proto": "gopher"}
    assert client.post("/proxied", data=FORM, headers=headers).status_code == 200


# --- Decorator mechanics -------------------------------------------------------------------


def test_decorated_view_keeps_its_name_so_endpoints_stay_distinct(app: Flask) -> None:
    assert {"voice", "json_hook", "files", "env_hook", "proxied"} <= set(app.view_functions)


def test_bare_decorator_without_call_is_refused() -> None:
    def view() -> str:
        return "ok"

    with pytest.raises(TypeError):
        validate_twilio_request(view)  # type: ignore[arg-type]


def test_async_view_is_refused_at_decoration_time() -> None:
    async def view() -> str:
        return "ok"

    with pytest.raises(TypeError, match="synchronous"):
        validate_twilio_request(TOKEN)(view)


def test_empty_explicit_token_is_refused_at_decoration_time() -> None:
    with pytest.raises(ValueError, match="empty"):
        validate_twilio_request("")
