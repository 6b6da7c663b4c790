"""How the sandbox says no: an exception carrying Twilio's error status, code and message.

Every refusal renders as Twilio's legacy error body, the one both the 2010 API and the
newer product APIs answer with::

    {"code": 20404, "message": "...", "more_info": "https://www.twilio.com/docs/errors/20404",
     "status": 404}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["MORE_INFO", "STATUS_CODES", "Refusal", "error_body"]

#: Where Twilio documents each error code.
MORE_INFO = "https://www.twilio.com/docs/errors/{code}"
#: Twilio's code for a refusal known only by its HTTP status; any other status is its own
#: code, as the bare HTTP codes (400, 404, ...) in Twilio's error dictionary are.
STATUS_CODES: Final[Mapping[int, int]] = {
    401: 20003,
    404: 20404,
    405: 20004,
    429: 20429,
    500: 20500,
    503: 20503,
}


def error_body(status: int, code: int, message: str) -> dict[str, Any]:
    """Return Twilio's error body: exactly code, message, more_info and status."""
    return {
        "code": code,
        "message": message,
        "more_info": MORE_INFO.format(code=code),
        "status": status,
    }


class Refusal(Exception):
    """A request the sandbox refuses as Twilio would; rendered by ``body()``."""

    def __init__(
        self, status: int, code: int, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"HTTP {status} [{code}] {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def body(self) -> bytes:
        """The JSON error body."""
        return json.dumps(error_body(self.status, self.code, self.message)).encode()

    # -- the refusals every resource can meet --------------------------------------------

    @classmethod
    def not_found(cls, path: str) -> Refusal:
        """404, code 20404, with the message shape Twilio uses."""
        return cls(404, 20404, f"The requested resource {path} was not found")

    @classmethod
    def not_allowed(cls, method: str, path: str) -> Refusal:
        """405, code 20004: the resource exists but does not take this method."""
        return cls(405, 20004, f"Method {method} not allowed on {path}")

    @classmethod
    def unauthenticated(cls, message: str) -> Refusal:
        """401, code 20003, with the challenge header Twilio sends."""
        return cls(401, 20003, message, {"WWW-Authenticate": 'Basic realm="Twilio API"'})

    @classmethod
    def bad_request(cls, code: int, message: str) -> Refusal:
        """400 with a Twilio error code."""
        return cls(400, code, message)

    @classmethod
    def for_status(cls, status: int, message: str) -> Refusal:
        """A refusal by HTTP status alone, with Twilio's code for it (see ``STATUS_CODES``)."""
        return cls(status, STATUS_CODES.get(status, status), message)
