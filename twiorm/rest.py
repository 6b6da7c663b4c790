"""The official-helper face: ``client.api.v2010.calls.list(...)``, over the same machinery.

::

    client.api.v2010.calls                    a ListResource: list, stream, page, create, (sid)
    client.api.v2010.calls("CA...")           an InstanceResource: fetch, update, delete, children
    client.api.incoming_phone_numbers(...)    ``api`` alone means its newest declared version
    client.verify.v2.services("VA...").verifications.create(to=..., channel="sms")

A ListResource *is* a Manager bound to a client and to its parents' path values: it has
the manager's methods (``filter``, ``get``, ``create`` …) besides the helpers' ``list``,
``stream`` and ``page``, and it returns the same ``Call`` instances as
``Call.objects.using(client)``. Nothing here sends a request until a verb is called.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from twiorm import registry
from twiorm.errors import TwiormError, ValidationError
from twiorm.manager import Manager
from twiorm.paging import StreamPosition
from twiorm.paths import check_path_value
from twiorm.query import QuerySet, ResultPage
from twiorm.request import RequestSpec

if TYPE_CHECKING:
    from twiorm.client import Client
    from twiorm.resource import Resource

__all__ = ["Domain", "InstanceResource", "ListResource", "Version"]

R = TypeVar("R", bound="Resource")


class Domain:
    """A Twilio product (``api``, ``messaging`` …); attributes are its versions."""

    def __init__(self, client: Client, name: str) -> None:
        self._client = client
        self._name = name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        default = registry.default_version(self._name)
        if name == default or registry.top_level(self._name, name):
            return Version(self._client, self._name, name)
        if default is None:
            raise AttributeError(f"no resources are declared for the {self._name!r} domain")
        if re.fullmatch(r"v\d+", name):
            raise AttributeError(
                f"{self._name} has no version {name!r} with declared resources; "
                f"its newest is {default}"
            )
        # client.api.calls: the default version's mount, as the official helpers allow.
        return getattr(Version(self._client, self._name, default), name)

    def __dir__(self) -> list[str]:
        default = registry.default_version(self._name)
        return [default] if default else []

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
            accounts = ListResource(mounts["accounts"].model, self._client, {})
            return accounts(self._client.account_sid)
        mount = mounts.get(name)
        if mount is None:
            known = (
                f"it has {', '.join(sorted(mounts))}"
                if mounts
                else "nothing is declared at its top; reach its resources through their parents"
            )
            raise AttributeError(f"{self._domain}.{self._version} has no {name!r}; {known}")
        return ListResource(mount.model, self._client, {})

    def __dir__(self) -> list[str]:
        mounts = registry.top_level(self._domain, self._version)
        return sorted([*mounts, "account"] if "accounts" in mounts else mounts)

    def __repr__(self) -> str:
        return f"<Version {self._domain}.{self._version}>"


class ListResource(Manager[R], Generic[R]):
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
        queryset = self.filter(**self._filters(filters))
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise ValidationError(f"limit must be a non-negative integer, got {limit!r}")
            queryset = queryset[:limit]
        return queryset.iterator(page_size, resume_from=resume_from)

    def list(
        self, limit: int | None = None, page_size: int | None = None, **filters: Any
    ) -> list[R]:
        """Return the records as a list (all of them unless ``limit`` says otherwise)."""
        return list(self.stream(limit, page_size, **filters))

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
        if page_token is None and page_number is None:
            return queryset.page(page_size)
        if page_number is not None and (
            isinstance(page_number, bool) or not isinstance(page_number, int) or page_number < 0
        ):
            raise ValidationError(
                f"page_number must be a non-negative integer, got {page_number!r}"
            )
        if page_token is not None and not (
            isinstance(page_token, str) and page_token.isprintable() and page_token
        ):
            raise ValidationError(f"page_token must be a non-empty string, got {page_token!r}")
        client = queryset._resolve_client()
        spec = queryset._list_request(client, page_size)
        extra = {"PageToken": page_token, "Page": None if page_number is None else str(page_number)}
        params = {**spec.params, **{k: v for k, v in extra.items() if v is not None}}
        return ResultPage._fetch(queryset, client, spec._replace(params=params))

    def get_page(self, url: str) -> ResultPage[R]:
        """Fetch the page at ``url`` (a ``next_page_url`` kept from earlier) of this list."""
        queryset = self.get_queryset()
        client = queryset._resolve_client()
        spec = RequestSpec.from_url("GET", self.model._meta.domain, url)
        own = queryset._list_request(client, None).path
        if spec.path != own:
            raise ValidationError(f"{url!r} is not a page of {own}")
        return ResultPage._fetch(queryset, client, spec)

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

    def __call__(self, identity: str) -> InstanceResource[R]:
        meta = self.model._meta
        if meta.identity is None:
            raise ValidationError(f"{self.model.__name__} has no identity to address")
        check_path_value(meta, meta.identity, identity)
        return InstanceResource(self.model, self.client, self._path, identity)

    def __repr__(self) -> str:
        return f"<ListResource {self.model.__name__} {self._path}>"


class InstanceResource(Generic[R]):
    """One addressed instance: ``fetch``, ``update``, ``delete`` and its sub-resources.

    ``update`` and ``delete`` send one request and do not fetch first. Reading a property
    (``number.voice_url``) fetches the instance once and reads from it afterwards.
    """

    def __init__(
        self, model: type[R], client: Client | None, path: dict[str, str], identity: str
    ) -> None:
        self._model = model
        self._client = client
        self._path = path  # the parents' values: account_sid, conference_sid …
        self._identity = identity
        self._fetched: R | None = None

    def _stub(self) -> R:
        """An instance that knows its URL but holds no data: enough to update or delete."""
        identity_name = self._model._meta.identity
        assert identity_name is not None  # ListResource.__call__ checked
        context = {**self._path, identity_name: self._identity}
        return self._model._from_record({}, self._client, context)

    def fetch(self, **params: Any) -> R:
        """Fetch the instance (one GET), with the fetch parameters the resource takes."""
        manager = Manager(self._model, self._client)
        self._fetched = manager.get(self._identity, **self._path, **params)
        return self._fetched

    def update(self, **values: Any) -> R:
        """Send ``values`` as an update (one POST) and return the updated instance."""
        instance = self._stub()
        instance.update(client=self._client, **values)
        if instance._raw:  # Twilio answered with the record; a stub with no data is not one
            self._fetched = instance
        return instance

    def delete(self) -> bool:
        """Delete the instance (one DELETE); return True."""
        self._stub().delete(client=self._client)
        self._fetched = None
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        mount = registry.children(self._model).get(name)
        if mount is not None:
            return child_list(mount, self._client, self._stub()._url_values())
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


def child_list(
    mount: registry.Mount, client: Client | None, parent_values: dict[str, str]
) -> ListResource[Any]:
    """The ListResource of a child, with the parent's values filled into its path."""
    path = {
        child: parent_values[parent]
        for child, parent in mount.parent_params
        if isinstance(parent_values.get(parent), str)
    }
    return ListResource(mount.model, client, path)
