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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar

from twiorm.client import Client, current_default_client, set_default_client
from twiorm.resource import Resource
from twiorm.sandbox.accounts import Accounts
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
    """A local Twilio on 127.0.0.1, serving every declared resource; see ``run``."""

    def __init__(
        self,
        *,
        port: int = 0,
        account_sid: str | None = None,
        auth_token: str | None = None,
        resources: Iterable[type[Resource]] | None = None,
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
        """Stop serving and close the client's connections."""
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
        self.close()

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
        """Every request answered so far, oldest first."""
        return list(self.api.exchanges)

    @contextmanager
    def assert_requests(self, expected: int) -> Iterator[list[Exchange]]:
        """Fail unless the block sends exactly ``expected`` requests to the sandbox.

        ::

            with sandbox.assert_requests(1):
                Call.objects.using(sandbox.client).get(sid)
        """
        before = len(self.api.exchanges)
        seen: list[Exchange] = []
        yield seen
        seen.extend(self.api.exchanges[before:])
        if len(seen) != expected:
            listed = "".join(f"\n  {e.method} {e.target} -> {e.status}" for e in seen)
            raise AssertionError(
                f"expected {expected} request(s), the sandbox got {len(seen)}:{listed}"
            )

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
) -> Sandbox:
    """Start a sandbox on 127.0.0.1 (a free port unless ``port`` is given) and return it.

    Use it as a context manager so it stops at the end of the block. Every declared
    resource is served unless ``resources`` names the ones to serve. ``account_sid`` and
    ``auth_token`` default to fresh random ones.
    """
    return Sandbox(port=port, account_sid=account_sid, auth_token=auth_token, resources=resources)
