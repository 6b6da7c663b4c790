"""Bound lists and instances: ``ListResource`` and ``InstanceResource``.

A ListResource *is* a Manager bound to a client and to its parents' path values: it has
the manager's methods (``filter``, ``get``, ``create`` …) besides the official helpers'
``list``, ``stream`` and ``page``, and it returns the same ``Call`` instances as
``Call.objects.using(client)``. Calling it with an identity gives an ``InstanceResource``
(``fetch``, ``update``, ``delete``, actions, sub-resources). Instances' sub-resources
(``call.recordings``) are ListResources too. Nothing here sends a request until a verb is
called. The navigation from a client to these (``client.api.v2010.calls``) is
``twiorm.rest``.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from twiorm import registry
from twiorm.errors import TwiormError, ValidationError
from twiorm.manager import Manager
from twiorm.paging import StreamPosition
from twiorm.paths import check_path_value, placeholders
from twiorm.query import QuerySet, ResultPage
from twiorm.signatures import described

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client
    from twiorm.resource import Resource

__all__ = ["InstanceResource", "ListResource", "Namespace", "descend"]

R = TypeVar("R", bound="Resource")


class ListResource(Manager[R]):
    """A list resource: ``list``, ``stream``, ``page``, ``create``; call it with an identity.

    ``limit`` caps how many records come back in total (``None``: all of them; ``0``:
    none, and no request is sent); ``page_size`` is the ``PageSize`` of each request
    (default: ``limit`` when it fits in one page, else the largest page Twilio allows).
    """

    def __init__(self, model: type[R], client: Client | None, path: dict[str, str]) -> None:
        super().__init__(model, client)
        self._path = path

    def get_queryset(self) -> QuerySet[R]:
        return super().get_queryset().filter(**self._path)

    @described("ListFilters", "Iterator[{model}]")
    def stream(
        self,
        limit: int | None = None,
        page_size: int | None = None,
        *,
        resume_from: TwiormError | StreamPosition | str | None = None,
        **filters: Any,
    ) -> Iterator[R]:
        """Yield records lazily, fetching pages as they are needed.

        A stream stopped by an error goes on from where it stopped with the same
        arguments and ``resume_from=error`` (see ``QuerySet.iterator``).
        """
        return self._limited(limit, filters).iterator(page_size, resume_from=resume_from)

    @described("ListFilters", "list[{model}]")
    def list(
        self, limit: int | None = None, page_size: int | None = None, **filters: Any
    ) -> list[R]:
        """Return the records as a list (all of them unless ``limit`` says otherwise)."""
        return list(self.stream(limit, page_size, **filters))

    async def stream_async(
        self,
        limit: int | None = None,
        page_size: int | None = None,
        *,
        resume_from: TwiormError | StreamPosition | str | None = None,
        **filters: Any,
    ) -> AsyncIterator[R]:
        """``stream`` for ``async for``: ``async for c in await calls.stream_async(...)``."""
        return self._limited(limit, filters).aiterator(page_size, resume_from=resume_from)

    async def list_async(
        self, limit: int | None = None, page_size: int | None = None, **filters: Any
    ) -> builtins.list[R]:
        """``list`` without blocking the event loop."""
        stream = await self.stream_async(limit, page_size, **filters)
        return [record async for record in stream]

    def _limited(self, limit: int | None, filters: dict[str, Any]) -> QuerySet[R]:
        queryset = self.filter(**self._filters(filters))
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise ValidationError(f"limit must be a non-negative integer, got {limit!r}")
            queryset = queryset[:limit]
        return queryset

    @described("ListFilters", "ResultPage[{model}]")
    def page(
        self,
        page_size: int | None = None,
        *,
        page_token: str | None = None,
        page_number: int | None = None,
        **filters: Any,
    ) -> ResultPage[R]:
        """Fetch one page; ``.next_page()`` fetches the one after it.

        ``page_token`` and ``page_number`` (Twilio's ``PageToken`` and ``Page``) resume
        from a page seen earlier, as the official helpers allow.
        """
        queryset = self.filter(**self._filters(filters))
        return queryset.page(page_size, page_token=page_token, page_number=page_number)

    async def page_async(
        self,
        page_size: int | None = None,
        *,
        page_token: str | None = None,
        page_number: int | None = None,
        **filters: Any,
    ) -> ResultPage[R]:
        """``page`` without blocking the event loop; ``next_page_async()`` follows it."""
        queryset = self.filter(**self._filters(filters))
        return await queryset.apage(page_size, page_token=page_token, page_number=page_number)

    def get_page(self, url: str) -> ResultPage[R]:
        """Fetch the page at ``url`` (a ``next_page_url`` kept from earlier) of this list."""
        return self.get_queryset().page_at(url)

    async def get_page_async(self, url: str) -> ResultPage[R]:
        """``get_page`` without blocking the event loop."""
        return await self.get_queryset().apage_at(url)

    def _filters(self, given: dict[str, Any]) -> dict[str, Any]:
        """Accept the official helpers' date-range names beside twiorm's own.

        ``start_time_after`` is ``start_time__gte`` (``StartTime>``) and ``start_time_before``
        is ``start_time__lte`` (``StartTime<``), where the resource has such a filter.
        """
        allowed = self.model._meta.filters
        translated: dict[str, Any] = {}
        for name, value in given.items():
            for suffix, lookup in (("_after", "__gte"), ("_before", "__lte")):
                alias = name.removesuffix(suffix) + lookup
                if name not in allowed and name.endswith(suffix) and alias in allowed:
                    name = alias
                    break
            translated[name] = value
        return translated

    def __getattr__(self, name: str) -> Any:
        # usage.records.daily: lists that hang below a list itself, not below an instance.
        if name.startswith("_"):
            raise AttributeError(name)
        meta = self.model._meta
        mount = registry.list_children(self.model).get(name)
        if mount is None:
            raise AttributeError(f"{type(self).__name__} of {self.model.__name__} has no {name!r}")
        ordered = [self._path.get(p) for p in placeholders(meta.list_path)]
        return descend(mount, meta.domain, self.client, ordered)

    @described("Create")
    def create(self, *args: Any, **kwargs: Any) -> R:
        """Create an instance (one POST); required parameters may come positionally, in
        their declared order, as the official helpers take them (``create("+1...", ...)``)."""
        return super().create(**self._positional(args, kwargs))

    async def create_async(self, *args: Any, **kwargs: Any) -> R:
        """``create`` without blocking the event loop (one POST, never retried blindly)."""
        return await self.acreate(**self._positional(args, kwargs))

    def _positional(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if args:
            required = self.model._meta.operation("create").required()
            if len(args) > len(required):
                raise TypeError(
                    f"{self.model.__name__} create takes {len(required)} positional "
                    f"argument(s) ({', '.join(required) or 'none'}), got {len(args)}"
                )
            for name, value in zip(required, args, strict=False):
                if name in kwargs:
                    raise TypeError(f"{self.model.__name__} create got {name} twice")
                kwargs[name] = value
        return kwargs

    def __call__(self, *values: str, **by_name: str) -> InstanceResource[R]:
        """Address one instance: by its identity (``calls("CA...")``), a singleton by
        nothing (``configuration()``), or, where the URL has other values this list does
        not know yet, by those first (``archived_calls("2026-01-01", "CA...")``,
        ``export_configuration("Calls")``), as the official helpers take them.

        The identity may be passed by its name (``services(sid="IS...")``).
        """
        meta = self.model._meta
        name = self.model.__name__
        identity: str | None = None
        if by_name:
            names = {meta.identity, "sid"} - {None}
            unknown = sorted(set(by_name) - names)
            if unknown or len(by_name) > 1 or (meta.identity is not None and len(values) > 0):
                raise TypeError(
                    f"{name}(...) takes its {meta.identity or 'URL values'} "
                    f"positionally or by name, got {', '.join(sorted(by_name)) or values}"
                )
            identity = next(iter(by_name.values()))
        elif values and meta.identity is not None:
            *values_list, identity = values
            values = tuple(values_list)
        # The URL's other values this list does not know (the client's account aside).
        unknown_values = [p for p in meta.path_params if p not in self._path and p != "account_sid"]
        if len(values) > len(unknown_values):
            takes = [*unknown_values, *([meta.identity] if meta.identity else [])]
            raise ValidationError(
                f"{name}(...) takes {', '.join(takes) or 'nothing'}, "
                f"got {len(values) + (identity is not None)} value(s)",
                resource=name,
            )
        path = dict(self._path)
        for parameter, value in zip(unknown_values, values, strict=False):
            path[parameter] = check_path_value(meta, parameter, value)
        if meta.identity is None:
            return InstanceResource(self.model, self.client, path, None)
        if identity is None:
            raise ValidationError(
                f"{name}(...) needs its {meta.identity}", resource=name, field=meta.identity
            )
        check_path_value(meta, meta.identity, identity)
        return InstanceResource(self.model, self.client, path, identity)

    # A singleton's list is its instance too, as the official helpers have it
    # (``accounts("AC...").balance.fetch()``).
    def fetch(self, **params: Any) -> R:
        """Fetch a singleton (one GET)."""
        return self._singleton("fetch").fetch(**params)

    def update(self, **values: Any) -> R:
        """Update a singleton (one request) and return it."""
        return self._singleton("update").update(**values)

    def delete(self, **params: Any) -> bool:
        """Delete a singleton (one DELETE)."""
        return self._singleton("delete").delete(**params)

    async def fetch_async(self, **params: Any) -> R:
        """``fetch`` of a singleton without blocking the event loop."""
        return await self._singleton("fetch").fetch_async(**params)

    async def update_async(self, **values: Any) -> R:
        """``update`` of a singleton without blocking the event loop."""
        return await self._singleton("update").update_async(**values)

    async def delete_async(self, **params: Any) -> bool:
        """``delete`` of a singleton without blocking the event loop."""
        return await self._singleton("delete").delete_async(**params)

    def _singleton(self, verb: str) -> InstanceResource[R]:
        if self.model._meta.identity is not None:
            raise AttributeError(
                f"{self.model.__name__} {verb}es an instance: "
                f"call {verb}() on {self.model.__name__.lower()}s(<{self.model._meta.identity}>)"
            )
        return self()

    def __repr__(self) -> str:
        return f"<ListResource {self.model.__name__} {self._path}>"


class InstanceResource(Generic[R]):
    """One addressed instance: ``fetch``, ``update``, ``delete`` and its sub-resources.

    ``update`` and ``delete`` send one request and do not fetch first. Reading a property
    (``number.voice_url``) fetches the instance once and reads from it afterwards.
    """

    def __init__(
        self, model: type[R], client: Client | None, path: dict[str, str], identity: str | None
    ) -> None:
        self._model = model
        self._client = client
        self._path = path  # the parents' values: account_sid, conference_sid …
        self._identity = identity
        self._fetched: R | None = None

    def _stub(self) -> R:
        """An instance that knows its URL but holds no data: enough to update or delete."""
        identity_name = self._model._meta.identity
        context = dict(self._path)
        if identity_name is not None and self._identity is not None:
            context[identity_name] = self._identity
        return self._model._from_record({}, self._client, context)

    @described("Fetch")
    def fetch(self, **params: Any) -> R:
        """Fetch the instance (one GET), with the fetch parameters the resource takes."""
        manager = Manager(self._model, self._client)
        if self._identity is None:
            self._fetched = manager.get(**self._path, **params)
        else:
            self._fetched = manager.get(self._identity, **self._path, **params)
        return self._fetched

    async def fetch_async(self, **params: Any) -> R:
        """``fetch`` without blocking the event loop."""
        manager = Manager(self._model, self._client)
        if self._identity is None:
            self._fetched = await manager.aget(**self._path, **params)
        else:
            self._fetched = await manager.aget(self._identity, **self._path, **params)
        return self._fetched

    async def update_async(self, **values: Any) -> R:
        """``update`` without blocking the event loop."""
        instance = self._stub()
        await instance.aupdate(client=self._client, **values)
        if instance._raw:
            self._fetched = instance
        return instance

    async def delete_async(self, **params: Any) -> bool:
        """``delete`` without blocking the event loop."""
        await self._stub().adelete(client=self._client, **params)
        self._fetched = None
        return True

    @described("Update")
    def update(self, **values: Any) -> R:
        """Send ``values`` as an update (one POST) and return the updated instance."""
        instance = self._stub()
        instance.update(client=self._client, **values)
        if instance._raw:  # Twilio answered with the record; a stub with no data is not one
            self._fetched = instance
        return instance

    @described("Delete", "bool")
    def delete(self, **params: Any) -> bool:
        """Delete the instance (one DELETE); return True."""
        self._stub().delete(client=self._client, **params)
        self._fetched = None
        return True

    def perform(self, action: str, **arguments: Any) -> Any:
        """Run a named action of the resource (``patch`` …) on this instance."""
        instance = self._stub()
        answer = instance.perform(action, client=self._client, **arguments)
        if answer is instance and instance._raw:
            self._fetched = instance
        return answer

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        meta = self._model._meta
        mount = registry.children(self._model).get(name)
        if mount is not None:
            ordered = [self._stub()._url_values().get(p) for p in placeholders(meta.instance_path)]
            return descend(mount, meta.domain, self._client, ordered)
        if name in self._model._meta.actions:  # calls("CA...").patch(...): a named action
            return partial(self.perform, name)
        if self._fetched is None:
            if name not in self._model._meta.fields and not hasattr(self._model, name):
                # A typo (or hasattr) must not cost a request; undeclared properties Twilio
                # sends are readable once fetched.
                raise AttributeError(
                    f"{self._model.__name__} has no field or sub-resource {name!r} "
                    "(call fetch() first to read properties twiorm does not declare)"
                )
            self.fetch()
        return getattr(self._fetched, name)

    def __repr__(self) -> str:
        return f"<InstanceResource {self._model.__name__} {self._identity}>"


class Namespace:
    """A name that only groups what lies below it (``account.sip``, ``account.usage``)."""

    def __init__(
        self, mount: registry.Mount, domain: str, client: Client | None, values: list[str | None]
    ) -> None:
        self._mount = mount
        self._domain = domain
        self._client = client
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        mount = registry.below(self._domain, self._mount.prefix).get(name)
        if mount is None:
            known = ", ".join(sorted(registry.below(self._domain, self._mount.prefix)))
            raise AttributeError(f"{self._mount.name} has no {name!r}; it has {known or 'nothing'}")
        return descend(mount, self._domain, self._client, self._values)

    def __dir__(self) -> list[str]:
        return sorted(registry.below(self._domain, self._mount.prefix))

    def __repr__(self) -> str:
        return f"<Namespace {self._mount.name}>"


def descend(
    mount: registry.Mount, domain: str, client: Client | None, values: list[str | None]
) -> Any:
    """What a mount leads to, its URL filled with the values known so far (in URL order)."""
    if mount.model is None:
        return Namespace(mount, domain, client, values)
    names = placeholders(mount.model._meta.list_path)
    pairs = zip(names, values, strict=False)  # a child has more placeholders than known
    path = {name: value for name, value in pairs if isinstance(value, str)}
    return ListResource(mount.model, client, path)
