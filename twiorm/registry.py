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
from typing import TYPE_CHECKING, NamedTuple

from twiorm.paths import placeholders, snake_case, template_shape

if TYPE_CHECKING:
    from twiorm.resource import Resource

__all__ = ["Mount", "children", "default_version", "register", "top_level", "version_of"]

_ACCOUNT_LEVEL = re.compile(r"^/2010-04-01/Accounts/\{account_sid\}(?=/)")

_lock = threading.Lock()
_resources: list[type[Resource]] = []
_cache: dict[object, object] = {}
# Bumped by each registration: a mount table computed from an older list of resources is
# not cached (a class may be defined in another thread while one is computed).
_generation = 0


class Mount(NamedTuple):
    """A resource reachable under a name, and how the parent's values fill its path.

    ``parent_params`` maps each of the child's path parameters to the parent's name for
    the same value (``{"conference_sid": "sid", "account_sid": "account_sid"}``).
    """

    name: str
    model: type[Resource]
    parent_params: tuple[tuple[str, str], ...] = ()


def register(model: type[Resource]) -> None:
    """Record a concrete resource class (called by the metaclass)."""
    global _generation
    with _lock:
        _resources.append(model)
        _cache.clear()
        _generation += 1


def version_of(model: type[Resource]) -> str:
    """``/2010-04-01/...`` → ``v2010``; ``/v1/...`` → ``v1``."""
    first = model._meta.path.split("/")[1]
    return "v" + first.split("-")[0] if first[:1].isdigit() else first


def default_version(domain: str) -> str | None:
    """The newest version of ``domain`` that has declared resources."""
    versions = {version_of(m) for m in _snapshot()[1] if m._meta.domain == domain}
    if not versions:
        return None
    return max(versions, key=lambda v: int(re.sub(r"\D", "", v) or 0))


def top_level(domain: str, version: str) -> dict[str, Mount]:
    """Resources directly under a domain's version (account-level ones for v2010)."""
    key = ("top", domain, version)
    cached = _cache.get(key)
    if cached is None:
        generation, models = _snapshot()
        mounts: dict[str, Mount] = {}
        for model in models:
            meta = model._meta
            if meta.domain != domain or version_of(model) != version:
                continue
            rest = _ACCOUNT_LEVEL.sub("", meta.list_path)
            if placeholders(rest):
                continue  # a child of some instance, reached through it
            name = _mount_name(model)
            mounts.setdefault(name, Mount(name, model, _same("account_sid", model)))
        cached = _remember(key, mounts, generation)
    return cached  # type: ignore[return-value]


def children(parent: type[Resource]) -> dict[str, Mount]:
    """Resources whose list path extends ``parent``'s instance path by one collection."""
    key = ("children", parent)
    cached = _cache.get(key)
    if cached is None:
        generation, models = _snapshot()
        mounts: dict[str, Mount] = {}
        base = parent._meta.instance_path
        if base:
            base = base.removesuffix(".json")
            shape = template_shape(base)
            for model in models:
                child = model._meta
                if child.domain != parent._meta.domain:
                    continue
                child_shape = template_shape(child.list_path)
                tail = child_shape.removeprefix(shape + "/")
                if tail == child_shape or "/" in tail or "{}" in tail:
                    continue
                name = _mount_name(model)
                pairs = tuple(
                    zip(
                        placeholders(child.list_path),
                        placeholders(parent._meta.instance_path),
                        strict=False,
                    )
                )
                mounts.setdefault(name, Mount(name, model, pairs))
        cached = _remember(key, mounts, generation)
    return cached  # type: ignore[return-value]


def _snapshot() -> tuple[int, list[type[Resource]]]:
    with _lock:
        return _generation, [m for m in _resources if not m._meta.abstract]


def _remember(key: object, mounts: dict[str, Mount], generation: int) -> dict[str, Mount]:
    with _lock:
        if generation == _generation:
            _cache[key] = mounts
    return mounts


def _same(name: str, model: type[Resource]) -> tuple[tuple[str, str], ...]:
    return ((name, name),) if name in model._meta.path_params else ()


def _mount_name(model: type[Resource]) -> str:
    if model._meta.mount:
        return model._meta.mount
    segment = model._meta.list_path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    return snake_case(segment)
