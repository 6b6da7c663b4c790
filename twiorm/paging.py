"""Reading list pages: the 2010 envelope and the newer ``meta`` envelope, behind one shape.

2010 (api.twilio.com)::

    {"calls": [...], "next_page_uri": "/2010-04-01/...?Page=1&PageToken=PA...", "page": 0, ...}

Newer APIs (messaging, verify …)::

    {"services": [...], "meta": {"key": "services", "next_page_url": "https://...", ...}}

``parse_page`` tells them apart by the ``meta`` object and returns a ``Page``;
``StreamedPage`` reads the same envelopes from the body one record at a time, decoding it
a chunk at a time, so that a stream holds one record, not a whole parsed page (see its
docstring). Anything
else (a record where a list was due, nulls in the list, a next link that is not a string
or that leads to another list) is a ``MalformedResponseError`` naming the URL and
quoting the start of the body: following a link to another path would mix another
resource's records into the stream.
"""

from __future__ import annotations

import codecs
import enum
import json
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from twiorm.errors import MalformedResponseError
from twiorm.redaction import redact_excerpt
from twiorm.transport import HTTPResponse

__all__ = ["Page", "StreamPosition", "StreamedPage", "next_link_problem", "parse_page"]


class Page(NamedTuple):
    """One page of records as Twilio sent them, and where the next page is (if any)."""

    records: list[dict[str, Any]]
    next_url: str | None
    page_number: int | None = None
    page_size: int | None = None


class StreamPosition(NamedTuple):
    """Where a stream stopped, so that another can go on from there with nothing repeated.

    ``page_url`` is the page to ask for next (the one that failed, or the one after the
    last page read whole), ``page_offset`` the number of records the list holds before
    it, and ``next_index`` the place in the list of the first record not yet handed over.
    A stream that fails sets it on the error as ``stream_position``.
    """

    page_url: str
    page_offset: int
    next_index: int


def parse_page(payload: Any, list_key: str, url: str = "", status: int | None = None) -> Page:
    """Read a list response; raise ``MalformedResponseError`` if it is not a list envelope."""
    try:
        return _read_envelope(payload, list_key, url)
    except _Broken as exc:
        problem = exc.problem
    raise _malformed(url, problem, payload, status)


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
    return Page(
        records=records,
        next_url=next_url or None,
        page_number=page_number if _is_int(page_number) else None,
        page_size=page_size if _is_int(page_size) else None,
    )


def next_link_problem(next_url: str, page_url: str, domain: str) -> str | None:
    """Say why following ``next_url`` from the page at ``page_url`` is refused, or ``None``.

    Checked when the link is followed, not when the page is read, so a page with a bad
    link still hands over its own records. A link may name the host it was served from
    or the domain's Twilio host (``messaging.twilio.com``, or a regional one); a link to
    any other host would be fetched from the client's host, as another list's page.
    """
    link, page = urlsplit(next_url), urlsplit(page_url)
    if link.scheme or link.netloc:
        host = (link.hostname or "").lower()
        twilio = re.fullmatch(rf"{re.escape(domain)}(?:\.[a-z0-9-]+)*\.twilio\.com", host)
        if link.scheme not in ("http", "https") or (host != page.hostname and not twilio):
            return f"the next page link leaves the host: {next_url[:120]!r}"
    if _path(next_url) != _path(page_url):
        return f"the next page link leaves the list: {next_url[:120]!r}"
    return None


def _path(url: str) -> str:
    # The whole path, SIDs included: a link into another account's list or another
    # parent's sub-list would mix their records into this stream. Case is ignored, as
    # SIDs' hex digits may come back in another case than they were asked in.
    return unquote(urlsplit(url).path).lower()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _malformed(
    url: str, problem: str, payload: Any, status: int | None = None
) -> MalformedResponseError:
    try:
        quoted = json.dumps(payload, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        quoted = repr(payload)
    excerpt = redact_excerpt(quoted, _BODY_EXCERPT)
    answered = f"answered {status}" if status is not None else "answered"
    return MalformedResponseError(
        f"GET {url} {answered} with {problem}: {excerpt}",
        url=url,
        body=excerpt,
        method="GET",
        status=status,
    )


_BODY_EXCERPT = 200


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCAN_VALUE = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
# A number the window cut off may go on in the next chunk ("12|34", "1.|5", "1e|9").
_NUMBER_GOES_ON = frozenset("0123456789.eE+-")
#: Bytes decoded per step: well under the allocator's threshold for mapping fresh memory,
#: so the window is recycled page after page instead of faulted in anew.
CHUNK_SIZE = 64 * 1024


class _Broken(Exception):
    """The body stops being a list envelope at ``index``, for the reason given."""

    def __init__(self, index: int, problem: str = "a body that is not JSON") -> None:
        super().__init__(index, problem)
        self.index = index
        self.problem = problem


class _NeedMore(Exception):
    """The step ran off the end of the decoded window: decode more and take it again."""


class _Window:
    """The body decoded a chunk at a time; ``text`` holds what is not yet consumed.

    Positions held by the walker are relative to ``text``; ``base`` counts the characters
    dropped before it, so ``base + position`` is a position in the whole body.
    """

    __slots__ = ("base", "body", "chunk_size", "decoder", "final", "offset", "text")

    def __init__(self, body: bytes, chunk_size: int) -> None:
        self.body = memoryview(body)
        self.chunk_size = chunk_size
        # Undecodable bytes become U+FFFD and fail the walk, as any non-JSON body does.
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.offset = self.base = 0
        self.text = ""
        self.final = False
        self.advance(0)

    def advance(self, keep: int) -> int:
        """Drop the text before ``keep``, decode more after it; return keep's new position.

        At least as much is decoded as is kept, so a value larger than a chunk (or a fault
        the walker keeps retrying) costs linear time, not quadratic.
        """
        kept = self.text[keep:]
        size = max(self.chunk_size, len(kept))
        stop = self.offset + size
        self.final = stop >= len(self.body)
        piece = self.decoder.decode(self.body[self.offset : stop], self.final)
        self.offset = stop
        self.base += keep
        self.text = kept + piece
        return 0


class StreamedPage:
    """One list page read from its body a record at a time.

    ``records()`` walks the top-level JSON object: the list under ``list_key`` is decoded
    one record per step, every other key (the envelope) as a whole. The body is decoded to
    text a chunk at a time (``chunk_size`` bytes), so nothing larger than a chunk, the body
    and the current record is held: memory stays flat and no page of objects is built and
    torn down per request. Once ``records()`` is exhausted, ``next_url`` and ``count`` are
    known; the envelope is checked as ``parse_page`` checks it. A body that is not JSON
    raises ``MalformedResponseError`` when the walk reaches the fault.
    """

    def __init__(
        self,
        body: bytes,
        list_key: str,
        url: str,
        status: int | None = None,
        *,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self.body = body
        self.list_key = list_key
        self.url = url
        self.status = status
        self.chunk_size = chunk_size
        self.count = 0
        self.next_url: str | None = None

    @classmethod
    def read(cls, list_key: str, response: HTTPResponse, method: str = "GET") -> StreamedPage:
        """Wrap a success response; its body is decoded lazily by ``records()``."""
        return cls(response.body, list_key, response.url, response.status)

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield the page's records in order; afterwards ``next_url`` is set."""
        key = self.list_key
        envelope: dict[str, Any] = {}
        found = False
        window = _Window(self.body, self.chunk_size)
        text, final = window.text, window.final
        refill_at = _refill_at(window)
        # The walk is a loop over small steps. A step reads from ``i`` and, if it completes,
        # moves ``i`` and ``step`` on; a step that runs off the window raises (IndexError,
        # a scan error, _NeedMore) before moving anything, so it is simply taken again
        # once more text is decoded. Only when the body is exhausted is that a fault.
        step, i, name = _OPEN, 0, ""
        ready: dict[str, Any] | None = None
        try:
            while step is not _DONE:
                try:
                    if step is _RECORD:  # the hot step: one record and what follows it
                        if i > refill_at:  # decode ahead rather than fail a scan at the edge
                            raise _NeedMore
                        record, j = _SCAN_VALUE(text, i)
                        if type(record) is not dict:
                            raise _Broken(
                                window.base + i, f"{key!r} holds something other than records"
                            )
                        if text[j] in _SPACE:
                            j = _skip(text, j)
                        if text[j] == ",":
                            j += 1
                            if text[j] in _SPACE:  # the next record must begin in the window
                                j = _skip(text, j)
                                text[j]  # IndexError: not yet decoded
                        elif text[j] == "]":
                            j, step = j + 1, _AFTER_MEMBER
                        else:
                            raise _Broken(window.base + j)
                        i, ready = j, record
                    elif step is _OPEN:
                        j = _skip(text, i)
                        if text[j] != "{":
                            problem = "expected a list envelope (a JSON object)"
                            raise _Broken(
                                window.base + j,
                                problem
                                if text[j] in '["-0123456789'
                                else "a body that is not JSON",
                            )
                        i, step = j + 1, _MEMBER
                    elif step is _MEMBER:  # a key and its value, or the end of the object
                        j = _skip(text, i)
                        if text[j] == "}" and not envelope and not found:
                            i, step = j + 1, _END
                            continue
                        if text[j] != '"':
                            raise _Broken(window.base + j)
                        name, j = scanstring(text, j + 1)
                        j = _skip(text, j)
                        if text[j] != ":":
                            raise _Broken(window.base + j)
                        j = _skip(text, j + 1)
                        if name == key and text[j] == "[":
                            found = True
                            j = _skip(text, j + 1)
                            if text[j] == "]":
                                i, step = j + 1, _AFTER_MEMBER
                            else:
                                i, step = j, _RECORD
                        else:
                            value, j = _SCAN_VALUE(text, j)
                            if not final and (j == len(text) or text[j] in _NUMBER_GOES_ON):
                                raise _NeedMore
                            envelope[name] = value
                            i, step = j, _AFTER_MEMBER
                    elif step is _AFTER_MEMBER:
                        j = _skip(text, i)
                        if text[j] == ",":
                            i, step = j + 1, _MEMBER
                        elif text[j] == "}":
                            i, step = j + 1, _END
                        else:
                            raise _Broken(window.base + j)
                    else:  # _END: nothing but white space may follow
                        j = _skip(text, i)
                        if j < len(text):
                            raise _Broken(window.base + j)
                        if not final:
                            raise _NeedMore
                        step = _DONE
                except (_NeedMore, IndexError, StopIteration, ValueError) as exc:
                    if final:
                        raise _Broken(window.base + i, _fault(exc)) from None
                    i = window.advance(i)
                    text, final = window.text, window.final
                    refill_at = _refill_at(window)
                else:
                    if ready is not None:  # yielded outside the try: nothing thrown in is caught
                        self.count += 1
                        yield ready
                        ready = None
            # The envelope, checked as parse_page checks it; when the records sit under
            # another key (meta.key), they were decoded whole with the envelope.
            page = _read_envelope({**envelope, key: []} if found else envelope, key, self.url)
        except _Broken as exc:
            problem = f"{exc.problem} (at character {exc.index})"
        else:
            if not found:
                for record in page.records:
                    self.count += 1
                    yield record
            self.next_url = page.next_url
            return
        # Raised outside the handler: the chain would lead to a decoding error holding the body.
        raise self.malformed(problem)

    def malformed(self, problem: str) -> MalformedResponseError:
        """Describe what is wrong with this page, quoting its start."""
        excerpt = redact_excerpt(self.body, _BODY_EXCERPT)
        status = f" {self.status}" if self.status is not None else ""
        return MalformedResponseError(
            f"GET {self.url} answered{status} with {problem}: {excerpt!r}",
            status=self.status,
            url=self.url,
            body=excerpt,
            method="GET",
        )


class _Step(enum.Enum):
    """Where the walk of a list envelope stands."""

    OPEN = "before the envelope's opening brace"
    MEMBER = "at a key of the envelope, or its end"
    AFTER_MEMBER = "after a key's value"
    RECORD = "at a record of the list"
    END = "after the envelope"
    DONE = "finished"


# Module names for the steps: the hot loop compares them by identity.
_OPEN, _MEMBER, _AFTER_MEMBER = _Step.OPEN, _Step.MEMBER, _Step.AFTER_MEMBER
_RECORD, _END, _DONE = _Step.RECORD, _Step.END, _Step.DONE
_SPACE = frozenset(" \t\n\r")


def _refill_at(window: _Window) -> int:
    # A scan that runs off the window costs a failed parse (and json's error message
    # counts the lines before it), so records are read only while a quarter chunk is left.
    if window.final:
        return len(window.text)
    return len(window.text) - window.chunk_size // 4


def _fault(exc: BaseException) -> str:
    """Say whether the body ended too soon or went wrong before its end."""
    ended = isinstance(exc, (IndexError, _NeedMore)) or (
        isinstance(exc, json.JSONDecodeError) and exc.pos >= len(exc.doc)
    )
    return "a body that is not JSON (cut short)" if ended else "a body that is not JSON"


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index
