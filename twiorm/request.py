"""The compiled form of every call: a small frozen description of one HTTP request.

Query sets and instances compile to a ``RequestSpec`` before anything is sent, so tests
can assert on exactly what would go out, and ``repr()`` can show it without sending it.
What ``str()`` and ``repr()`` show masks the values of secret-looking parameters (a SIP
password, a call token), since a description of a request ends up in logs and errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from twiorm.fields import WireValue
from twiorm.redaction import HIDDEN, is_secret_name, redact_params, redact_text

__all__ = ["RequestSpec"]

# The shared default for no parameters: read-only, so no request can change another's.
_NOTHING: Mapping[str, WireValue] = MappingProxyType({})
_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class RequestSpec(NamedTuple):
    """One HTTP request to Twilio, before credentials and the host are added.

    ``path`` is already percent-encoded; ``params`` go in the query string and ``data`` in
    the form body, both with Twilio's PascalCase names (lists become repeated keys);
    ``json`` is the body of an operation that takes JSON.
    """

    method: str
    domain: str
    path: str
    params: Mapping[str, WireValue] = _NOTHING
    data: Mapping[str, WireValue] = _NOTHING
    #: A JSON body (Content, Assistants …) instead of a form; ``None`` for a form.
    json: Any = None
    #: Headers an operation declares (``X-Twilio-Webhook-Enabled``, ``If-Match``).
    headers: Mapping[str, str] = _NO_HEADERS

    @property
    def query_string(self) -> str:
        """The encoded query string, without the leading ``?``."""
        return urlencode(list(_pairs(self.params)))

    @property
    def target(self) -> str:
        """The path with its query string, as it appears on the request line."""
        query = self.query_string
        return f"{self.path}?{query}" if query else self.path

    @classmethod
    def from_url(cls, method: str, domain: str, url: str) -> RequestSpec:
        """Describe a GET of a URL Twilio handed back (a next page), absolute or relative.

        Only the path and query are kept: the host is always the client's for ``domain``,
        so region, edge and base-URL settings apply to followed links too.
        """
        parts = urlsplit(url)
        params: dict[str, WireValue] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            previous = params.get(key)
            if previous is None:
                params[key] = value
            elif isinstance(previous, list):
                previous.append(value)
            else:
                params[key] = [previous, value]
        return cls(method, domain, parts.path, params)

    def __str__(self) -> str:
        body = f" {urlencode(redact_params(_pairs(self.data)))}" if self.data else ""
        if self.json is not None:
            body = f" {redact_text(json.dumps(self.json, default=str))}"
        return f"{self.method} {self.domain}:{self.target}{body}"

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in (
                ("method", self.method),
                ("domain", self.domain),
                ("path", self.path),
                ("params", _shown(self.params)),
                ("data", _shown(self.data)),
                *(
                    (("json", redact_text(json.dumps(self.json, default=str))),)
                    if self.json is not None
                    else ()
                ),
                *((("headers", _shown(self.headers)),) if self.headers else ()),
            )
        )
        return f"RequestSpec({shown})"


def _shown(values: Mapping[str, WireValue]) -> dict[str, WireValue]:
    return {name: HIDDEN if is_secret_name(name) else value for name, value in values.items()}


def _pairs(values: Mapping[str, WireValue]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in values.items():
        if isinstance(value, list):
            pairs.extend((key, item) for item in value)
        else:
            pairs.append((key, value))
    return pairs
