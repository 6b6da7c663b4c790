"""A success answer as the engine reads it: its status and its parsed JSON body.

``Client.send`` returns only the parsed body; list pages and single records ask for the
status as well (``client.send(spec, decode=read_answer)``), so that an answer that is not
what was asked for is reported with the status it came with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from twiorm.requestor import parse_body, parse_json
from twiorm.transport import HTTPResponse

__all__ = ["REDIRECTS", "Answer", "read_answer", "read_redirect"]

#: The statuses of a redirect an operation may answer with (BulkExports' days answer 307).
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Answer(NamedTuple):
    """The HTTP status of a success answer and its body, parsed (``None`` when empty)."""

    status: int
    payload: Any


def read_answer(response: HTTPResponse, method: str) -> Answer:
    """Parse a success response as ``Client.send`` does, keeping its status."""
    return Answer(response.status, parse_body(response, method))


def read_redirect(response: HTTPResponse, method: str) -> Answer:
    """Read the answer of an operation that redirects: its record, ``redirect_to`` included.

    Twilio puts the target in the body's ``redirect_to``; where only the ``Location``
    header names it, that becomes ``redirect_to``. A plain 200 reads as any record.
    """
    if response.status not in REDIRECTS:
        return read_answer(response, method)
    payload: Any = parse_json(response, method) if response.body.strip() else {}
    location = response.header("location")
    if isinstance(payload, dict) and location and not payload.get("redirect_to"):
        payload = {**payload, "redirect_to": location}
    return Answer(response.status, payload)
