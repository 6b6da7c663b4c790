"""Reading list pages: the 2010 envelope and the newer ``meta`` envelope, behind one shape.

2010 (api.twilio.com)::

    {"calls": [...], "next_page_uri": "/2010-04-01/...?Page=1&PageToken=PA...", "page": 0, ...}

Newer APIs (messaging, verify …)::

    {"services": [...], "meta": {"key": "services", "next_page_url": "https://...", ...}}

``parse_page`` tells them apart by the ``meta`` object and returns a ``Page``;
``StreamedPage`` reads the same envelopes from the body text one record at a time, so that
a stream holds one record, not a whole parsed page (see its docstring). Anything
else (a record where a list was due, nulls in the list, a next link that is not a string
or that leads to another list) is a ``MalformedResponseError`` naming the URL and
quoting the start of the body: following a link to another path would mix another
resource's records into the stream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from twiorm.errors import MalformedResponseError
from twiorm.transport import HTTPResponse

__all__ = ["Page", "StreamedPage", "parse_page"]


class Page(NamedTuple):
    """One page of records as Twilio sent them, and where the next page is (if any)."""

    records: list[dict[str, Any]]
    next_url: str | None
    page_number: int | None = None
    page_size: int | None = None


def parse_page(payload: Any, list_key: str, url: str = "") -> Page:
    """Read a list response; raise ``MalformedResponseError`` if it is not a list envelope."""
    try:
        return _read_envelope(payload, list_key, url)
    except _Broken as exc:
        raise _malformed(url, exc.problem, payload) from None


def _read_envelope(payload: Any, list_key: str, url: str) -> Page:
    if not isinstance(payload, dict):
        raise _Broken(0, f"expected a list envelope (a JSON object), got {type(payload).__name__}")
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
        raise _Broken(0, f"the list envelope has no {key!r} list (keys: {keys})")
    if not all(isinstance(record, dict) for record in records):
        raise _Broken(0, f"{key!r} holds something other than records")
    if next_url is not None and not isinstance(next_url, str):
        raise _Broken(0, "the next page link is not a string")
    if next_url and url and _path(next_url) != _path(url):
        raise _Broken(0, f"the next page link leaves the list: {next_url[:120]!r}")
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


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCAN_VALUE = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class _Broken(Exception):
    """The body stops being a list envelope at ``index``, for the reason given."""

    def __init__(self, index: int, problem: str = "a body that is not JSON") -> None:
        super().__init__(index, problem)
        self.index = index
        self.problem = problem


class StreamedPage:
    """One list page read from its body text a record at a time.

    ``records()`` walks the top-level JSON object: the list under ``list_key`` is decoded
    one record per step, every other key (the envelope) as a whole. Nothing but the text
    and the current record is held, so memory stays flat and no whole page of objects is
    built and torn down per request. Once ``records()`` is exhausted, ``next_url`` and
    ``count`` are known; the envelope is checked as ``parse_page`` checks it. A body that
    is not JSON raises ``MalformedResponseError`` when the walk reaches the fault.
    """

    def __init__(self, text: str, list_key: str, url: str, status: int | None = None) -> None:
        self.text = text
        self.list_key = list_key
        self.url = url
        self.status = status
        self.count = 0
        self.next_url: str | None = None

    @classmethod
    def read(cls, list_key: str, response: HTTPResponse, method: str = "GET") -> StreamedPage:
        """Wrap a success response; its body is decoded lazily by ``records()``."""
        # Undecodable bytes become U+FFFD and fail the walk, as any non-JSON body does.
        text = response.body.decode("utf-8", "replace")
        return cls(text, list_key, response.url, response.status)

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield the page's records in order; afterwards ``next_url`` is set."""
        text, key = self.text, self.list_key
        envelope: dict[str, Any] = {}
        found = False
        try:
            start = _skip(text, 0)
            if text[start : start + 1] in ("[", '"') or text[start : start + 1].isdigit():
                raise _Broken(start, "expected a list envelope (a JSON object)")
            i = _expect(text, start, "{")
            while text[_skip(text, i)] != "}":
                i = _expect(text, _skip(text, i), '"')
                name, i = scanstring(text, i)
                i = _skip(text, _expect(text, _skip(text, i), ":"))
                if name == key and text[i] == "[":
                    found = True
                    i = _skip(text, i + 1)
                    while text[i] != "]":
                        record, i = _value(text, i)
                        if type(record) is not dict:
                            raise _Broken(i, f"{key!r} holds something other than records")
                        self.count += 1
                        yield record
                        i = _skip(text, i)
                        if text[i] == ",":
                            i = _skip(text, i + 1)
                        elif text[i] != "]":
                            raise _Broken(i)
                    i += 1
                else:
                    envelope[name], i = _value(text, i)
                i = _skip(text, i)
                if text[i] == ",":
                    i += 1
                elif text[i] != "}":
                    raise _Broken(i)
            if _skip(text, _skip(text, i) + 1) != len(text):
                raise _Broken(i)
            # The envelope, checked as parse_page checks it; when the records sit under
            # another key (meta.key), they were decoded whole with the envelope.
            page = _read_envelope({**envelope, key: []} if found else envelope, key, self.url)
        except _Broken as exc:
            raise self._malformed(f"{exc.problem} (at character {exc.index})") from None
        except (IndexError, ValueError):
            raise self._malformed("a body that is not JSON (cut short)") from None
        if not found:
            for record in page.records:
                self.count += 1
                yield record
        self.next_url = page.next_url

    def _malformed(self, problem: str) -> MalformedResponseError:
        excerpt = self.text[:_BODY_EXCERPT]
        status = f" {self.status}" if self.status is not None else ""
        return MalformedResponseError(
            f"GET {self.url} answered{status} with {problem}: {excerpt!r}",
            status=self.status,
            url=self.url,
            body=excerpt,
            method="GET",
        )


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def _expect(text: str, index: int, char: str) -> int:
    if text[index] != char:
        raise _Broken(index)
    return index + 1


def _value(text: str, index: int) -> tuple[Any, int]:
    try:
        value, end = _SCAN_VALUE(text, index)
    except StopIteration:  # the scanner's way to say "no JSON value starts here"
        raise _Broken(index) from None
    return value, end
