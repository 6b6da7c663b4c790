"""``Manager``: the ``objects`` entry point of every resource class, Django style.

``Call.objects`` is a ``Manager[Call]``; its methods start a ``QuerySet`` (``filter``,
``all``, ``using``) or act at once (``get``, ``create``, ``first``, ``exists``, ``count``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from twiorm.query import QuerySet
from twiorm.signatures import described

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client
    from twiorm.resource import Resource

__all__ = ["Manager", "ManagerDescriptor"]

R = TypeVar("R", bound="Resource")


class Manager(Generic[R]):
    """Start queries for one resource class, optionally bound to one client."""

    def __init__(self, model: type[R], client: Client | None = None) -> None:
        self.model = model
        self.client = client

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "client": None}  # as for query sets: never the credentials

    def get_queryset(self) -> QuerySet[R]:
        """Return a query set for every record of the resource."""
        return QuerySet(self.model, self.client)

    def using(self, client: Client) -> QuerySet[R]:
        """Return a query set (of everything, like ``all()``) whose requests use ``client``."""
        return self.get_queryset().using(client)

    def all(self) -> QuerySet[R]:
        """Every record (lazily: nothing is sent until evaluated)."""
        return self.get_queryset()

    @described("Filters", "QuerySet[{model}]")
    def filter(self, **kwargs: Any) -> QuerySet[R]:
        """See ``QuerySet.filter``."""
        return self.get_queryset().filter(**kwargs)

    @described("Get")
    def get(self, identity: str | None = None, /, **kwargs: Any) -> R:
        """See ``QuerySet.get``."""
        return self.get_queryset().get(identity, **kwargs)

    @described("Create")
    def create(self, **kwargs: Any) -> R:
        """See ``QuerySet.create``."""
        return self.get_queryset().create(**kwargs)

    def first(self) -> R | None:
        """See ``QuerySet.first``."""
        return self.get_queryset().first()

    def exists(self) -> bool:
        """See ``QuerySet.exists``."""
        return self.get_queryset().exists()

    def count(self) -> int:
        """See ``QuerySet.count``."""
        return self.get_queryset().count()

    def iterator(self, page_size: int | None = None) -> Iterator[R]:
        """See ``QuerySet.iterator``."""
        return self.get_queryset().iterator(page_size)

    # -- the same without blocking an event loop (Django's names) -------------------------

    async def aget(self, identity: str | None = None, /, **kwargs: Any) -> R:
        """See ``QuerySet.aget``."""
        return await self.get_queryset().aget(identity, **kwargs)

    async def acreate(self, **kwargs: Any) -> R:
        """See ``QuerySet.acreate``."""
        return await self.get_queryset().acreate(**kwargs)

    async def afirst(self) -> R | None:
        """See ``QuerySet.afirst``."""
        return await self.get_queryset().afirst()

    async def aexists(self) -> bool:
        """See ``QuerySet.aexists``."""
        return await self.get_queryset().aexists()

    async def acount(self) -> int:
        """See ``QuerySet.acount``."""
        return await self.get_queryset().acount()

    def aiterator(self, page_size: int | None = None) -> AsyncIterator[R]:
        """See ``QuerySet.aiterator``."""
        return self.get_queryset().aiterator(page_size)

    def __repr__(self) -> str:
        bound = f" using {self.client!r}" if self.client is not None else ""
        return f"<Manager {self.model.__name__}{bound}>"


class ManagerDescriptor:
    """Put a fresh ``Manager`` on ``Model.objects``; instances do not have one."""

    @overload
    def __get__(self, instance: None, owner: type[R]) -> Manager[R]: ...
    @overload
    def __get__(self, instance: object, owner: type[R]) -> Manager[R]: ...

    def __get__(self, instance: object | None, owner: type[R]) -> Manager[R]:
        if instance is not None:
            raise AttributeError(
                f"objects is reached through the class ({owner.__name__}.objects), not an instance"
            )
        return Manager(owner)
