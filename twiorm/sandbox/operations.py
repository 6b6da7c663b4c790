"""The sandbox's API: one request in, one Twilio-shaped reply out, with no sockets involved.

``Api.handle`` does what Twilio does, in Twilio's order: authenticate (401), find the
resource the path names (404), check the method is one of its verbs (405), read the body,
check the account and the parent instance exist (404), then list, fetch, create, update or
delete. Parameters are checked by the declared fields' own cleaning; what is refused
renders as Twilio's error body. Every reply is logged as an ``Exchange``, with the request's
decoded parameters, for tests to inspect.
"""

from __future__ import annotations

import gzip
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, TypeAlias
from urllib.parse import parse_qsl, urlsplit

from twiorm.dates import UTC, parse_rfc2822
from twiorm.operations import Operation as TableOperation
from twiorm.redaction import mask_phone_numbers
from twiorm.sandbox import envelopes, magic_numbers
from twiorm.sandbox.accounts import Accounts, Principal
from twiorm.sandbox.behaviours import (
    Creation,
    approves_by_default,
    behaviour_for,
    invalid_parameter,
    missing_parameter,
    unknown_parameter,
)
from twiorm.sandbox.filters import compile_filters
from twiorm.sandbox.records import RecordBuilder
from twiorm.sandbox.refusals import Refusal
from twiorm.sandbox.routes import Endpoint, Match, Router
from twiorm.sandbox.store import Store, StoredRecord
from twiorm.sandbox.wire import decode

__all__ = ["Api", "Exchange", "Incoming", "Params", "Reply"]

logger = logging.getLogger("twiorm.sandbox")

_JSON: Final = "application/json; charset=utf-8"
_FORM: Final = "application/x-www-form-urlencoded"
_CURRENT: Final = "Twilio.CURRENT"
_ACTIVE: Final = frozenset({"in-progress", "paused"})


@dataclass(frozen=True)
class Incoming:
    """An HTTP request as the API needs it: the target is the path and query string.

    The body is ``body``, or what ``read_body`` returns: the API calls it only once the
    request has authenticated, so the body of a stranger's request is never read.
    """

    method: str
    target: str
    body: bytes = b""
    authorization: str | None = None
    content_type: str | None = None
    read_body: Callable[[], bytes] | None = None

    def read(self) -> bytes:
        """The body (read now if it is read on demand; a ``Refusal`` if it cannot be)."""
        return self.body if self.read_body is None else self.read_body()


@dataclass(frozen=True)
class Reply:
    """An HTTP response: an empty body means none is sent (204)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body) if self.body else None


#: Decoded parameters by name: a value, or the list of values of a repeated name.
Params: TypeAlias = Mapping[str, str | list[str]]


@dataclass(frozen=True)
class Exchange:
    """One request the sandbox answered: method, path with query, and status.

    ``params`` holds the query string's parameters and ``form`` the posted ones, decoded
    (``exchange.form["To"] == "+14155550100"``); a name given more than once maps to the
    list of its values. ``form`` is empty when the body was not read: a request refused
    before its body (401, 404, 405) or one with none. Secrets stay visible here, as the
    log is the test's own; the sandbox's log lines mask phone numbers.
    """

    method: str
    target: str
    status: int
    # Left out of the hash, which stays that of method, target and status.
    params: Params = field(default_factory=dict, hash=False)
    form: Params = field(default_factory=dict, hash=False)


def _grouped(pairs: Sequence[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Parameters by name: one value as itself, repeated ones as the list of their values."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Api:
    """Answer requests for every endpoint of ``router`` from ``store``."""

    def __init__(
        self,
        router: Router,
        store: Store,
        accounts: Accounts,
        *,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.router = router
        self.store = store
        self.accounts = accounts
        self.clock = clock
        self.base_url = ""
        self.exchanges: list[Exchange] = []
        #: Whether a Verify check's code approves; see ``Sandbox.verification_codes``.
        self.approves_code: Callable[[str], bool] = approves_by_default
        self.records = RecordBuilder(router, lambda: self.base_url)
        #: Files a redirect points at (a BulkExports day), served without credentials.
        self.files: dict[str, bytes] = {}
        #: Seconds each answer waits (``run(latency=...)``), in the request's own thread.
        self.latency = 0.0

    def handle(self, incoming: Incoming) -> Reply:
        """Answer one request; never raises."""
        if self.latency:
            time.sleep(self.latency)
        query = parse_qsl(urlsplit(incoming.target).query, keep_blank_values=True)
        form: list[tuple[str, Any]] = []
        target = urlsplit(incoming.target).path
        if target.startswith(_FILES) and incoming.method == "GET":
            # Where a redirect points (S3 for Twilio): no Twilio credentials are asked for.
            content = self.files.get(target.removeprefix(_FILES))
            if content is None:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            return Reply(200, content, {"Content-Type": "application/gzip"})
        try:
            principal, match, operation = self._route(incoming)
            form = self._form(incoming, operation)
            reply = self._perform(principal, match, operation, query, form)
        except Refusal as refusal:
            headers = {**refusal.headers, "Content-Type": _JSON}
            reply = Reply(refusal.status, refusal.body(), headers)
        except Exception:  # a sandbox bug must answer 500, not drop the connection
            logger.exception(
                "sandbox failed on %s %s", incoming.method, mask_phone_numbers(incoming.target)
            )
            failure = Refusal(500, 20500, "An internal server error has occurred")
            reply = Reply(500, failure.body(), {"Content-Type": _JSON})
        reply.headers["Twilio-Request-Id"] = "RQ" + secrets.token_hex(16)
        self.exchanges.append(
            Exchange(
                incoming.method, incoming.target, reply.status, _grouped(query), _grouped(form)
            )
        )
        return reply

    # -- dispatch ------------------------------------------------------------------------

    def _route(self, incoming: Incoming) -> tuple[Principal, Match, TableOperation]:
        """Authenticate, then find the endpoint and its operation; refuse what does not fit.

        The operation is the declared one (``_meta.operations``) with this method on the
        URL template the path matched: the sandbox serves what the declarations say.
        """
        principal = self.accounts.authenticate(incoming.authorization)
        path = urlsplit(incoming.target).path
        match = self.router.resolve(path)
        if match is None:
            raise Refusal.not_found(path)
        meta = match.endpoint.meta
        template = meta.list_path if match.kind == "list" else meta.instance_path
        operation = next(
            (
                op
                for op in meta.operations.values()
                if op.method == incoming.method and op.path == template
            ),
            None,
        )
        if operation is None:
            raise Refusal.not_allowed(incoming.method, path)
        return principal, match, operation

    @staticmethod
    def _form(incoming: Incoming, operation: TableOperation) -> list[tuple[str, Any]]:
        """Read the body and decode its parameters: a form, or JSON where declared."""
        body = incoming.read()
        kind = (incoming.content_type or _FORM).split(";")[0].strip().lower()
        if operation.body == "json":
            if not body:
                return []
            try:
                members = json.loads(body)
            except ValueError:
                members = None
            if kind != "application/json" or not isinstance(members, dict):
                raise Refusal.bad_request(20001, "The body must be a JSON object")
            return list(members.items())
        if body and kind != _FORM:
            # Twilio reads only form parameters; a JSON body would look like missing ones.
            raise Refusal.bad_request(
                20001, f"Parameters must be form-encoded ({_FORM}), not {kind}"
            )
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)

    def _perform(
        self,
        principal: Principal,
        match: Match,
        operation: TableOperation,
        query: list[tuple[str, str]],
        form: list[tuple[str, Any]],
    ) -> Reply:
        """Do ``operation``, with the store locked (a named action updates, as PATCH does)."""
        with self.store.lock:
            self._check_reach(principal, match)
            self._check_parent(match)
            verb = operation.name
            if verb == "list":
                return self._list(match, query, principal)
            if verb == "fetch":
                return self._fetch(match, operation, query, principal)
            if verb == "create":
                return self._create(match, operation, form, principal)
            if verb == "delete":
                return self._delete(match)
            return self._update(match, operation, form, principal)

    def _check_reach(self, principal: Principal, match: Match) -> None:
        account = match.values.get("account_sid")
        if match.endpoint.is_account and match.kind == "instance":
            account = match.identity
        if account is not None and account not in self.accounts.reachable(principal):
            if not principal.main:
                # Twilio's 20003 lists "subaccount credentials against the master account"
                # (or another account) among its causes.
                raise Refusal.unauthenticated("Authenticate")
            raise Refusal.not_found(match.path)

    def _check_parent(self, match: Match) -> None:
        parent_path = self.router.parent_path(match)
        parent = self.router.resolve(parent_path, discover=False) if parent_path else None
        # A parent nobody can create (an export's resource type) is Twilio's own: it exists.
        if parent is None or "create" not in parent.endpoint.meta.operations:
            return
        if parent.kind == "instance" and self.find(parent) is None:
            raise Refusal.not_found(match.path)

    # -- finding records -----------------------------------------------------------------

    def find(self, match: Match) -> StoredRecord | None:
        """The stored record an instance URL names, if it exists under those parents."""
        endpoint = match.endpoint
        identity = match.identity
        collection = self.store.collection(endpoint.collection)
        if endpoint.meta.identity is None:  # a singleton: the one record under these parents
            return next(
                (r for r in collection.newest_first() if self.belongs(r, endpoint, match.parents)),
                None,
            )
        if identity is None:
            return None
        if identity == _CURRENT and any(
            _CURRENT in n for n in endpoint.meta.identity_aliases.values()
        ):
            # Twilio.CURRENT: the newest recording still going on under these parents.
            return next(
                (
                    r
                    for r in collection.newest_first()
                    if r.data.get("status") in _ACTIVE and self.belongs(r, endpoint, match.parents)
                ),
                None,
            )
        record = collection.get(identity)
        if record is None:
            # A participant may be named by its label as well as its call SID.
            for key in behaviour_for(endpoint.collection).alternate_keys:
                record = next(
                    (r for r in collection.newest_first() if r.data.get(key) == identity), None
                )
                if record is not None:
                    break
        if record is None or not self.belongs(record, endpoint, match.parents):
            return None
        return record

    @staticmethod
    def belongs(record: StoredRecord, endpoint: Endpoint, parents: dict[str, str]) -> bool:
        """Whether ``record`` lives under the path values ``parents``."""
        declared = endpoint.meta.fields
        for name, value in parents.items():
            key = declared[name].key if name in declared else None
            if record.value(name, key) != value:
                return False
        return True

    # -- the verbs -----------------------------------------------------------------------

    def _list(self, match: Match, query: list[tuple[str, str]], principal: Principal) -> Reply:
        endpoint = match.endpoint
        meta = endpoint.meta
        request = envelopes.page_request(query, meta.max_page_size or envelopes.DEFAULT_PAGE_SIZE)
        predicates = compile_filters(meta, query)
        if endpoint.is_account and endpoint.identity_key:
            reachable, key = self.accounts.reachable(principal), endpoint.identity_key
            predicates.append(lambda data: data.get(key) in reachable)
        parents = match.parents
        collection = self.store.collection(endpoint.collection)
        rows = (
            row
            for row in collection.newest_first()
            if self.belongs(row, endpoint, parents) and all(test(row.data) for test in predicates)
        )
        window = envelopes.cut(rows, request, collection.position)
        body = envelopes.render(
            meta.list_key, endpoint.legacy, match.path, self.base_url, request, window
        )
        return _json(200, body)

    def _fetch(
        self,
        match: Match,
        operation: TableOperation,
        query: list[tuple[str, str]],
        principal: Principal,
    ) -> Reply:
        endpoint = match.endpoint
        params, _ = self._parameters(operation, query)
        if operation.answer == "redirect":
            return self._redirect(match)
        record = self.find(match)
        if record is None and endpoint.meta.identity is None:
            record = self._singleton(match, principal)
        if record is not None:
            return _json(200, record.data)
        synthesize = behaviour_for(endpoint.collection).synthesize
        looked_up = synthesize(match.identity or "", params) if synthesize else None
        if looked_up is None:
            raise Refusal.not_found(match.path)
        # Answered for any identity (Lookups) and kept nowhere, as on Twilio.
        data = self.records.new(endpoint, match.values, principal.account_sid, self.clock(), {})
        data.update((key, value) for key, value in looked_up.items() if key in data)
        self.records.finish(endpoint, data, match.values)
        return _json(200, data)

    def _redirect(self, match: Match) -> Reply:
        """Answer 307 with the file's URL in ``redirect_to``, as BulkExports days do."""
        token = secrets.token_urlsafe(16)
        self.files[token] = self._file_for(match)
        url = f"{self.base_url}{_FILES}{token}"
        body = {**match.values, "redirect_to": url}
        reply = _json(307, body)
        reply.headers["Location"] = url
        return reply

    def _file_for(self, match: Match) -> bytes:
        """A BulkExports day's file: the day's records of its resource type, gzip'd JSON lines."""
        kind, day = match.values.get("resource_type", ""), match.values.get("day", "")
        found = _EXPORTED.get(kind)
        lines: list[str] = []
        if found is not None:
            collection, moment = found
            for record in self.store.collection(collection).newest_first():
                when = record.data.get(moment)
                if isinstance(when, str) and _day_of(when) == day:
                    lines.append(json.dumps(record.data, separators=(",", ":")))
        return gzip.compress("\n".join(lines).encode())

    def _singleton(self, match: Match, principal: Principal) -> StoredRecord:
        """A singleton exists from the start on Twilio: make it when first asked for."""
        endpoint = match.endpoint
        data = self.records.new(endpoint, match.values, principal.account_sid, self.clock(), {})
        self.records.finish(endpoint, data, match.values)
        return self.store_record(endpoint, data, match.values)

    def _create(
        self,
        match: Match,
        operation: TableOperation,
        form: list[tuple[str, Any]],
        principal: Principal,
    ) -> Reply:
        endpoint = match.endpoint
        params, wire = self._parameters(operation, form)
        magic_numbers.check(endpoint.collection, wire)
        now = self.clock()
        behaviour = behaviour_for(endpoint.collection)
        data = self.records.new(
            endpoint, match.values, principal.account_sid, now, behaviour.defaults
        )
        self.records.apply(endpoint, data, params)
        if behaviour.complete is not None:
            behaviour.complete(
                Creation(
                    data=data,
                    params=params,
                    parents=match.values,
                    path=match.path,
                    account_sid=principal.account_sid,
                    stamp=self.records.stamp(endpoint, now),
                    store=self.store,
                    accounts=self.accounts,
                    approves_code=self.approves_code,
                )
            )
        self.records.finish(endpoint, data, match.values)
        self.store_record(endpoint, data, match.values)
        return _json(201, data)

    def _update(
        self,
        match: Match,
        operation: TableOperation,
        form: list[tuple[str, Any]],
        principal: Principal,
    ) -> Reply:
        endpoint = match.endpoint
        record = self.find(match)
        if record is None and endpoint.meta.identity is None:
            record = self._singleton(match, principal)
        if record is None:
            raise Refusal.not_found(match.path)
        params, _ = self._parameters(operation, form)
        data = dict(record.data)
        self.records.apply(endpoint, data, params)
        self.records.touch(endpoint, data, self.clock())
        parents = dict(record.parents)
        for name in endpoint.meta.path_params:
            if isinstance(params.get(name), str):
                parents[name] = params[name]  # moved, e.g. a number to a subaccount
        self.records.finish(endpoint, data, parents)
        record.data, record.parents = data, parents
        return _json(200, data)

    def _delete(self, match: Match) -> Reply:
        record = self.find(match)
        if record is None:
            raise Refusal.not_found(match.path)
        self.store.collection(match.endpoint.collection).remove(record.key)
        return Reply(204, b"")

    # -- helpers shared with seeding -----------------------------------------------------

    def store_record(
        self, endpoint: Endpoint, data: dict[str, Any], parents: dict[str, str]
    ) -> StoredRecord:
        """Keep a finished record in its collection (call with the store's lock held)."""
        seq = self.store.next_seq()
        identity_key = endpoint.identity_key
        identity = data.get(identity_key) if identity_key else None
        key = identity if isinstance(identity, str) else f"#{seq}"
        record = StoredRecord(key, seq, data, dict(parents))
        self.store.collection(endpoint.collection).add(record)
        return record

    def _parameters(
        self, operation: TableOperation, pairs: Sequence[tuple[str, Any]]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Clean the parameters of ``operation`` with their fields, as its table states them.

        Return them by Python name, and the last raw value of each by wire name. A JSON
        body's values are taken as they are; a form's are decoded from text first.
        """
        accepted = {
            p.wire: (name, p.field)
            for name, p in operation.parameters.items()
            if p.location != "header"
        }
        strict = operation.name != "fetch"  # a fetch ignores what it does not know, as Twilio
        grouped: dict[str, list[Any]] = {}
        for name, value in pairs:
            if name in accepted:
                grouped.setdefault(name, []).append(value)
            elif strict:
                raise unknown_parameter(name)
        given = {accepted[param][0] for param in grouped}
        if strict:
            wire = {name: p.wire for name, p in operation.parameters.items()}
            for name in operation.required():
                if name not in given:
                    raise missing_parameter([wire[name]])
            for group in operation.one_of:
                if not given.intersection(group):
                    raise missing_parameter([wire[name] for name in group])
        native = operation.body == "json"
        cleaned: dict[str, Any] = {}
        for param, values in grouped.items():
            name, declared = accepted[param]
            raw = values[-1] if native else decode(declared, values)
            value, problem = declared.check(raw, operation.name)
            if problem is not None:
                raise invalid_parameter(param, str(values[-1]), problem.reason or problem.expected)
            cleaned[name] = value
        return cleaned, {param: str(values[-1]) for param, values in grouped.items()}


_FILES: Final = "/_files/"
#: What a BulkExports day of each resource type holds: its collection, and the moment a
#: record's day is read from.
_EXPORTED: Final = {
    "Calls": ("api/2010-04-01/calls", "start_time"),
    "Messages": ("api/2010-04-01/messages", "date_sent"),
    "Conferences": ("api/2010-04-01/conferences", "date_created"),
}


def _day_of(moment: str) -> str:
    """``Sun, 01 Nov 2026 10:00:00 +0000`` (or ISO 8601) → ``2026-11-01``."""
    try:
        return parse_rfc2822(moment).date().isoformat()
    except (TypeError, ValueError):
        return moment[:10]


def _json(status: int, body: Any) -> Reply:
    encoded = json.dumps(body, separators=(",", ":")).encode()
    return Reply(status, encoded, {"Content-Type": _JSON})
