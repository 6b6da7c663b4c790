"""Building the JSON record of a resource from its declaration, as Twilio would answer it.

A new record has every declared response property, ``null`` unless something sets it:

1. the collection's defaults (``behaviours``), then the generic ones every declaration
   implies: a fresh SID with the identity field's prefix, the path values (``account_sid``,
   ``conference_sid`` …), ``api_version`` on the 2010 API, the first ``status`` choice,
   and ``date_created`` / ``date_updated`` in the API's date format;
2. the cleaned parameters of the create (write-only ones are not properties);
3. what is derived from the rest (``finish``): ``uri`` and ``subresource_uris`` on the 2010
   API, ``url`` and ``links`` (absolute) on the newer ones, and ``*_formatted`` numbers.

A ``Plan`` caches, per endpoint, what these steps need from the declaration.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from twiorm import fields
from twiorm.sandbox.behaviours import behaviour_for
from twiorm.sandbox.routes import VERSION_2010, Endpoint, Router, fill
from twiorm.sandbox.wire import encode, format_iso8601, format_national, format_rfc2822

__all__ = ["Plan", "RecordBuilder", "new_sid"]

_ALWAYS_STAMPED = ("date_created", "date_updated")


def new_sid(prefix: str) -> str:
    """A fresh SID: the prefix and 32 random hex digits."""
    return prefix + secrets.token_hex(16)


@dataclass(frozen=True)
class Plan:
    """What building one endpoint's records needs, worked out once from its declaration."""

    keys: tuple[str, ...]
    by_key: Mapping[str, fields.Field[Any]]
    identity_prefix: str | None
    path_keys: Mapping[str, str]
    status_choices: tuple[str, ...]
    stamps: Mapping[str, Callable[[datetime], str]]
    formatted: tuple[tuple[str, str], ...]
    uri: bool
    url: bool
    subresource_uris: bool
    links: bool


def _plan(endpoint: Endpoint) -> Plan:
    meta = endpoint.meta
    readable = {f.key: f for f in meta.fields.values() if not f.write_only}
    identity = meta.fields.get(meta.identity) if meta.identity else None
    status = readable.get("status")
    legacy = endpoint.legacy
    stamps: dict[str, Callable[[datetime], str]] = {}
    for key in (*_ALWAYS_STAMPED, *behaviour_for(endpoint.collection).stamped):
        stamped = readable.get(key)
        if stamped is None:
            continue
        if isinstance(stamped, fields.RFC2822DateTime) or (
            legacy and not isinstance(stamped, fields.ISODateTime)
        ):
            stamps[key] = format_rfc2822
        else:
            stamps[key] = format_iso8601
    return Plan(
        keys=tuple(readable),
        by_key=readable,
        identity_prefix=identity.prefixes[0] if isinstance(identity, fields.Sid) else None,
        path_keys={
            name: meta.fields[name].key
            for name in meta.path_params
            if name in meta.fields and not meta.fields[name].write_only
        },
        status_choices=status.choices if isinstance(status, fields.Enum) else (),
        stamps=stamps,
        formatted=tuple(
            (key, key.removesuffix("_formatted"))
            for key in readable
            if key.endswith("_formatted") and key.removesuffix("_formatted") in readable
        ),
        uri=legacy and "uri" in readable,
        url=not legacy and isinstance(readable.get("url"), fields.Uri),
        subresource_uris=legacy and isinstance(readable.get("subresource_uris"), fields.UriMap),
        links=not legacy and isinstance(readable.get("links"), fields.UriMap),
    )


class RecordBuilder:
    """Make and complete records for the endpoints of one router."""

    def __init__(self, router: Router, base_url: Callable[[], str]) -> None:
        self.router = router
        self._base_url = base_url
        self._plans: dict[Endpoint, Plan] = {}

    def plan(self, endpoint: Endpoint) -> Plan:
        found = self._plans.get(endpoint)
        if found is None:
            found = self._plans[endpoint] = _plan(endpoint)
        return found

    def new(
        self,
        endpoint: Endpoint,
        path_values: Mapping[str, str],
        account_sid: str,
        now: datetime,
        defaults: Mapping[str, Any],
    ) -> dict[str, Any]:
        """A new record with defaults and generated values (steps 1 of the module doc)."""
        plan = self.plan(endpoint)
        data: dict[str, Any] = dict.fromkeys(plan.keys)
        for key, value in defaults.items():
            if key in data:
                # Defaults are shared tables: never hand out their nested objects.
                data[key] = copy.deepcopy(value) if isinstance(value, (dict, list)) else value
        identity_key = endpoint.identity_key
        if plan.identity_prefix and identity_key:
            data[identity_key] = new_sid(plan.identity_prefix)
        for name, key in plan.path_keys.items():
            if name in path_values:
                data[key] = path_values[name]
        if data.get("account_sid", "") is None:
            data["account_sid"] = account_sid
        if data.get("api_version", "") is None and endpoint.legacy:
            data["api_version"] = VERSION_2010
        if plan.status_choices and data["status"] is None:
            data["status"] = plan.status_choices[0]
        for key, stamp in plan.stamps.items():
            data[key] = stamp(now)
        return data

    def apply(self, endpoint: Endpoint, data: dict[str, Any], values: Mapping[str, Any]) -> None:
        """Set cleaned values (by Python name) that are response properties."""
        declared = endpoint.meta.fields
        for name, value in values.items():
            field = declared[name]
            if not field.write_only:
                data[field.key] = encode(field, value)

    def touch(self, endpoint: Endpoint, data: dict[str, Any], now: datetime) -> None:
        """Stamp ``date_updated``."""
        stamp = self.plan(endpoint).stamps.get("date_updated")
        if stamp is not None:
            data["date_updated"] = stamp(now)

    def stamp(self, endpoint: Endpoint, now: datetime) -> str:
        """``now`` in the endpoint's API's date format."""
        return format_rfc2822(now) if endpoint.legacy else format_iso8601(now)

    def finish(self, endpoint: Endpoint, data: dict[str, Any], parents: Mapping[str, str]) -> None:
        """Derive ``uri``, ``url``, sub-resource links and formatted numbers."""
        plan = self.plan(endpoint)
        meta = endpoint.meta
        for target, source in plan.formatted:
            number = data.get(source)
            data[target] = format_national(number) if isinstance(number, str) else None
        if not (plan.uri or plan.url or plan.subresource_uris or plan.links):
            return
        values = dict(parents)
        for name, key in plan.path_keys.items():
            if isinstance(data.get(key), str):
                values[name] = data[key]
        identity_key = endpoint.identity_key
        if meta.identity and identity_key and isinstance(data.get(identity_key), str):
            values[meta.identity] = data[identity_key]
        try:
            own = fill(meta.instance_path or meta.list_path, values)
        except KeyError:
            return
        base_url = self._base_url()
        if plan.uri:
            data["uri"] = own
        if plan.url:
            data["url"] = base_url + own
        if plan.subresource_uris or plan.links:
            suffix = ".json" if own.endswith(".json") else ""
            stem = own.removesuffix(suffix)
            more = behaviour_for(endpoint.collection).more_subresources
            children = {**more, **self.router.children(endpoint)}
            if plan.subresource_uris:
                data["subresource_uris"] = {
                    key: f"{stem}/{segment}{suffix}" for key, segment in children.items()
                }
            if plan.links:
                data["links"] = {
                    key: f"{base_url}{stem}/{segment}" for key, segment in children.items()
                }
