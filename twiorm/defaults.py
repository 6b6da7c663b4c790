"""The default client: the one managers use when a query set names none.

Managers find their client in this order: ``using(client)``, then the default set with
``set_default_client``, then one built from the environment as the official SDK reads it.
The engine asks here; ``twiorm.client`` says how a default is built from the environment
(``set_factory``), so this layer never imports the one above it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from twiorm.base_client import BaseClient

__all__ = ["current_default_client", "get_default_client", "set_default_client", "set_factory"]

_lock = threading.Lock()
_default: BaseClient | None = None
_factory: Callable[[], BaseClient] | None = None


def set_factory(factory: Callable[[], BaseClient]) -> None:
    """Say how to build the default client from the environment (``twiorm.Client``)."""
    global _factory
    _factory = factory


def set_default_client(client: BaseClient | None) -> None:
    """Make ``client`` the one managers use unless told otherwise (``None`` unsets it)."""
    global _default
    with _lock:
        _default = client


def get_default_client() -> BaseClient:
    """Return the default client, building it from the environment on first use."""
    global _default
    with _lock:
        if _default is None:
            # twiorm/__init__ imports twiorm.client, which sets the factory.
            _default = BaseClient() if _factory is None else _factory()
        return _default


def current_default_client() -> BaseClient | None:
    """Return the default client if one is set or built already; never build one."""
    return _default
