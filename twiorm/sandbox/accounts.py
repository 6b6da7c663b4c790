"""Who may call the sandbox: its account, an API key of that account, and its subaccounts.

Twilio authenticates every request with HTTP Basic: an Account SID and its Auth Token, or
an API key SID (``SK…``) and its secret. The main account's credentials reach its
subaccounts' resources too; a subaccount's reach only its own. A request that fails here
gets 401 with code 20003 and the ``WWW-Authenticate`` challenge.
"""

from __future__ import annotations

import base64
import hmac
import threading
from dataclasses import dataclass

from twiorm.sandbox.refusals import Refusal

__all__ = ["Accounts", "Principal"]


@dataclass(frozen=True)
class Principal:
    """The account a request acts for."""

    account_sid: str
    main: bool


class Accounts:
    """The credentials the sandbox accepts and the accounts they reach."""

    def __init__(
        self, account_sid: str, auth_token: str, api_key_sid: str, api_key_secret: str
    ) -> None:
        self.account_sid = account_sid
        self._lock = threading.Lock()
        self._main = {account_sid: auth_token, api_key_sid: api_key_secret}
        self._subaccounts: dict[str, str] = {}

    def add_subaccount(self, account_sid: str, auth_token: str) -> None:
        """Accept a subaccount's own credentials, and let the main account reach it."""
        with self._lock:
            self._subaccounts[account_sid] = auth_token

    def reset(self) -> None:
        """Forget the subaccounts."""
        with self._lock:
            self._subaccounts.clear()

    def authenticate(self, authorization: str | None) -> Principal:
        """Return who an ``Authorization`` header speaks for; raise a 401 ``Refusal``."""
        if not authorization or not authorization.startswith("Basic "):
            raise Refusal.unauthenticated("Authentication Error - No credentials provided")
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except ValueError:
            # binascii.Error and UnicodeDecodeError are ValueErrors, and so is the error
            # for non-ASCII text, which a header decoded as Latin-1 can hold.
            raise Refusal.unauthenticated("Authentication Error - invalid username") from None
        username, _, secret = decoded.partition(":")
        with self._lock:
            if username in self._main:
                expected, principal = self._main[username], Principal(self.account_sid, True)
            elif username in self._subaccounts:
                expected, principal = self._subaccounts[username], Principal(username, False)
            else:
                raise Refusal.unauthenticated("Authentication Error - invalid username")
        if not hmac.compare_digest(expected.encode(), secret.encode()):
            raise Refusal.unauthenticated("Authenticate")
        return principal

    def reachable(self, principal: Principal) -> frozenset[str]:
        """The account SIDs whose resources ``principal`` may use."""
        if not principal.main:
            return frozenset({principal.account_sid})
        with self._lock:
            return frozenset({self.account_sid, *self._subaccounts})
