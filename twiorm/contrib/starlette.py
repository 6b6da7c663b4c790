"""Reject Starlette and FastAPI requests that do not carry a valid ``X-Twilio-Signature``.

Install the extra (``pip install twiorm[starlette]``). In FastAPI, declare the check as a
dependency of the routes Twilio calls::

    from fastapi import Depends, FastAPI, Request
    from twiorm.contrib.starlette import require_twilio_signature

    app = FastAPI()

    @app.post("/sms", dependencies=[Depends(require_twilio_signature)])
    async def incoming_sms(request: Request) -> Response:
        body = await request.body()  # still readable: Starlette caches it on the request
        ...

``require_twilio_signature`` reads the token from ``TWILIO_AUTH_TOKEN``; build your own with
``TwilioSignature(auth_token, trust_proxy=True)`` to pass it or to trust a proxy. In a plain
Starlette app, await the check first thing in an ``async`` endpoint::

    async def incoming_sms(request: Request) -> Response:
        await require_twilio_signature(request)
        ...

The check rebuilds the URL Twilio called, picks what Twilio signed (the form fields of a form
POST, the raw body of a JSON POST, nothing else for a GET) and raises
``HTTPException(403)`` when the signature does not match. Starlette caches the body on the
request, so the endpoint can still read ``await request.body()``, ``.json()`` or ``.form()``.
Multipart bodies are refused: Twilio never sends them, and parsing them would need
``python-multipart``. See :mod:`twiorm.webhooks` for the scheme itself.

Behind a TLS-terminating proxy the app sees ``http`` while Twilio signed ``https``. Either let
the server rewrite the scope (uvicorn's ``--proxy-headers`` with ``--forwarded-allow-ips``),
or pass ``trust_proxy=True`` to take the scheme from ``X-Forwarded-Proto``. Do that only when
a proxy you run always sets the header: a client can send it too.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the annotations of
# ``TwilioSignature.__call__`` at run time to inject the Request, and older releases resolve
# string annotations only through the callable's __globals__, which an instance lacks.

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes

try:
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "twiorm.contrib.starlette needs Starlette; install it with `pip install twiorm[starlette]`"
    ) from exc

from twiorm.webhooks import SIGNATURE_HEADER, Params, RequestValidator

__all__ = ["AUTH_TOKEN_ENV", "TwilioSignature", "require_twilio_signature"]

AUTH_TOKEN_ENV = "TWILIO_AUTH_TOKEN"

# Characters a path may carry unescaped (RFC 3986 pchar plus "/"); quote() keeps the
# unreserved ones on its own.
_PATH_SAFE = "/:@!$&'()*+,;="

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


class TwilioSignature:
    """A FastAPI dependency, also awaitable from Starlette, that demands a Twilio signature.

    ``auth_token`` defaults to the ``TWILIO_AUTH_TOKEN`` environment variable, read on each
    request so that apps can load their configuration after import. A missing token raises
    :class:`RuntimeError` (a server error) rather than rejecting every caller in silence.
    """

    __slots__ = ("_trust_proxy", "_validator")

    def __init__(self, auth_token: str | None = None, *, trust_proxy: bool = False) -> None:
        # Validate an explicit token now, so a bad one fails at import, not on the first
        # webhook. The validator keeps the token out of repr() and refuses to be pickled.
        self._validator = RequestValidator(auth_token) if auth_token is not None else None
        self._trust_proxy = trust_proxy

    def __repr__(self) -> str:
        token = "***" if self._validator is not None else f"${AUTH_TOKEN_ENV}"
        return f"{type(self).__name__}(auth_token={token}, trust_proxy={self._trust_proxy!r})"

    async def __call__(self, request: Request) -> None:
        """Raise ``HTTPException(403)`` unless Twilio signed ``request``."""
        validator = self._validator if self._validator is not None else _validator_from_env()
        signature = request.headers.get(SIGNATURE_HEADER)
        payload = await _signed_payload(request)
        url = _signed_url(request, self._trust_proxy)
        if not validator.validate(url, payload, signature):
            # The detail stays generic: nothing about the token or the expected signature.
            raise HTTPException(status_code=403)


require_twilio_signature = TwilioSignature()
"""The check with the token taken from ``TWILIO_AUTH_TOKEN`` and no proxy trusted."""


def _validator_from_env() -> RequestValidator:
    token = os.environ.get(AUTH_TOKEN_ENV)
    if not token:
        raise RuntimeError(
            f"no Twilio auth token: pass auth_token= or set the {AUTH_TOKEN_ENV} variable"
        )
    return RequestValidator(token)


async def _signed_payload(request: Request) -> Params | bytes | None:
    """Return what Twilio signed besides the URL: the raw body for JSON, else the form."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if "bodySHA256" in request.query_params or _is_json(media_type):
        # Request.body() keeps the bytes, so the endpoint's own body()/json() still works.
        return await request.body()
    if media_type == _FORM:
        return _parse_form(await request.body())
    if media_type == _MULTIPART:
        # Twilio never posts multipart, and a signature over the URL must not vouch for parts
        # this check would leave out (parsing them would also need python-multipart).
        raise HTTPException(status_code=403)
    # GETs and other bodies: only the URL was signed.
    return None


def _parse_form(body: bytes) -> dict[str, list[str]]:
    # Decode exactly as Starlette's own form parser does (latin-1 bytes, then UTF-8 percent
    # escapes), so the fields checked here are the fields request.form() gives the endpoint.
    # Parsing here rather than through request.form() keeps python-multipart optional.
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return fields


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _signed_url(request: Request, trust_proxy: bool) -> str:
    scope = request.scope
    scheme = str(scope.get("scheme", "http"))
    if trust_proxy:
        # The left-most entry is the one set by the proxy Twilio connected to.
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            scheme = forwarded
    # The Host header as sent; Starlette's URL falls back to the server address without one.
    host = request.headers.get("host") or request.url.netloc
    return f"{scheme}://{host}{_path_and_query(scope)}"


def _path_and_query(scope: Mapping[str, Any]) -> str:
    """Return the request target as the client sent it, percent-encoding intact.

    ``request.url`` is not usable: the ASGI ``path`` is percent-decoded (``%2F`` becomes
    ``/``), which changes the string Twilio signed. Servers keep the raw target in
    ``raw_path``; use it when it agrees with the full path, and otherwise (a proxy stripped a
    prefix that ``root_path`` restores, or the server omits ``raw_path``) re-encode the path.
    """
    path = str(scope.get("path", ""))
    root_path = str(scope.get("root_path", ""))
    # ASGI servers now put the root path inside ``path``; older ones and FastAPI(root_path=)
    # behind a prefix-stripping proxy leave it out.
    if not path.startswith(root_path):
        path = root_path + path
    routed = path.encode("utf-8", "replace")

    raw = scope.get("raw_path")
    raw_path = raw if isinstance(raw, bytes) else b""
    if raw_path.startswith(b"/") and unquote_to_bytes(raw_path) == routed:
        target = raw_path.decode("utf-8", "replace")
    else:
        target = quote(routed, safe=_PATH_SAFE)
    query = scope.get("query_string", b"")
    if isinstance(query, bytes) and query:
        target += "?" + query.decode("utf-8", "replace")
    return target
