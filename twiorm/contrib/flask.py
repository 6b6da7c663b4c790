"""Reject Flask requests that do not carry a valid ``X-Twilio-Signature``.

Install the extra (``pip install twiorm[flask]``), then decorate the views Twilio calls::

    from twiorm.contrib.flask import validate_twilio_request

    @app.post("/sms")
    @validate_twilio_request()
    def incoming_sms() -> str:
        ...

The decorator rebuilds the URL Twilio called, picks what Twilio signed (the form fields of a
form POST, the raw body of a JSON POST, nothing else for a GET) and answers 403 when the
signature does not match. See :mod:`twiorm.webhooks` for the scheme itself.

Behind a TLS-terminating proxy the app sees ``http`` while Twilio signed ``https``. Either let
werkzeug's ``ProxyFix`` rewrite the request, or pass ``trust_proxy=True`` to take the scheme
from ``X-Forwarded-Proto``. Do that only when a proxy you run always sets the header: a client
can send it too.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote, unquote_to_bytes

try:
    from flask import abort, request
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "twiorm.contrib.flask needs Flask; install it with `pip install twiorm[flask]`"
    ) from exc

from twiorm.webhooks import SIGNATURE_HEADER, Params, RequestValidator

__all__ = ["AUTH_TOKEN_ENV", "validate_twilio_request"]

AUTH_TOKEN_ENV = "TWILIO_AUTH_TOKEN"

_P = ParamSpec("_P")
_R = TypeVar("_R")

# Characters a path may carry unescaped (RFC 3986 pchar plus "/"); quote() keeps the
# unreserved ones on its own.
_PATH_SAFE = "/:@!$&'()*+,;="


def validate_twilio_request(
    auth_token: str | None = None,
    *,
    trust_proxy: bool = False,
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that aborts with 403 unless Twilio signed the request.

    ``auth_token`` defaults to the ``TWILIO_AUTH_TOKEN`` environment variable, read on each
    request so that apps can load their configuration after import. A missing token raises
    :class:`RuntimeError` (a server error) rather than rejecting every caller in silence.
    """
    if callable(auth_token):
        raise TypeError("call the decorator: use @validate_twilio_request(), not without ()")
    # Validate an explicit token now, so a bad one fails at import, not on the first webhook.
    fixed = RequestValidator(auth_token) if auth_token is not None else None

    def decorator(view: Callable[_P, _R]) -> Callable[_P, _R]:
        if inspect.iscoroutinefunction(view):
            # A sync wrapper would hand Flask an unawaited coroutine; fail loudly instead.
            raise TypeError("validate_twilio_request supports only synchronous views")

        @functools.wraps(view)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            validator = fixed if fixed is not None else _validator_from_env()
            signature = request.headers.get(SIGNATURE_HEADER)
            if not validator.validate(_signed_url(trust_proxy), _signed_payload(), signature):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _validator_from_env() -> RequestValidator:
    token = os.environ.get(AUTH_TOKEN_ENV)
    if not token:
        raise RuntimeError(
            f"no Twilio auth token: pass auth_token= or set the {AUTH_TOKEN_ENV} variable"
        )
    return RequestValidator(token)


def _signed_payload() -> Params | bytes:
    """Return what Twilio signed besides the URL: the raw body for JSON, else the form."""
    if "bodySHA256" in request.args or request.is_json:
        # cache=True keeps the body readable for the view's own request.get_json().
        return request.get_data(cache=True)
    # An empty MultiDict for GETs and non-form bodies: only the URL was signed.
    return request.form


def _signed_url(trust_proxy: bool) -> str:
    scheme = request.scheme
    if trust_proxy:
        # The left-most entry is the one set by the proxy Twilio connected to.
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            scheme = forwarded
    return f"{scheme}://{request.host}{_path_and_query(request.environ)}"


def _path_and_query(environ: Mapping[str, Any]) -> str:
    """Return the request target as the client sent it, percent-encoding intact.

    ``request.url`` is not usable: werkzeug decodes it for display (``%2F`` becomes ``/``,
    UTF-8 escapes become text), which changes the string Twilio signed. Servers keep the raw
    target in ``REQUEST_URI`` or ``RAW_URI``; use it when it agrees with the routed path, and
    otherwise (a proxy stripped a prefix, or the server does not set it) re-encode the path.
    """
    # WSGI strings are bytes decoded as latin-1; encoding back recovers the original bytes.
    script = str(environ.get("SCRIPT_NAME", "")).encode("latin-1", "replace")
    path_info = str(environ.get("PATH_INFO", "")).encode("latin-1", "replace")
    query = str(environ.get("QUERY_STRING", "")).encode("latin-1", "replace")
    raw = str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or "")
    raw_path = raw.partition("?")[0]
    if raw_path.startswith("/") and unquote_to_bytes(raw_path) == script + path_info:
        return raw.encode("latin-1", "replace").decode("utf-8", "replace")
    path = quote(script + path_info, safe=_PATH_SAFE)
    return path + ("?" + query.decode("utf-8", "replace") if query else "")
