"""``twiorm.Client``: a Twilio account's client, with the helper style's navigation.

``Client`` is ``BaseClient`` (credentials, hosts, sending) plus the entry of the official
helpers' style: ``client.api.v2010.calls``, ``client.messaging.v1.services``, and the
account shortcuts ``client.calls``, ``client.messages`` (``twiorm.rest``). The engine
(managers, query sets, instances) sends through any ``BaseClient`` and never imports this
module; ``set_default_client`` and ``get_default_client`` live here for users, over the
slot in ``twiorm.defaults``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from twiorm import defaults, registry
from twiorm.base_client import BaseClient, Credentials
from twiorm.rest import Domain, load_declarations

if TYPE_CHECKING:
    # Every domain, version and list typed (generated stubs, read by type checkers only):
    # client.api.v2010.calls is a CallList. At runtime the navigation is dynamic.
    from twiorm.resources._navigation import Domains
else:
    Domains = object

__all__ = ["Client", "Credentials", "get_default_client", "set_default_client"]


class Client(BaseClient, Domains):
    __doc__ = BaseClient.__doc__

    def __getattr__(self, name: str) -> Any:
        # client.api, client.messaging, client.verify …: any domain with declared resources.
        if name.startswith("_") or "requestor" not in self.__dict__:
            # (A client whose __init__ failed has no account to hang lists from.)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        # The shipped declarations register themselves when their module is imported: the
        # domain's modules load when it is first reached (a user's own may be registered).
        domain = load_declarations(name) or name
        if registry.default_version(domain) is not None:
            return Domain(self, domain)
        # client.messages, client.calls …: the official SDK's shortcuts to the account's lists.
        load_declarations("api")
        account = getattr(Domain(self, "api"), "account", None)
        shortcuts = registry.children(account._model) if account is not None else {}
        if name in shortcuts:
            return getattr(account, name)
        raise AttributeError(_no_attribute(type(self).__name__, name, shortcuts))


def set_default_client(client: BaseClient | None) -> None:
    """Make ``client`` the one managers use unless told otherwise (``None`` unsets it)."""
    defaults.set_default_client(client)


def get_default_client() -> Client:
    """Return the default client, building it from the environment on first use."""
    return cast(Client, defaults.get_default_client())


def current_default_client() -> Client | None:
    """Return the default client if one is set or built already; never build one."""
    return cast("Client | None", defaults.current_default_client())


# The default built from the environment is a full Client, helper style included.
defaults.set_factory(Client)


#: Twilio's product domains, as client attributes, with the version paths start with.
_TWILIO_DOMAINS = {
    "accounts": "v1",
    "api": "2010-04-01",
    "assistants": "v1",
    "bulkexports": "v1",
    "chat": "v3",
    "content": "v2",
    "conversations": "v1",
    "events": "v1",
    "flex_api": "v2",
    "frontline_api": "v1",
    "iam": "v1",
    "insights": "v2",
    "intelligence": "v2",
    "ip_messaging": "v2",
    "knowledge": "v1",
    "lookups": "v2",
    "marketplace": "v1",
    "memory": "v1",
    "messaging": "v3",
    "monitor": "v2",
    "notify": "v1",
    "numbers": "v3",
    "oauth": "v2",
    "preview": "HostedNumbers",
    "preview_iam": "v1",
    "pricing": "v2",
    "proxy": "v1",
    "routes": "v2",
    "serverless": "v1",
    "studio": "v2",
    "supersim": "v1",
    "sync": "v1",
    "taskrouter": "v1",
    "trunking": "v1",
    "trusthub": "v1",
    "verify": "v2",
    "video": "v1",
    "voice": "v1",
    "wireless": "v1",
}


def _no_attribute(owner: str, name: str, shortcuts: Mapping[str, object]) -> str:
    """Word the error for a missing attribute: a Twilio domain nobody declared, or a typo."""
    version = _TWILIO_DOMAINS.get(name)
    if version is not None:
        domain = name.replace("_", "-")
        return (
            f"no twiorm resources are declared for the {domain!r} domain yet; until they "
            f'are, call it directly: client.request("GET", "/{version}/...", '
            f"domain={domain!r})"
        )
    close = difflib.get_close_matches(name, [*_TWILIO_DOMAINS, *shortcuts], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{owner!r} object has no attribute {name!r}{hint}"
