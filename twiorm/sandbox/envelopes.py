"""Paging: reading ``PageSize`` / ``Page`` / ``PageToken``, cutting a page, and wrapping it.

The 2010 API wraps a page in exactly eight keys beside the list::

    {"calls": [...], "end": 49, "first_page_uri": "/2010-04-01/…?PageSize=50&Page=0",
     "next_page_uri": "/2010-04-01/…?PageSize=50&Page=1&PageToken=PACA…", "page": 0,
     "page_size": 50, "previous_page_uri": null, "start": 0, "uri": "/2010-04-01/…"}

with relative links; the newer APIs put the same facts, as absolute URLs, in ``meta``
(``first_page_url``, ``next_page_url``, ``previous_page_url``, ``url``, ``page``,
``page_size`` and ``key``). Links echo the request's filters.

A token names the record a page ends or starts at: ``PA<key>`` continues after that
record, ``PB<key>`` goes back to the page before it. Records are listed newest first, so a
token keeps its place when records are created meanwhile; ``Page`` alone counts from the
start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final
from urllib.parse import urlencode

from twiorm.sandbox.filters import PAGING_PARAMETERS
from twiorm.sandbox.refusals import Refusal
from twiorm.sandbox.store import StoredRecord

__all__ = ["DEFAULT_PAGE_SIZE", "PageRequest", "Window", "cut", "page_request", "render"]

#: What Twilio serves when ``PageSize`` is absent.
DEFAULT_PAGE_SIZE: Final = 50


@dataclass(frozen=True)
class PageRequest:
    """The paging parameters of a list request, checked, and the filters to echo."""

    size: int
    number: int
    token: str | None
    echoed: tuple[tuple[str, str], ...]

    def query(self, number: int, token: str | None) -> str:
        pairs = [*self.echoed, ("PageSize", str(self.size)), ("Page", str(number))]
        if token:
            pairs.append(("PageToken", token))
        return urlencode(pairs)


@dataclass(frozen=True)
class Window:
    """The records of one page, and whether more follow it."""

    records: list[StoredRecord]
    more: bool


def page_request(query: Sequence[tuple[str, str]], max_page_size: int) -> PageRequest:
    """Read and check the paging parameters; raise a 400 ``Refusal`` for bad ones."""
    given = dict(query)
    size = _integer(given, "PageSize", DEFAULT_PAGE_SIZE)
    if not 1 <= size <= max_page_size:
        raise Refusal.bad_request(
            20007,
            f"Page size {size} is out of range: the page size must be between 1 and "
            f"{max_page_size}",
        )
    number = _integer(given, "Page", 0)
    if number < 0:
        raise Refusal.bad_request(20001, f"Invalid parameter Page: {number} is negative")
    echoed = tuple((name, value) for name, value in query if name not in PAGING_PARAMETERS)
    return PageRequest(size, number, given.get("PageToken") or None, echoed)


def _integer(given: dict[str, str], name: str, default: int) -> int:
    text = given.get(name)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise Refusal.bad_request(20001, f"Invalid parameter {name}: {text!r}") from None


def cut(
    rows: Iterable[StoredRecord], request: PageRequest, position: Callable[[str], int | None]
) -> Window:
    """Take the requested page out of ``rows`` (matching records, newest first)."""
    size, token = request.size, request.token
    if token is None:
        rows = islice(rows, request.number * size, None)
        return _take(iter(rows), size)
    seq = position(token[2:]) if token[:2] in ("PA", "PB") else None
    if seq is None:
        raise Refusal.bad_request(
            21481, "Invalid PageToken: request the paging URLs the previous page provided"
        )
    if token.startswith("PA"):
        return _take((row for row in rows if row.seq < seq), size)
    # PB: the page that ends just before the token's record.
    newer: list[StoredRecord] = []
    for row in rows:
        if row.seq <= seq:
            break
        newer.append(row)
    return Window(newer[-size:], more=True)


def _take(rows: Iterable[StoredRecord], size: int) -> Window:
    taken = list(islice(rows, size + 1))
    return Window(taken[:size], more=len(taken) > size)


def render(
    list_key: str,
    legacy: bool,
    path: str,
    base_url: str,
    request: PageRequest,
    window: Window,
) -> dict[str, Any]:
    """Wrap a page in the 2010 envelope (``legacy``) or the newer ``meta`` envelope."""
    records = [row.data for row in window.records]
    number = request.number
    first_key = window.records[0].key if window.records else None
    last_key = window.records[-1].key if window.records else None

    def link(page: int, token: str | None) -> str:
        return f"{path}?{request.query(page, token)}"

    following = link(number + 1, f"PA{last_key}") if window.more and last_key else None
    preceding = None
    if number > 0:
        preceding = link(number - 1, f"PB{first_key}" if first_key else None)
    if legacy:
        start = number * request.size
        return {
            list_key: records,
            "end": start + max(len(records) - 1, 0),
            "first_page_uri": link(0, None),
            "next_page_uri": following,
            "page": number,
            "page_size": request.size,
            "previous_page_uri": preceding,
            "start": start,
            "uri": link(number, request.token),
        }
    return {
        list_key: records,
        "meta": {
            "page": number,
            "page_size": request.size,
            "first_page_url": base_url + link(0, None),
            "previous_page_url": base_url + preceding if preceding else None,
            "url": base_url + link(number, request.token),
            "next_page_url": base_url + following if following else None,
            "key": list_key,
        },
    }
