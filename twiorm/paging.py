"""Reading list pages: the 2010 envelope and the newer ``meta`` envelope, behind one shape.

2010 (api.twilio.com)::

    {"calls": [...], "next_page_uri": "/2010-04-01/...?Page=1&PageToken=PA...", "page": 0, ...}

Newer APIs (messaging, verify …)::

    {"services": [...], "meta": {"key": "services", "next_page_url": "https://...", ...}}

``parse_page`` tells them apart by the ``meta`` object and returns a ``Page``. Anything
else (a record where a list was due, nulls in the list, a next link that is not a string
or that leads to another list) is a ``MalformedResponseError`` naming the URL and
quoting the start of the body: following a link to another path would mix another
resource's records into the stream.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from twiorm.errors import MalformedResponseError

__all__ = ["Page", "parse_page"]


@dataclass(frozen=True)
class Page:
    """One page of records as Twilio sent them, and where the next page is (if any)."""

    records: list[dict[str, Any]]
    next_url: str | None
    page_number: int | None = None
    page_size: int | None = None


def parse_page(payload: Any, list_key: str, url: str = "") -> Page:
    """Read a list response; raise ``MalformedResponseError`` if it is not a list envelope."""
    if not isinstance(payload, dict):
        raise _malformed(
            url, f"expected a list envelope (a JSON object), got {type(payload).__name__}", payload
        )
    meta = payload.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("key"), str):
        key = meta["key"]
        next_url = meta.get("next_page_url")
        page_number, page_size = meta.get("page"), meta.get("page_size")
    else:
        key = list_key
        next_url = payload.get("next_page_uri")
        page_number, page_size = payload.get("page"), payload.get("page_size")
    records = payload.get(key)
    if not isinstance(records, list):
        keys = ", ".join(sorted(map(str, payload))) or "none"
        raise _malformed(url, f"the list envelope has no {key!r} list (keys: {keys})", payload)
    if not all(isinstance(record, dict) for record in records):
        raise _malformed(url, f"{key!r} holds something other than records", payload)
    if next_url is not None and not isinstance(next_url, str):
        raise _malformed(url, "the next page link is not a string", payload)
    if next_url and url and _path(next_url) != _path(url):
        raise _malformed(url, f"the next page link leaves the list: {next_url[:120]!r}", payload)
    return Page(
        records=records,
        next_url=next_url or None,
        page_number=page_number if _is_int(page_number) else None,
        page_size=page_size if _is_int(page_size) else None,
    )


def _path(url: str) -> str:
    # Compared with SIDs blanked out: a mock server may echo its example account in the
    # link, but a link to another kind of list is never right.
    return _SID.sub("{sid}", unquote(urlsplit(url).path))


_SID = re.compile(r"\b[A-Z]{2}[0-9a-fA-F]{32}\b")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _malformed(url: str, problem: str, payload: Any) -> MalformedResponseError:
    try:
        excerpt = json.dumps(payload, ensure_ascii=False)[:_BODY_EXCERPT]
    except (TypeError, ValueError, RecursionError):
        excerpt = repr(payload)[:_BODY_EXCERPT]
    return MalformedResponseError(
        f"GET {url} answered with {problem}: {excerpt}", url=url, body=excerpt, method="GET"
    )


_BODY_EXCERPT = 200
