"""Reject Django requests that do not carry a valid ``X-Twilio-Signature``.

Install the extra (``pip install twiorm[django]``), then decorate the views Twilio calls::

    from twiorm.contrib.django import validate_twilio_request

    @validate_twilio_request()
    def incoming_sms(request: HttpRequest) -> HttpResponse:
        ...

    @validate_twilio_request()
    async def call_status(request: HttpRequest) -> HttpResponse:
        ...

The decorator rebuilds the URL Twilio called, picks what Twilio signed (the form fields of a
form POST, the raw body of a JSON POST, nothing else for a GET) and raises
:class:`~django.core.exceptions.PermissionDenied` when the signature does not match, so
Django answers 403 through the project's ``handler403``. See :mod:`twiorm.webhooks` for the
scheme itself. Both plain and ``async def`` views work; for class-based views use
``method_decorator(validate_twilio_request(), name="dispatch")``.

The auth token comes from the ``auth_token`` argument, else ``settings.TWILIO_AUTH_TOKEN``,
else the ``TWILIO_AUTH_TOKEN`` environment variable, the last two read on every request.

Decorated views are exempt from CSRF checks: Twilio cannot send a CSRF token, and every
request that reaches the view has already proven with its signature that Twilio sent it.

Behind a TLS-terminating proxy the app sees ``http`` while Twilio signed ``https``. Either set
Django's ``SECURE_PROXY_SSL_HEADER``, which this decorator honours through ``request.scheme``,
or pass ``trust_proxy=True`` to take the scheme from ``X-Forwarded-Proto``. Do either only
when a proxy you run always sets the header: a client can send it too.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote, unquote_to_bytes

try:
    from asgiref.sync import iscoroutinefunction
    from django.conf import settings  # type: ignore[import-untyped]
    from django.core.exceptions import (  # type: ignore[import-untyped]
        ImproperlyConfigured,
        PermissionDenied,
    )
    from django.http import HttpRequest  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "twiorm.contrib.django needs Django; install it with `pip install twiorm[django]`"
    ) from exc

from twiorm.webhooks import SIGNATURE_HEADER, Params, RequestValidator

__all__ = ["AUTH_TOKEN_ENV", "AUTH_TOKEN_SETTING", "validate_twilio_request"]

AUTH_TOKEN_ENV = "TWILIO_AUTH_TOKEN"
AUTH_TOKEN_SETTING = "TWILIO_AUTH_TOKEN"

_View = TypeVar("_View", bound=Callable[..., Any])

# Characters a path may carry unescaped (RFC 3986 pchar plus "/"); quote() keeps the
# unreserved ones on its own.
_PATH_SAFE = "/:@!$&'()*+,;="


def validate_twilio_request(
    auth_token: str | None = None,
    *,
    trust_proxy: bool = False,
) -> Callable[[_View], _View]:
    """Return a decorator that answers 403 unless Twilio signed the request.

    Without ``auth_token`` the token is looked up on each request, in
    ``settings.TWILIO_AUTH_TOKEN`` and then the ``TWILIO_AUTH_TOKEN`` environment variable. A
    missing token raises :class:`~django.core.exceptions.ImproperlyConfigured` (a server
    error) rather than rejecting every caller in silence.
    """
    if callable(auth_token):
        raise TypeError("call the decorator: use @validate_twilio_request(), not without ()")
    # Validate an explicit token now, so a bad one fails at import, not on the first webhook.
    fixed = RequestValidator(auth_token) if auth_token is not None else None

    def check(request: object) -> None:
        if not isinstance(request, HttpRequest):
            # A method decorated directly receives ``self`` first; say how to fix it.
            raise TypeError(
                "validate_twilio_request expects the request as the view's first argument;"
                " decorate class-based views with django.utils.decorators.method_decorator"
            )
        validator = fixed if fixed is not None else _configured_validator()
        signature = request.headers.get(SIGNATURE_HEADER)
        url = _signed_url(request, trust_proxy)
        if not validator.validate(url, _signed_payload(request), signature):
            raise PermissionDenied("invalid or missing Twilio signature")

    def decorator(view: _View) -> _View:
        wrapper: Callable[..., Any]
        if iscoroutinefunction(view):
            # Django runs a view asynchronously only when the callable it is handed is a
            # coroutine function, so an async view needs an async wrapper.
            @functools.wraps(view)
            async def async_wrapper(request: object, *args: Any, **kwargs: Any) -> Any:
                # The ASGI handler has read the whole body before calling the view, so the
                # synchronous body and form access in check() does no blocking I/O.
                check(request)
                return await view(request, *args, **kwargs)

            wrapper = async_wrapper
        else:

            @functools.wraps(view)
            def sync_wrapper(request: object, *args: Any, **kwargs: Any) -> Any:
                check(request)
                return view(request, *args, **kwargs)

            wrapper = sync_wrapper
        # CsrfViewMiddleware reads this flag (what django's csrf_exempt sets); assigning it
        # directly keeps the wrapper's sync or async nature intact on Django 4.2 as well.
        wrapper.__dict__["csrf_exempt"] = True
        return cast(_View, wrapper)

    return decorator


def _configured_validator() -> RequestValidator:
    """Build a validator from the Django setting, falling back to the environment."""
    token: object = getattr(settings, AUTH_TOKEN_SETTING, None) or os.environ.get(AUTH_TOKEN_ENV)
    if not token:
        raise ImproperlyConfigured(
            f"no Twilio auth token: pass auth_token=, set settings.{AUTH_TOKEN_SETTING}"
            f" or set the {AUTH_TOKEN_ENV} environment variable"
        )
    if not isinstance(token, str):
        # Name the type only: the value is a secret.
        raise ImproperlyConfigured(
            f"settings.{AUTH_TOKEN_SETTING} must be a str, not {type(token).__name__}"
        )
    return RequestValidator(token)


def _signed_payload(request: Any) -> Params | bytes:
    """Return what Twilio signed besides the URL: the raw body for JSON, else the form."""
    if "bodySHA256" in request.GET or _is_json(str(request.content_type or "")):
        # Django caches the body, so the view can still read request.body afterwards.
        return bytes(request.body)
    # An empty QueryDict for GETs and non-form bodies: only the URL was signed.
    return cast(Params, request.POST)


def _is_json(media_type: str) -> bool:
    media_type = media_type.lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _signed_url(request: Any, trust_proxy: bool) -> str:
    scheme = str(request.scheme)
    if trust_proxy:
        # The left-most entry is the one set by the proxy Twilio connected to.
        forwarded = request.META.get("HTTP_X_FORWARDED_PROTO", "")
        forwarded = str(forwarded).split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            scheme = forwarded
    # get_host() checks ALLOWED_HOSTS, so a forged Host header fails before any signing.
    host = str(request.get_host())
    return f"{scheme}://{host}{_path_and_query(request)}"


def _path_and_query(request: Any) -> str:
    """Return the request target as the client sent it, percent-encoding intact.

    ``request.get_full_path()`` is not usable: it re-escapes the decoded path its own way
    (``%2F`` has already become ``/``), which changes the string Twilio signed. The raw target
    is in the ASGI scope's ``raw_path``, or in ``REQUEST_URI``/``RAW_URI`` under WSGI servers;
    use it when it agrees with the routed path, and otherwise (a proxy stripped a prefix that
    ``FORCE_SCRIPT_NAME`` restores, or the server keeps no raw target) re-encode the path.
    """
    scope = getattr(request, "scope", None)
    raw_path: bytes
    query: bytes
    if isinstance(scope, Mapping):
        raw = scope.get("raw_path")
        raw_path = raw if isinstance(raw, bytes) else b""
        query = _as_bytes(scope.get("query_string", b""), "utf-8")
    else:
        # WSGI strings are bytes decoded as latin-1; encoding back recovers the original bytes.
        meta = request.META
        raw_uri = meta.get("REQUEST_URI") or meta.get("RAW_URI") or ""
        raw_path = _as_bytes(raw_uri, "latin-1").partition(b"?")[0]
        query = _as_bytes(meta.get("QUERY_STRING", ""), "latin-1")

    routed = str(request.path).encode("utf-8", "replace")
    if raw_path.startswith(b"/") and unquote_to_bytes(raw_path) == routed:
        path = raw_path.decode("utf-8", "replace")
    else:
        path = quote(routed, safe=_PATH_SAFE)
    return path + ("?" + query.decode("utf-8", "replace") if query else "")


def _as_bytes(value: object, encoding: str) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode(encoding, "replace")
