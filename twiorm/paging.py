"""Reading list pages: the 2010 envelope and the newer ``meta`` envelope, behind one shape.

2010 (api.twilio.com)::

    {"calls": [...], "next_page_uri": "/2010-04-01/...?Page=1&PageToken=PA...", "page": 0, ...}

Newer APIs (messaging, verify …)::

    {"services": [...], "meta": {"key": "services", "next_page_url": "https://...", ...}}

``parse_page`` tells them apart by the ``meta`` object and returns a ``Page``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
        raise MalformedResponseError(
            f"{url}: expected a list envelope (a JSON object), got {type(payload).__name__}",
            url=url,
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
        raise MalformedResponseError(
            f"{url}: the list envelope has no {key!r} list (keys: {', '.join(sorted(payload))})",
            url=url,
        )
    if not all(isinstance(record, dict) for record in records):
        raise MalformedResponseError(f"{url}: {key!r} holds something other than records", url=url)
    if next_url is not None and not isinstance(next_url, str):
        raise MalformedResponseError(f"{url}: the next page link is not a string", url=url)
    return Page(
        records=records,
        next_url=next_url or None,
        page_number=page_number if isinstance(page_number, int) else None,
        page_size=page_size if isinstance(page_size, int) else None,
    )
