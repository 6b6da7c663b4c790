"""A success answer as the engine reads it: its status and its parsed JSON body.

``Client.send`` returns only the parsed body; list pages and single records ask for the
status as well (``client.send(spec, decode=read_answer)``), so that an answer that is not
what was asked for is reported with the status it came with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from twiorm.requestor import parse_body
from twiorm.transport import HTTPResponse

__all__ = ["Answer", "read_answer"]


class Answer(NamedTuple):
    """The HTTP status of a success answer and its body, parsed (``None`` when empty)."""

    status: int
    payload: Any


def read_answer(response: HTTPResponse, method: str) -> Answer:
    """Parse a success response as ``Client.send`` does, keeping its status."""
    return Answer(response.status, parse_body(response, method))
