"""Seeding: many plausible records straight into the store, without a request each.

A seeded record is built like a created one (same defaults, SIDs, dates and links) but
reads like history: the collection's ``seed_defaults`` apply (a seeded call is
``completed``), and properties nothing sets get plausible values by type (phone numbers,
enum values in turn, small counts, prices). Record ``i`` of ``n`` is dated ``n - 1 - i``
seconds before now, so the last seeded is the newest, as its place in lists says.

Overrides are Python values by field name, checked by the field (``status="busy"``), or
callables of the record's index (``to=lambda i: f"+1415555{i:04d}"``); path parameters
(``conference_sid=...``) say where the records live.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from twiorm import fields
from twiorm.sandbox.behaviours import behaviour_for
from twiorm.sandbox.operations import Api
from twiorm.sandbox.records import Plan
from twiorm.sandbox.routes import Endpoint, Match
from twiorm.sandbox.store import StoredRecord
from twiorm.sandbox.wire import encode, format_iso8601, format_rfc2822

__all__ = ["seed"]

Generator = Callable[[int, datetime], Any]
_AREA_CODES = ("415", "628", "510", "650")
_DERIVED = frozenset({"uri", "url", "subresource_uris", "links", "account_sid"})


def seed(
    api: Api, endpoint: Endpoint, n: int, overrides: Mapping[str, Any], account_sid: str
) -> list[StoredRecord]:
    """Store ``n`` records of ``endpoint``; raise ``ValueError`` for bad overrides."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    meta = endpoint.meta
    name = endpoint.name
    path_values = {key: value for key, value in overrides.items() if key in meta.path_params}
    if "account_sid" in meta.path_params:
        path_values.setdefault("account_sid", account_sid)
    missing = [param for param in meta.path_params if param not in path_values]
    if missing:
        raise ValueError(f"seed({name}) needs {', '.join(f'{m}=...' for m in missing)}")
    values = {key: value for key, value in overrides.items() if key not in meta.path_params}
    unknown = sorted(key for key in values if key not in meta.fields or meta.fields[key].write_only)
    if unknown:
        readable = [k for k, f in meta.fields.items() if not f.write_only]
        raise ValueError(
            f"{name} has no property {', '.join(unknown)}; seed may set: {', '.join(readable)}"
        )
    behaviour = behaviour_for(endpoint.collection)
    defaults = {**behaviour.defaults, **behaviour.seed_defaults}
    plan = api.records.plan(endpoint)
    generators = _generators(endpoint, plan, defaults)
    now = api.clock()
    stored: list[StoredRecord] = []
    with api.store.lock:
        _check_parent(api, endpoint, path_values)
        for index in range(n):
            moment = now - timedelta(seconds=n - 1 - index)
            data = api.records.new(endpoint, path_values, account_sid, moment, defaults)
            for key, generate in generators:
                if data[key] is None:
                    data[key] = generate(index, moment)
            for field_name, value in values.items():
                field = meta.fields[field_name]
                given = value(index) if callable(value) else value
                data[field.key] = None if given is None else encode(field, field.validate(given))
            if endpoint.is_account:
                _open_subaccount(api, data, account_sid)
            api.records.finish(endpoint, data, path_values)
            stored.append(api.store_record(endpoint, data, path_values))
    return stored


def _check_parent(api: Api, endpoint: Endpoint, path_values: dict[str, str]) -> None:
    parent_path = api.router.parent_path(Match(endpoint, "list", path_values, ""))
    parent = api.router.resolve(parent_path, discover=False) if parent_path else None
    if parent is not None and parent.kind == "instance" and api.find(parent) is None:
        raise ValueError(
            f"seed({endpoint.name}): nothing at {parent_path}; seed the "
            f"{parent.endpoint.name} first"
        )


def _open_subaccount(api: Api, data: dict[str, Any], owner: str) -> None:
    """A seeded subaccount can be reached, and can sign in, like a created one."""
    sid = data.get("sid")
    if not isinstance(sid, str) or sid == api.accounts.account_sid:
        return
    token = data.get("auth_token") or secrets.token_hex(16)
    data["auth_token"] = token
    data["owner_account_sid"] = data.get("owner_account_sid") or owner
    api.accounts.add_subaccount(sid, str(token))


def _generators(
    endpoint: Endpoint, plan: Plan, defaults: Mapping[str, Any]
) -> list[tuple[str, Generator]]:
    """For each property nothing else sets, how record ``i`` gets a plausible value."""
    skipped = set(_DERIVED) | set(plan.path_keys.values()) | set(plan.stamps) | set(defaults)
    skipped |= {target for target, _ in plan.formatted}
    if endpoint.identity_key:
        skipped.add(endpoint.identity_key)
    found: list[tuple[str, Generator]] = []
    phones = 0
    for key in plan.keys:
        if key in skipped:
            continue
        field = plan.by_key[key]
        generate = _generator(endpoint, key, field, phones)
        if generate is not None:
            found.append((key, generate))
        if isinstance(field, fields.PhoneNumber):
            phones += 1  # each number property draws from its own area code
    return found


def _generator(
    endpoint: Endpoint, key: str, field: fields.Field[Any], phones: int
) -> Generator | None:
    if isinstance(field, fields.PhoneNumber):
        area = _AREA_CODES[phones % len(_AREA_CODES)]
        return lambda i, _: f"+1{area}555{i % 9000 + 1000:04d}"
    if isinstance(field, fields.Enum):
        choices = field.choices
        return lambda i, _: choices[i % len(choices)]
    if isinstance(field, fields.Bool):
        return lambda i, _: i % 2 == 0
    if isinstance(field, fields.IntString):
        return lambda i, _: str(i * 7 % 300 + 1)
    if isinstance(field, fields.Decimal) and key == "price":
        return lambda i, _: f"-{(i % 50 + 1) / 1000:.5f}"
    if isinstance(field, fields.RFC2822DateTime):
        return lambda _, moment: format_rfc2822(moment)
    if isinstance(field, fields.ISODateTime):
        return lambda _, moment: format_iso8601(moment)
    label = {"friendly_name": endpoint.name, "body": "Message", "label": "participant"}.get(key)
    if label is not None and isinstance(field, fields.Str):
        return lambda i, _: f"{label} {i + 1}"
    if key == "price_unit":
        return lambda _i, _m: "USD"
    return None
