"""Keeping secrets and personal data out of what twiorm shows: logs and error details.

Two concerns live here. Secrets: parameters whose names say they hold one (a SIP
password, a call token, an auth token), credentials inside URLs (``https://user:pass@…``,
``?token=…``) and Authorization values are masked before a request's parameters are
attached to an error, before an answer's body is quoted in one (``redact_excerpt``) and
before cassettes are written. Phone numbers, which Twilio puts in some paths (Lookups:
``/v2/PhoneNumbers/+14155550100``) and which every query string for calls and messages
carries, can be masked in log records: by the client itself
(``Client(..., mask_phone_numbers=True)``) for its own records, or by
``MaskPhoneNumbers``, a logging filter to put on any handler.

urllib3 logs every request line, query string included, at DEBUG. twiorm's own record
of each request (logger ``twiorm``, DEBUG) already shows the method, the path and the
query with secrets hidden (and phone numbers masked if asked), so urllib3's can be
silenced: ``logging.getLogger("urllib3").setLevel(logging.WARNING)``; or keep it and put
``MaskPhoneNumbers()`` on the handler.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import unquote_plus

__all__ = [
    "HIDDEN",
    "MaskPhoneNumbers",
    "is_secret_name",
    "mask_phone_numbers",
    "redact_excerpt",
    "redact_params",
    "redact_text",
    "redact_url",
]

#: What a masked secret value is replaced with.
HIDDEN: Final = "<hidden>"

# SipAuthPassword, CallToken, auth_token, a key's secret, a credential's PrivateKey, a
# TURN server's credential … but not PageToken (or next_page_token), only a cursor.
# Names are compared without case and without the separators "_", "-", "." and " ".
_SECRET_NAME = re.compile(
    r"(password|passwd|secret|(?<!page)token|privatekey|apikey|accesskey|credentials?"
    r"|authorization|cookie)$"
)
_SEPARATORS = re.compile(r"[_\-. ]")
# Inside a URL's query string (a webhook's ?token=…, ?key=…) short names hold secrets
# too. They are looked for only there and in free text, never among Twilio's own
# parameter names, where Sync's "Key" is an item's name.
_SECRET_QUERY_KEYS = frozenset({"key", "auth", "pass", "pwd", "sig", "signature", "apikey"})

# A webhook URL may carry Basic credentials for Twilio to use: https://user:pass@host/…
_URL_USERINFO = re.compile(r"^(\s*[a-z][a-z0-9+.-]*://)[^/?#@]*@", re.IGNORECASE)

# An absolute URL, or a path on the same host.
_URL_START = re.compile(r"\s*(?:[a-z][a-z0-9+.-]*://|/)", re.IGNORECASE)

# What ``redact_text`` looks for in free text: a JSON (or Python repr) member, possibly
# cut off mid-value: "auth_token": "abc …
_QUOTED_MEMBER = re.compile(
    r"""(?P<quote>["'])(?P<name>[A-Za-z0-9_.\- ]{1,100})(?P=quote)(?P<sep>\s*:\s*)"""
    r"""(?P<value>"[^"\\]*(?:\\.[^"\\]*)*"?|'[^'\\]*(?:\\.[^'\\]*)*'?|[^\s,{}\[\]"']+)"""
)
# A name=value pair of a query string or form body, raw or percent-encoded inside
# another value (…%3Ftoken%3Dabc%26…). Only the name and "=" are matched, so that the
# search goes on inside a value (a callback URL's own query); the value is read only
# after a secret name.
_PAIR_NAME = re.compile(
    r"(?:(?<![A-Za-z0-9_.%\-])|(?<=%3[Ff])|(?<=%26))"
    r"(?P<name>[A-Za-z][A-Za-z0-9_.\-]{0,99})(?:=|%3[Dd])"
)
_PAIR_VALUE = re.compile(r"[^&\s\"'<>#;,\\%]*(?:%(?!26)[^&\s\"'<>#;,\\%]*)*")
# Credentials in a URL anywhere in the text: scheme://user:pass@ (or percent-encoded).
_USERINFO_ANYWHERE = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.\-]{0,30}(?:://|%3A%2F%2F))"
    r"(?:(?!%2F|%40|%3F|%23)[^/?#@\s\"'<>\\])+(?P<at>@|%40)",
    re.IGNORECASE,
)
# An Authorization value: Basic base64(user:secret), Bearer <token>.
_AUTH_SCHEME = re.compile(r"\b(Basic|Bearer)(\s+)[A-Za-z0-9+/=._~\-]{16,}", re.IGNORECASE)
# A header line (an HTML error page may echo the request): X-Auth-Token: abc
_HEADER_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9_\-]{1,64})(?P<sep>[ \t]*:[ \t]*)(?P<value>[^\r\n]*)", re.MULTILINE
)

# How far past an excerpt's end the body is still read for redaction, so that a secret
# that starts inside the excerpt is recognised whole.
_EXCERPT_MARGIN = 4096

# An E.164 number, written with "+" or percent-encoded as "%2B": the "+" tells it apart
# from the hex digits of a SID. The last two digits stay visible to tell numbers apart.
_E164 = re.compile(r"(\+|%2[Bb])([0-9]{5,13})([0-9]{2})(?![0-9])")
# A national number that makes up a whole path segment: /v2/PhoneNumbers/4155550100.
_SEGMENT_NUMBER = re.compile(r"(?<=/)([0-9]{5,13})([0-9]{2})(?=$|[/?#.])")


def is_secret_name(name: str) -> bool:
    """Say whether a parameter's or member's name says it holds a secret.

    ``SipAuthPassword``, ``auth_token``, ``PrivateKey``, ``secret`` …, whatever the case
    or separators; ``PageToken`` is a cursor, not a secret.
    """
    return _SECRET_NAME.search(_SEPARATORS.sub("", name).lower()) is not None


def _is_secret_query_key(name: str) -> bool:
    """Say whether a key in a URL's query string names a secret (``token``, ``key`` …)."""
    return is_secret_name(name) or _SEPARATORS.sub("", name).lower() in _SECRET_QUERY_KEYS


def redact_url(url: str, mask: str = HIDDEN) -> str:
    """Return ``url`` with the credentials it carries replaced by ``mask``.

    Those are its userinfo (``https://user:pass@host/``) and the values of
    secret-looking keys in its query string or fragment (``?token=…``, ``&api_key=…``).
    Anything that is not such a URL comes back unchanged.
    """
    if not _URL_START.match(url):
        return url  # free text (a message body) may hold "?" and "=" without a URL
    url = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{mask}@", url, count=1)
    head, question, rest = url.partition("?")
    if not question:
        head, hash_, fragment = url.partition("#")
        return head + hash_ + _redact_query(fragment, mask) if hash_ else url
    query, hash_, fragment = rest.partition("#")
    return f"{head}?{_redact_query(query, mask)}{hash_}{_redact_query(fragment, mask)}"


def _redact_query(query: str, mask: str) -> str:
    if "=" not in query:
        return query
    pairs = []
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if equals and value and _is_secret_query_key(unquote_plus(name)):
            value = mask
        pairs.append(f"{name}{equals}{value}")
    return "&".join(pairs)


def redact_params(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Return form parameters with secrets replaced: values of secret-looking names, and
    the credentials inside URLs (``https://user:pass@host/cb``, ``…/cb?token=…``)."""
    return tuple(
        (name, HIDDEN if is_secret_name(name) else redact_url(value)) for name, value in pairs
    )


def redact_text(text: str, mask: str = HIDDEN) -> str:
    """Return ``text`` with every secret found in it replaced by ``mask``.

    It finds them by shape, in any answer or message: JSON members with a secret name
    (``"auth_token": "…"``, also when the text ends mid-value), ``name=value`` pairs of
    query strings and form bodies (``AuthToken=…``, a webhook URL's ``token=…``, raw or
    percent-encoded), credentials in URLs, ``Basic``/``Bearer`` values and header lines
    with a secret name.
    """

    def member(m: re.Match[str]) -> str:
        if not is_secret_name(m["name"]):
            return m.group(0)
        value = m["value"]
        quote = value[0] if value[0] in "\"'" else '"'
        return f"{m['quote']}{m['name']}{m['quote']}{m['sep']}{quote}{mask}{quote}"

    def header(m: re.Match[str]) -> str:
        if not m["value"] or not is_secret_name(m["name"]):
            return m.group(0)
        return f"{m['name']}{m['sep']}{mask}"

    # Authorization values first: "Basic" alone would end a name=value pair's value.
    text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)}{m.group(2)}{mask}", text)
    text = _QUOTED_MEMBER.sub(member, text)
    text = _redact_pairs(text, mask)
    text = _USERINFO_ANYWHERE.sub(lambda m: f"{m['scheme']}{mask}{m['at']}", text)
    return _HEADER_LINE.sub(header, text)


def _redact_pairs(text: str, mask: str) -> str:
    kept: list[str] = []
    done = 0  # where the text not yet copied starts
    for m in _PAIR_NAME.finditer(text):
        if m.start() < done or not _is_secret_query_key(m["name"]):
            continue
        value = _PAIR_VALUE.match(text, m.end())
        if value is None or not value.group(0):
            continue
        kept += [text[done : m.end()], mask]
        done = value.end()
    return "".join(kept) + text[done:]


def redact_excerpt(body: bytes | str, limit: int = 200) -> str:
    """Return the first ``limit`` characters of an answer's body, secrets masked.

    Use it wherever a body is quoted (an error's message or ``.body``): ``bytes`` are
    decoded as UTF-8 with replacement characters. The body is read some way past
    ``limit`` before it is cut, so a secret that starts inside the excerpt is masked
    whole; one cut off by the end of the body is masked as far as it goes.
    """
    if isinstance(body, bytes):
        text = body[: limit * 4 + _EXCERPT_MARGIN].decode("utf-8", "replace")
    else:
        text = body[: limit + _EXCERPT_MARGIN]
    return redact_text(text)[:limit]


def mask_phone_numbers(text: str) -> str:
    """Replace all but the last two digits of every phone number in ``text`` with ``*``."""
    text = _E164.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    return _SEGMENT_NUMBER.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)


class MaskPhoneNumbers(logging.Filter):
    """A logging filter that masks phone numbers in each record's final message.

    Put it on a handler (``handler.addFilter(MaskPhoneNumbers())``) to cover every logger
    whose records reach that handler, including ``urllib3``'s request lines.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
