"""``Sandbox``: a running local Twilio, its client, and the handles tests use on its state.

::

    with twiorm.sandbox.run() as sandbox:
        Call.objects.using(sandbox.client).create(to=..., from_=..., url=...)
        sandbox.seed(Call, n=5000, status="completed")
        assert len(sandbox.records(Call)) == 5001
"""

from __future__ import annotations

import copy
import re
import secrets
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar

from twiorm.client import Client, current_default_client, set_default_client
from twiorm.resource import Resource
from twiorm.sandbox.accounts import Accounts
from twiorm.sandbox.behaviours import VerificationCodes, verification_rule
from twiorm.sandbox.checks import RequestCount
from twiorm.sandbox.operations import Api, Exchange
from twiorm.sandbox.records import new_sid
from twiorm.sandbox.routes import Endpoint, Router
from twiorm.sandbox.seeding import seed
from twiorm.sandbox.server import SandboxServer
from twiorm.sandbox.store import Store, StoredRecord
from twiorm.transport import RequestsTransport

__all__ = ["Sandbox", "run"]

R = TypeVar("R", bound=Resource)
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")


class Sandbox:
    """A local Twilio on 127.0.0.1, serving every declared resource; see ``run``.

    Verify checks: a check approves the pending verification it names unless its code is
    ``000000``, which leaves the verification pending (``valid`` false), as a wrong code
    does on Twilio. ``verification_codes`` changes the rule: a set of the codes that
    approve, or a function of the code that says whether it approves; ``None`` restores
    the default.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        account_sid: str | None = None,
        auth_token: str | None = None,
        resources: Iterable[type[Resource]] | None = None,
        verification_codes: VerificationCodes | None = None,
        latency: float = 0.0,
    ) -> None:
        if account_sid is not None and not _ACCOUNT_SID.fullmatch(account_sid):
            raise ValueError(f"an account SID is AC and 32 hex digits, got {account_sid!r}")
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.api_key_sid = new_sid("SK")
        self.api_key_secret = secrets.token_hex(16)
        accounts = Accounts(
            self.account_sid, self.auth_token, self.api_key_sid, self.api_key_secret
        )
        self.api = Api(Router(resources), Store(), accounts)
        self.verification_codes = verification_codes
        if not (isinstance(latency, (int, float)) and 0 <= latency <= 60):
            raise ValueError(f"latency is seconds between 0 and 60, got {latency!r}")
        #: Seconds each answer waits, as a network would (for benchmarks and timeouts).
        self.api.latency = float(latency)
        # assert_requests checks made and not entered yet, by where they were made
        self._unentered: list[str] = []
        self._server = SandboxServer(port, self.api.handle)
        #: Where the sandbox listens: ``http://127.0.0.1:<port>``.
        self.url = f"http://127.0.0.1:{self._server.port}"
        self.api.base_url = self.url
        try:
            self._open_main_account()
        except BaseException:
            self._server.server_close()  # do not leave the port bound behind an error
            raise
        self._server.start()
        #: A client for the sandbox's account; pass it to ``using()``.
        self.client = self.new_client()

    def new_client(self, **options: Any) -> Client:
        """Another client for the sandbox's account (``Client`` options may be given)."""
        return Client(self.account_sid, self.auth_token, base_url=self.url, **options)

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving and close the client's connections.

        Then raise ``RuntimeError`` if an ``assert_requests`` check was made and never
        entered: called without ``with``, it checked nothing.
        """
        self._stop()
        unentered, self._unentered[:] = list(self._unentered), []
        if unentered:
            raise RuntimeError(
                f"{'; '.join(unentered)}: never entered, so nothing was checked; "
                "write `with sandbox.assert_requests(n): ...` around the requests to count"
            )

    def _stop(self) -> None:
        transport = self.client.requestor.transport
        if isinstance(transport, RequestsTransport):
            transport.session.close()
        self._server.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._stop()  # a failure in the block says more than an unentered check

    @property
    def verification_codes(self) -> VerificationCodes | None:
        """Which codes approve a Verify check; ``None`` for any code but ``000000``."""
        return self._verification_codes

    @verification_codes.setter
    def verification_codes(self, codes: VerificationCodes | None) -> None:
        self.api.approves_code = verification_rule(codes)  # checks the value first
        self._verification_codes = codes

    def __repr__(self) -> str:
        return f"<Sandbox {self.url} account={self.account_sid}>"

    # -- state ---------------------------------------------------------------------------

    def seed(self, resource: type[R], /, n: int = 1, **overrides: Any) -> list[R]:
        """Store ``n`` plausible records of ``resource`` at once and return them.

        ``overrides`` set properties by field name (a value, or a function of the record's
        index) and path parameters (``conference_sid=...``); see ``twiorm.sandbox.seeding``.
        """
        endpoint = self.api.router.endpoint_for(resource)
        stored = seed(self.api, endpoint, n, overrides, self.account_sid)
        return [self._instance(resource, endpoint, record) for record in stored]

    def records(self, resource: type[R], /, **path_values: str) -> list[R]:
        """Every stored record of ``resource``, newest first, as instances on ``client``.

        ``path_values`` narrow them to one parent: ``records(Participant, conference_sid=...)``.
        """
        endpoint = self.api.router.endpoint_for(resource)
        unknown = sorted(set(path_values) - set(resource._meta.path_params))
        if unknown:
            raise ValueError(f"{resource.__name__} has no path parameter {', '.join(unknown)}")
        with self.api.store.lock:
            rows = [
                row
                for row in self.api.store.collection(endpoint.collection).newest_first()
                if self.api.belongs(row, endpoint, path_values)
            ]
        return [self._instance(resource, endpoint, row) for row in rows]

    def clear(self) -> None:
        """Forget every record, subaccount and logged request (the account itself stays)."""
        with self.api.store.lock:
            self.api.store.clear()
            self.api.accounts.reset()
            self._open_main_account()
        self.api.exchanges.clear()

    def _instance(self, resource: type[R], endpoint: Endpoint, record: StoredRecord) -> R:
        context = {
            name: value
            for name, value in record.parents.items()
            if name in resource._meta.path_params
        }
        # A copy, nested objects included: an instance must not be a way to edit the store.
        data = {
            key: copy.deepcopy(value) if isinstance(value, (dict, list)) else value
            for key, value in record.data.items()
        }
        return resource._from_record(data, self.client, context)

    def _open_main_account(self) -> None:
        """Make the sandbox's own account a record of every account-shaped resource."""
        for endpoint in self.api.router.endpoints:
            if endpoint.is_account and endpoint.identity_key:
                collection = self.api.store.collection(endpoint.collection)
                if collection.get(self.account_sid) is None:
                    seed(
                        self.api,
                        endpoint,
                        1,
                        {endpoint.meta.identity or "sid": self.account_sid},
                        self.account_sid,
                    )
                    record = collection.get(self.account_sid)
                    if record is not None:
                        own = {
                            "auth_token": self.auth_token,
                            "owner_account_sid": self.account_sid,
                            "status": "active",
                            "friendly_name": "twiorm sandbox",
                        }
                        record.data = {**record.data, **own}

    # -- requests ------------------------------------------------------------------------

    @property
    def requests(self) -> list[Exchange]:
        """Every request answered so far, oldest first, with its parameters decoded.

        ``sandbox.requests[-1].form["To"]`` is the ``To`` the last request posted, and
        ``.params`` holds its query string's parameters; see ``Exchange``.
        """
        return list(self.api.exchanges)

    def assert_requests(self, expected: int) -> RequestCount:
        """Fail unless the ``with`` block sends exactly ``expected`` requests to the sandbox.

        ::

            with sandbox.assert_requests(1) as seen:
                Call.objects.using(sandbox.client).get(sid)
            assert seen[0].method == "GET"

        Only a ``with`` block runs the check: one made and never entered makes ``close()``
        raise (the ``twilio_sandbox`` fixture's teardown), and ``assert`` on it raises
        ``TypeError``; see ``twiorm.sandbox.checks``.
        """
        caller = sys._getframe(1)
        where = f"{caller.f_code.co_filename}:{caller.f_lineno}"
        return RequestCount(self.api.exchanges, expected, self._unentered, where)

    @contextmanager
    def as_default(self) -> Iterator[Client]:
        """Make ``client`` twiorm's default client inside the block, then restore the one before."""
        previous = current_default_client()
        set_default_client(self.client)
        try:
            yield self.client
        finally:
            set_default_client(previous)


def run(
    *,
    port: int = 0,
    account_sid: str | None = None,
    auth_token: str | None = None,
    resources: Iterable[type[Resource]] | None = None,
    verification_codes: VerificationCodes | None = None,
    latency: float = 0.0,
) -> Sandbox:
    """Start a sandbox on 127.0.0.1 (a free port unless ``port`` is given) and return it.

    Use it as a context manager so it stops at the end of the block. Every declared
    resource is served unless ``resources`` names the ones to serve. ``account_sid`` and
    ``auth_token`` default to fresh random ones.

    A Verify check approves with any code but ``000000``, which leaves the verification
    pending. ``verification_codes`` sets another rule: the set of codes that approve
    (``{"123456"}``), or a function of the code (``lambda code: code.endswith("7")``).
    ``latency`` makes every answer wait that many seconds, as a distant server would.
    """
    return Sandbox(
        port=port,
        account_sid=account_sid,
        auth_token=auth_token,
        resources=resources,
        verification_codes=verification_codes,
        latency=latency,
    )
