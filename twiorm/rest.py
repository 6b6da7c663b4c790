"""The official helpers' navigation: ``client.api.v2010.calls.list(...)``.

::

    client.api.v2010.calls                    a ListResource: list, stream, page, create, (sid)
    client.api.v2010.calls("CA...")           an InstanceResource: fetch, update, delete, children
    client.api.incoming_phone_numbers(...)    ``api`` alone means its newest declared version
    client.verify.v2.services("VA...").verifications.create(to=..., channel="sms")

``Domain`` and ``Version`` lead from a client to the declared resources, found by their
paths in ``twiorm.registry``; the lists and instances they lead to are
``twiorm.lists``'. Which names exist depends on what is declared (a user's resources
included), so this navigation is dynamic.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any

from twiorm import registry
from twiorm.lists import InstanceResource, ListResource, descend

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client

__all__ = [
    "Domain",
    "InstanceResource",
    "ListResource",
    "Version",
    "load_declarations",
    "load_every_declaration",
]


def load_declarations(attribute: str | None = None) -> str | None:
    """Import the shipped declarations a client attribute reaches; return its domain.

    ``twiorm.resources`` (the hand-declared core) always; a domain's generated modules
    (``twiorm.resources.conversations.v1`` …) when ``attribute`` names it (``conversations``,
    ``flex_api``). Returns the domain's host prefix (``flex-api``), or ``None`` for a name
    no shipped document has (a user's own domain may still be declared).
    """
    importlib.import_module("twiorm.resources")
    index = importlib.import_module("twiorm.resources._index")
    entry = index.DOMAINS.get(attribute) if attribute else None
    if entry is None:
        return None
    host, versions = entry
    for module in versions.values():
        importlib.import_module(module)
    registry.register_namespaces(host, index.NAMESPACES.get(host, ()))
    registry.register_shortcuts(host, index.SHORTCUTS.get(host, {}))
    return str(host)


def load_every_declaration() -> None:
    """Import every generated module (all of Twilio's documented operations, ~0.3 s)."""
    index = importlib.import_module("twiorm.resources._index")
    for attribute in index.DOMAINS:
        load_declarations(attribute)


class Domain:
    """A Twilio product (``api``, ``messaging`` …); attributes are its versions.

    Any other name is a shortcut to the newest version that has it at its top
    (``client.chat.services`` is ``client.chat.v2.services``), as the official helpers have.
    """

    def __init__(self, client: Client, name: str) -> None:
        self._client = client
        self._name = name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        versions = registry.versions_of(self._name)
        if name in versions:
            return Version(self._client, self._name, name)
        if not versions:
            raise AttributeError(f"no resources are declared for the {self._name!r} domain")
        if re.fullmatch(r"v\d+", name):
            raise AttributeError(
                f"{self._name} has no version {name!r} with declared resources; "
                f"its newest is {versions[0]}"
            )
        chosen = registry.shortcut_version(self._name, name)
        if chosen in versions:
            return getattr(Version(self._client, self._name, chosen), name)
        for version in versions:
            if name in registry.top_level(self._name, version) or (
                name == "account" and "accounts" in registry.top_level(self._name, version)
            ):
                return getattr(Version(self._client, self._name, version), name)
        # Let the newest version word the error.
        return getattr(Version(self._client, self._name, versions[0]), name)

    def __dir__(self) -> list[str]:
        return registry.versions_of(self._name)

    def __repr__(self) -> str:
        return f"<Domain {self._name}>"


class Version:
    """One version of a domain (``v2010``, ``v1``); attributes are its list resources."""

    def __init__(self, client: Client, domain: str, version: str) -> None:
        self._client = client
        self._domain = domain
        self._version = version

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        mounts = registry.top_level(self._domain, self._version)
        if name == "account" and "accounts" in mounts:
            # client.api.v2010.account: the client's own account, as the official helpers have.
            model = mounts["accounts"].model
            assert model is not None
            return ListResource(model, self._client, {})(self._client.account_sid)
        mount = mounts.get(name)
        if mount is None:
            known = (
                f"it has {', '.join(sorted(mounts))}"
                if mounts
                else "nothing is declared at its top; reach its resources through their parents"
            )
            raise AttributeError(f"{self._domain}.{self._version} has no {name!r}; {known}")
        return descend(mount, self._domain, self._client, [])

    def __dir__(self) -> list[str]:
        mounts = registry.top_level(self._domain, self._version)
        return sorted([*mounts, "account"] if "accounts" in mounts else mounts)

    def __repr__(self) -> str:
        return f"<Version {self._domain}.{self._version}>"
