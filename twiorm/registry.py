"""Where resources hang in Twilio's URL tree, derived from their declared paths.

Every concrete Resource class registers itself here when it is defined. From the path
templates alone this module answers two questions the official-helper style asks:

* which resources sit at the top of a domain's version (``client.api.v2010.calls``,
  ``client.messaging.v1.services``): their list path has no parent but the account;
* which resources are children of an instance (``conference.participants``): the child's
  list path extends the parent's instance path by one collection segment.

Mount names are the snake_case of that collection segment (``IncomingPhoneNumbers`` →
``incoming_phone_numbers``). When two classes share a path (a user's subclass of a
shipped resource), the first registered keeps the mount.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from twiorm.paths import snake_case, template_shape

if TYPE_CHECKING:
    from twiorm.resource import Resource

__all__ = [
    "Mount",
    "below",
    "children",
    "default_version",
    "list_children",
    "register",
    "register_namespaces",
    "register_shortcuts",
    "resources",
    "shortcut_version",
    "top_level",
    "version_of",
    "versions_of",
]


_lock = threading.Lock()
_resources: list[type[Resource]] = []
_cache: dict[object, object] = {}
_namespaces: dict[str, tuple[tuple[str, str, str, str], ...]] = {}
_shortcuts: dict[str, dict[str, str]] = {}
# Bumped by each registration: a mount table computed from an older list of resources is
# not cached (a class may be defined in another thread while one is computed).
_generation = 0


class Mount(NamedTuple):
    """A name reachable below a URL: a resource's list, or a namespace (``sip``, ``usage``)
    that only groups what lies below it (``model`` is then ``None``, ``prefix`` its URL)."""

    name: str
    model: type[Resource] | None
    prefix: str = ""


def register_shortcuts(domain: str, versions: dict[str, str]) -> None:
    """Record which version a domain's shortcut names resolve to, where not the newest."""
    with _lock:
        _shortcuts[domain] = dict(versions)


def shortcut_version(domain: str, name: str) -> str | None:
    """The version ``client.<domain>.<name>`` resolves to, if declared so."""
    return _shortcuts.get(domain, {}).get(name)


def register_namespaces(domain: str, entries: Iterable[tuple[str, str, str, str]]) -> None:
    """Record a domain's groups: (version segment, path, name, parent path) each, the paths
    below the version (``/Accounts/{sid}/SIP.json`` is an account's ``sip``)."""
    global _generation
    with _lock:
        _namespaces[domain] = tuple(entries)
        _cache.clear()
        _generation += 1


def register(model: type[Resource]) -> None:
    """Record a concrete resource class (called by the metaclass)."""
    global _generation
    with _lock:
        _resources.append(model)
        _cache.clear()
        _generation += 1


def version_of(model: type[Resource]) -> str:
    """``/2010-04-01/...`` → ``v2010``; ``/v1/...`` → ``v1``; ``/HostedNumbers/...`` →
    ``hosted_numbers``."""
    return version_name(model._meta.path.split("/")[1])


def version_name(segment: str) -> str:
    return "v" + segment.split("-")[0] if segment[:1].isdigit() else snake_case(segment)


def default_version(domain: str) -> str | None:
    """The newest version of ``domain`` that has declared resources."""
    versions = versions_of(domain)
    return versions[0] if versions else None


def versions_of(domain: str) -> list[str]:
    """The versions of ``domain`` with declared resources, newest first."""
    found = {version_of(m) for m in _snapshot()[1] if m._meta.domain == domain}
    return sorted(found, key=lambda v: (int(re.sub(r"\D", "", v) or 0), v), reverse=True)


def top_level(domain: str, version: str) -> dict[str, Mount]:
    """What a domain's version holds at its top (and, for v2010, below the account)."""
    segment = next(
        (
            m._meta.path.split("/")[1]
            for m in _snapshot()[1]
            if m._meta.domain == domain and version_of(m) == version
        ),
        None,
    )
    if segment is None:
        return {}
    mounts = dict(below(domain, f"/{segment}"))
    if segment == "2010-04-01":
        for name, mount in below(domain, "/2010-04-01/Accounts/{}").items():
            mounts.setdefault(name, mount)
    return mounts


def children(parent: type[Resource]) -> dict[str, Mount]:
    """What hangs below an instance of ``parent`` (``calls("CA...").recordings``)."""
    base = parent._meta.instance_path
    return below(parent._meta.domain, _shape(base)) if base else {}


def list_children(model: type[Resource]) -> dict[str, Mount]:
    """What hangs below a list itself (``usage.records.daily``)."""
    return below(model._meta.domain, _shape(model._meta.list_path))


def below(domain: str, prefix: str) -> dict[str, Mount]:
    """The names one step below the URL ``prefix`` (a template shape, placeholders as ``{}``).

    A resource whose list URL is the prefix plus one segment is mounted under its mount
    name; a deeper one (``/SIP/Domains`` below an account) makes its first segment a
    namespace. Nothing below a placeholder counts: that hangs below an instance.
    """
    key = ("below", domain, prefix)
    cached = _cache.get(key)
    if cached is None:
        generation, models = _snapshot()
        mounts: dict[str, Mount] = {}
        namespaces: dict[str, Mount] = {}
        # Declared parents first (generated resources name where the official helpers
        # reach them), then groups, then what the URL alone says for the others.
        for model in models:
            meta = model._meta
            if meta.domain == domain and meta.parent is not None:
                segment = "/" + meta.path.split("/")[1]
                if _shape(segment + meta.parent) == prefix:
                    name = _mount_name(model)
                    mounts.setdefault(name, Mount(name, model))
        for segment, path, name, parent in _namespaces.get(domain, ()):
            if _shape(f"/{segment}{parent}") == prefix:
                namespaces.setdefault(name, Mount(name, None, _shape(f"/{segment}{path}")))
        for model in models:
            meta = model._meta
            if meta.domain != domain or meta.parent is not None:
                continue
            for template in dict.fromkeys((meta.list_path, meta.instance_path)):
                tail = _shape(template).removeprefix(prefix + "/")
                if not template or tail == _shape(template) or "{}" in tail:
                    continue
                segments = tail.split("/")
                listed = template == meta.list_path or meta.identity is None
                named = meta.mount is not None and meta.mount != snake_case(segments[-1])
                if listed and (len(segments) == 1 or named):
                    # One segment below; or deeper, under the name it declares.
                    name = _mount_name(model)
                    mounts.setdefault(name, Mount(name, model))
                if len(segments) > 1:
                    name = snake_case(segments[0])
                    namespaces.setdefault(name, Mount(name, None, f"{prefix}/{segments[0]}"))
        for name, namespace in namespaces.items():
            mounts.setdefault(name, namespace)
        cached = _remember(key, mounts, generation)
    return cached  # type: ignore[return-value]


def _shape(template: str) -> str:
    return template_shape(template).removesuffix(".json")


def resources() -> list[type[Resource]]:
    """Every concrete resource class registered so far."""
    return _snapshot()[1]


def _snapshot() -> tuple[int, list[type[Resource]]]:
    with _lock:
        return _generation, [m for m in _resources if not m._meta.abstract]


def _remember(key: object, mounts: dict[str, Mount], generation: int) -> dict[str, Mount]:
    with _lock:
        if generation == _generation:
            _cache[key] = mounts
    return mounts


def _mount_name(model: type[Resource]) -> str:
    if model._meta.mount:
        return model._meta.mount
    segment = model._meta.list_path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    return snake_case(segment)
