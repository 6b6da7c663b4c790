"""Tests for twiorm.contrib.django.validate_twilio_request (skipped without Django).

Signatures come from :meth:`twiorm.webhooks.RequestValidator.compute_signature`, over the URL
Django's test client uses (``http://testserver`` unless a test says otherwise). Form posts
are sent urlencoded, as Twilio sends them, not multipart as the test client would by default.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

django = pytest.importorskip("django")

# Imported only once importorskip has found Django.
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import AsyncClient, AsyncRequestFactory, Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils.decorators import method_decorator  # noqa: E402
from django.views import View  # noqa: E402

from twiorm.contrib.django import validate_twilio_request  # noqa: E402
from twiorm.webhooks import RequestValidator  # noqa: E402

# Settings are process-wide and can be configured only once. Configure a minimum when no one
# has; the fixture below overrides what these tests rely on either way, so another test
# module configuring Django first does not change their outcome.
if not settings.configured:
    settings.configure(
        SECRET_KEY="twiorm-tests-not-a-secret",
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
if not apps.ready:
    django.setup()

TOKEN = "12345"
HEADER = "X-Twilio-Signature"
BASE = "http://testserver"
FORM = {"CallSid": "CA1234567890ABCDE", "From": "+14158675309", "To": "+18005551212"}
FORM_TYPE = "application/x-www-form-urlencoded"
ALLOWED_HOSTS = ["testserver", "hooks.example.com"]
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"


def sign(url: str, params: dict[str, str | list[str]] | None = None, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


# --- Views under test -----------------------------------------------------------------------


@validate_twilio_request(TOKEN)
def voice(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@validate_twilio_request(TOKEN)
def echo_to(request: HttpRequest) -> HttpResponse:
    # The view must still see the form the decorator checked.
    return HttpResponse(request.POST["To"])


@validate_twilio_request(TOKEN)
def json_hook(request: HttpRequest) -> HttpResponse:
    # The view must still be able to read the body the decorator hashed.
    return HttpResponse(json.loads(request.body)["property"])


@validate_twilio_request(TOKEN)
def files(request: HttpRequest, name: str) -> HttpResponse:
    return HttpResponse(name)


@validate_twilio_request()
def configured_hook(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@validate_twilio_request(TOKEN, trust_proxy=True)
def proxied(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@validate_twilio_request(TOKEN)
async def async_voice(request: HttpRequest) -> HttpResponse:
    await asyncio.sleep(0)
    return HttpResponse("async ok")


@validate_twilio_request(TOKEN)
async def async_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json.loads(request.body)["property"])


@validate_twilio_request(TOKEN)
async def async_files(request: HttpRequest, name: str) -> HttpResponse:
    return HttpResponse(name)


@method_decorator(validate_twilio_request(TOKEN), name="dispatch")
class StatusView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class ok")


urlpatterns = [
    path("voice", voice),
    path("echo", echo_to),
    path("json", json_hook),
    path("files/<path:name>", files),
    path("configured", configured_hook),
    path("proxied", proxied),
    path("async/voice", async_voice),
    path("async/json", async_json),
    path("async/files/<path:name>", async_files),
    path("status", StatusView.as_view()),
]


@pytest.fixture(autouse=True)
def django_settings() -> Iterator[None]:
    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=ALLOWED_HOSTS,
        MIDDLEWARE=[CSRF_MIDDLEWARE],
        DEBUG=False,
    ):
        yield


@pytest.fixture
def client() -> Client:
    # Enforce CSRF as a real deployment does: Twilio never sends a CSRF token.
    return Client(enforce_csrf_checks=True)


def post_form(
    client: Client,
    target: str,
    fields: dict[str, str | list[str]],
    signature: str | None,
    **extra: str,
) -> HttpResponse:
    headers = {HEADER: signature} if signature is not None else {}
    return client.post(
        target, urlencode(fields, doseq=True), content_type=FORM_TYPE, headers=headers, **extra
    )


# --- Form posts ----------------------------------------------------------------------------


def test_signed_form_post_reaches_the_view(client: Client) -> None:
    signature = sign(f"{BASE}/voice?foo=1", FORM)
    response = post_form(client, "/voice?foo=1", FORM, signature)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_view_still_reads_the_checked_form(client: Client) -> None:
    response = post_form(client, "/echo", FORM, sign(f"{BASE}/echo", FORM))
    assert response.status_code == 200
    assert response.content.decode() == FORM["To"]


def test_repeated_form_fields_are_all_signed(client: Client) -> None:
    fields: dict[str, str | list[str]] = {"Digits": ["5678", "1234", "1234"], "Sid": "CA123"}
    response = post_form(client, "/voice", fields, sign(f"{BASE}/voice", fields))
    assert response.status_code == 200
    # Dropping one of the repeated values must break the signature.
    fewer: dict[str, str | list[str]] = {"Digits": ["1234"], "Sid": "CA123"}
    assert post_form(client, "/voice", fewer, sign(f"{BASE}/voice", fields)).status_code == 403


def test_changed_form_field_is_forbidden(client: Client) -> None:
    signature = sign(f"{BASE}/voice", FORM)
    tampered = {**FORM, "To": "+15005550006"}
    assert post_form(client, "/voice", tampered, signature).status_code == 403


def test_added_form_field_is_forbidden(client: Client) -> None:
    signature = sign(f"{BASE}/voice", FORM)
    assert post_form(client, "/voice", {**FORM, "Extra": "1"}, signature).status_code == 403


def test_missing_signature_header_is_forbidden(client: Client) -> None:
    assert post_form(client, "/voice", FORM, None).status_code == 403


def test_empty_signature_header_is_forbidden(client: Client) -> None:
    assert post_form(client, "/voice", FORM, "").status_code == 403


def test_signature_made_with_another_token_is_forbidden(client: Client) -> None:
    signature = sign(f"{BASE}/voice", FORM, token="54321")
    assert post_form(client, "/voice", FORM, signature).status_code == 403


def test_signature_for_another_path_is_forbidden(client: Client) -> None:
    signature = sign(f"{BASE}/other", FORM)
    assert post_form(client, "/voice", FORM, signature).status_code == 403


def test_multipart_form_fields_are_signed_like_urlencoded_ones(client: Client) -> None:
    # Twilio posts urlencoded, but request.POST reads multipart too; its fields must count.
    signature = sign(f"{BASE}/voice", FORM)
    assert client.post("/voice", FORM, headers={HEADER: signature}).status_code == 200
    tampered = {**FORM, "To": "+15005550006"}
    assert client.post("/voice", tampered, headers={HEADER: signature}).status_code == 403


# --- GET requests and URL reconstruction ---------------------------------------------------


def test_signed_get_signs_the_url_alone(client: Client) -> None:
    target = "/voice?CallSid=CA123&From=%2B14158675309"
    assert client.get(target, headers={HEADER: sign(BASE + target)}).status_code == 200


def test_get_signed_with_query_as_form_params_is_forbidden(client: Client) -> None:
    # The query belongs to the URL; signing it a second time as parameters is not Twilio's.
    signature = sign(f"{BASE}/voice?CallSid=CA123", {"CallSid": "CA123"})
    assert client.get("/voice?CallSid=CA123", headers={HEADER: signature}).status_code == 403


def test_changed_query_string_is_forbidden(client: Client) -> None:
    signature = sign(f"{BASE}/voice?CallSid=CA123")
    assert client.get("/voice?CallSid=CA999", headers={HEADER: signature}).status_code == 403


def test_percent_encoding_in_query_is_kept_as_sent(client: Client) -> None:
    # get_full_path() would re-encode the query its own way, breaking the signature.
    target = "/voice?next=%2Fhome%3Fa%3D1&name=caf%C3%A9&q=a+b"
    assert client.get(target, headers={HEADER: sign(BASE + target)}).status_code == 200


def test_percent_encoding_in_path_is_kept_when_server_gives_raw_uri(client: Client) -> None:
    target = "/files/a%2Fb/caf%C3%A9"
    response = client.get(target, headers={HEADER: sign(BASE + target)}, REQUEST_URI=target)
    assert response.status_code == 200
    assert response.content.decode() == "a/b/café"


def test_gunicorn_raw_uri_is_used_too(client: Client) -> None:
    target = "/files/a%2Fb?x=%2B1"
    response = client.get(target, headers={HEADER: sign(BASE + target)}, RAW_URI=target)
    assert response.status_code == 200


def test_path_is_re_encoded_when_server_gives_no_raw_uri(client: Client) -> None:
    target = "/files/caf%C3%A9?x=%2B1"
    assert client.get(target, headers={HEADER: sign(BASE + target)}).status_code == 200


def test_raw_request_uri_disagreeing_with_routed_path_is_ignored(client: Client) -> None:
    # e.g. a proxy stripped a prefix: trust the routed path, not the stale raw target.
    target = "/voice?x=1"
    response = client.get(
        target, headers={HEADER: sign(BASE + target)}, REQUEST_URI="/prefix/voice?x=1"
    )
    assert response.status_code == 200


def test_forced_script_name_restores_a_stripped_prefix(client: Client) -> None:
    # The proxy forwards /hooks/voice as /voice; Twilio signed the public URL.
    with override_settings(FORCE_SCRIPT_NAME="/hooks"):
        response = client.get(
            "/voice?x=1",
            headers={HEADER: sign(f"{BASE}/hooks/voice?x=1")},
            REQUEST_URI="/voice?x=1",
        )
    assert response.status_code == 200


def test_host_and_explicit_port_come_from_the_request(client: Client) -> None:
    base = "https://hooks.example.com:8443"
    response = client.get(
        "/voice?x=1",
        secure=True,
        headers={HEADER: sign(base + "/voice?x=1"), "Host": "hooks.example.com:8443"},
    )
    assert response.status_code == 200


def test_port_in_host_header_is_part_of_what_is_checked(client: Client) -> None:
    signature = sign("https://hooks.example.com:8443/voice")
    headers = {HEADER: signature, "Host": "hooks.example.com:9443"}
    assert client.get("/voice", secure=True, headers=headers).status_code == 403


def test_default_port_leniency_applies_to_django_requests(client: Client) -> None:
    signature = sign("https://hooks.example.com:443/voice")
    headers = {HEADER: signature, "Host": "hooks.example.com"}
    assert client.get("/voice", secure=True, headers=headers).status_code == 200


def test_host_outside_allowed_hosts_is_a_bad_request(client: Client) -> None:
    # get_host() refuses the host before any signature is computed over it.
    headers = {HEADER: sign("http://evil.example/voice"), "Host": "evil.example"}
    assert client.get("/voice", headers=headers).status_code == 400


# --- JSON bodies ---------------------------------------------------------------------------

BODY = '{"property": "value", "boolean": true}'
BODY_HASH = hashlib.sha256(BODY.encode()).hexdigest()


def test_signed_json_body_reaches_the_view_with_body_intact(client: Client) -> None:
    target = f"/json?bodySHA256={BODY_HASH}"
    response = client.post(
        target, BODY, content_type="application/json", headers={HEADER: sign(BASE + target)}
    )
    assert response.status_code == 200
    assert response.content == b"value"


def test_changed_json_body_is_forbidden(client: Client) -> None:
    target = f"/json?bodySHA256={BODY_HASH}"
    response = client.post(
        target,
        json.dumps({"property": "tampered"}),
        content_type="application/json",
        headers={HEADER: sign(BASE + target)},
    )
    assert response.status_code == 403


def test_changed_body_hash_is_forbidden(client: Client) -> None:
    # A hash that matches the body is not enough: the URL carrying it must be signed.
    signed = f"/json?bodySHA256={BODY_HASH}"
    other = json.dumps({"property": "other"})
    target = f"/json?bodySHA256={hashlib.sha256(other.encode()).hexdigest()}"
    response = client.post(
        target, other, content_type="application/json", headers={HEADER: sign(BASE + signed)}
    )
    assert response.status_code == 403


def test_json_body_without_body_hash_is_forbidden(client: Client) -> None:
    # A signature over the bare URL must not vouch for an unhashed body.
    response = client.post(
        "/json", BODY, content_type="application/json", headers={HEADER: sign(f"{BASE}/json")}
    )
    assert response.status_code == 403


def test_body_hash_is_checked_whatever_the_content_type(client: Client) -> None:
    target = f"/voice?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target)}
    assert client.post(target, BODY, content_type="text/plain", headers=headers).status_code == 200
    response = client.post(target, BODY + " ", content_type="text/plain", headers=headers)
    assert response.status_code == 403


# --- Token source ----------------------------------------------------------------------------


def test_token_is_read_from_settings(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    signature = sign(f"{BASE}/configured", FORM, token="settings-token")
    with override_settings(TWILIO_AUTH_TOKEN="settings-token"):
        assert post_form(client, "/configured", FORM, signature).status_code == 200
        wrong = sign(f"{BASE}/configured", FORM, token=TOKEN)
        assert post_form(client, "/configured", FORM, wrong).status_code == 403


def test_token_is_read_from_environment_without_a_setting(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    signature = sign(f"{BASE}/configured", FORM, token="env-token")
    assert post_form(client, "/configured", FORM, signature).status_code == 200


def test_setting_wins_over_environment(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    with override_settings(TWILIO_AUTH_TOKEN="settings-token"):
        env_signed = sign(f"{BASE}/configured", FORM, token="env-token")
        assert post_form(client, "/configured", FORM, env_signed).status_code == 403


def test_explicit_token_wins_over_settings_and_environment(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    with override_settings(TWILIO_AUTH_TOKEN="settings-token"):
        assert post_form(client, "/voice", FORM, sign(f"{BASE}/voice", FORM)).status_code == 200


def test_missing_token_is_a_configuration_error_not_a_silent_403(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TWILIO_AUTH_TOKEN"):
        post_form(client, "/configured", FORM, "anything")


def test_non_string_token_setting_is_a_configuration_error(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with (
        override_settings(TWILIO_AUTH_TOKEN=12345),
        pytest.raises(ImproperlyConfigured, match="must be a str"),
    ):
        post_form(client, "/configured", FORM, "anything")


def test_forbidden_response_does_not_echo_token_or_signature(client: Client) -> None:
    signature = sign(f"{BASE}/voice", FORM, token="54321")
    response = post_form(client, "/voice", FORM, signature)
    assert response.status_code == 403
    assert TOKEN.encode() not in response.content
    assert signature.encode() not in response.content


# --- Proxies -------------------------------------------------------------------------------


def test_forwarded_proto_is_used_when_proxy_is_trusted(client: Client) -> None:
    signature = sign("https://testserver/proxied", FORM)
    response = post_form(client, "/proxied", FORM, signature, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


def test_leftmost_forwarded_proto_wins_through_proxy_chain(client: Client) -> None:
    signature = sign("https://testserver/proxied", FORM)
    response = post_form(client, "/proxied", FORM, signature, HTTP_X_FORWARDED_PROTO="https, http")
    assert response.status_code == 200


def test_forwarded_proto_is_ignored_unless_proxy_is_trusted(client: Client) -> None:
    https_signature = sign("https://testserver/voice", FORM)
    response = post_form(client, "/voice", FORM, https_signature, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 403
    # And the real scheme still works with the header present.
    http_signature = sign(f"{BASE}/voice", FORM)
    response = post_form(client, "/voice", FORM, http_signature, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


def test_unknown_forwarded_proto_falls_back_to_request_scheme(client: Client) -> None:
    signature = sign(f"{BASE}/proxied", FORM)
    response = post_form(client, "/proxied", FORM, signature, HTTP_X_FORWARDED_PROTO="gopher")
    assert response.status_code == 200


def test_secure_proxy_ssl_header_setting_is_honoured(client: Client) -> None:
    # Django's own proxy setting changes request.scheme, which the decorator uses.
    signature = sign("https://testserver/voice", FORM)
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        response = post_form(client, "/voice", FORM, signature, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


# --- Async views ---------------------------------------------------------------------------


def test_async_view_gets_an_async_wrapper() -> None:
    assert inspect.iscoroutinefunction(async_voice)
    assert not inspect.iscoroutinefunction(voice)


def test_async_view_accepts_signed_form_through_async_client() -> None:
    signature = sign(f"{BASE}/async/voice", FORM)
    response = asyncio.run(
        AsyncClient().post(
            "/async/voice", urlencode(FORM), content_type=FORM_TYPE, headers={HEADER: signature}
        )
    )
    assert response.status_code == 200
    assert response.content == b"async ok"


def test_async_view_rejects_changed_form_through_async_client() -> None:
    signature = sign(f"{BASE}/async/voice", FORM)
    tampered = urlencode({**FORM, "To": "+15005550006"})
    response = asyncio.run(
        AsyncClient().post(
            "/async/voice", tampered, content_type=FORM_TYPE, headers={HEADER: signature}
        )
    )
    assert response.status_code == 403


def test_async_view_rejects_missing_signature_through_async_client() -> None:
    response = asyncio.run(AsyncClient().get("/async/voice?x=1"))
    assert response.status_code == 403


def test_async_view_checks_json_body_through_async_client() -> None:
    target = f"/async/json?bodySHA256={BODY_HASH}"
    headers = {HEADER: sign(BASE + target)}
    client = AsyncClient()
    ok = asyncio.run(client.post(target, BODY, content_type="application/json", headers=headers))
    assert ok.status_code == 200
    assert ok.content == b"value"
    bad = asyncio.run(
        client.post(target, BODY + " ", content_type="application/json", headers=headers)
    )
    assert bad.status_code == 403


def test_async_view_served_by_the_sync_handler(client: Client) -> None:
    signature = sign(f"{BASE}/async/voice", FORM)
    response = post_form(client, "/async/voice", FORM, signature)
    assert response.status_code == 200
    assert post_form(client, "/async/voice", FORM, None).status_code == 403


def test_async_view_uses_the_asgi_raw_path() -> None:
    target = "/async/files/a%2Fb"
    request = AsyncRequestFactory().get(target, headers={HEADER: sign(BASE + target)})
    # The ASGI server keeps the undecoded path here; the test factory does not set it.
    request.scope["raw_path"] = target.encode()
    response = asyncio.run(async_files(request, name="a/b"))
    assert response.status_code == 200
    assert response.content == b"a/b"


# --- Decorator mechanics -------------------------------------------------------------------


def test_signed_post_needs_no_csrf_token(client: Client) -> None:
    # The client enforces CSRF; without the exemption this would be a CSRF 403.
    response = post_form(client, "/voice", FORM, sign(f"{BASE}/voice", FORM))
    assert response.status_code == 200
    assert getattr(voice, "csrf_exempt", False) is True


def test_class_based_view_with_method_decorator(client: Client) -> None:
    assert post_form(client, "/status", FORM, sign(f"{BASE}/status", FORM)).status_code == 200
    assert post_form(client, "/status", FORM, None).status_code == 403


def test_method_decorated_without_method_decorator_says_how_to_fix_it() -> None:
    class Wrong:
        @validate_twilio_request(TOKEN)
        def post(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("never")

    with pytest.raises(TypeError, match="method_decorator"):
        Wrong().post(HttpRequest())


def test_decorated_view_keeps_its_name() -> None:
    assert voice.__name__ == "voice"
    assert async_voice.__name__ == "async_voice"


def test_bare_decorator_without_call_is_refused() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    with pytest.raises(TypeError):
        validate_twilio_request(view)  # type: ignore[arg-type]


def test_empty_explicit_token_is_refused_at_decoration_time() -> None:
    with pytest.raises(ValueError, match="empty"):
        validate_twilio_request("")
