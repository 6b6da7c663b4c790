"""``QuerySet``: an immutable, lazy description of a list request, and its evaluation.

Chaining (``filter``, ``all``, ``using``, slicing) is pure: it validates its arguments,
returns a new query set and sends nothing. Evaluating (iterating, ``len``, ``count``,
``exists``, ``first``, ``get``, indexing) sends requests; every list request goes through
``_pages``, the one place that pages. Iterating a query set caches its records;
``iterator()`` streams page by page and keeps nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload
from urllib.parse import quote, unquote

from twiorm.answers import read_answer
from twiorm.defaults import current_default_client, get_default_client
from twiorm.errors import (
    ConfigurationError,
    MalformedResponseError,
    NotFoundError,
    TwiormError,
    ValidationError,
)
from twiorm.operations import Encoded, Operation
from twiorm.paging import Page, StreamedPage, StreamPosition, next_link_problem, parse_page
from twiorm.paths import check_path_value
from twiorm.request import RequestSpec, _pairs
from twiorm.signatures import described

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client
    from twiorm.options import Options
    from twiorm.resource import Resource

__all__ = ["QuerySet", "ResultPage"]

R = TypeVar("R", bound="Resource")


class QuerySet(Generic[R]):
    """A lazy list request for ``model``; see the module docstring."""

    def __init__(self, model: type[R], client: Client | None = None) -> None:
        self.model = model
        self._client = client
        self._filters: dict[str, Any] = {}
        self._params: dict[str, Any] = {}
        self._headers: dict[str, str] = {}  # a list's header parameters (Flex-Metadata)
        #: values() / values_list(): ("dict" | "tuple" | "flat", names); None for instances.
        self._shape: tuple[str, tuple[str, ...]] | None = None
        self._path: dict[str, str] = {}
        self._start = 0
        self._stop: int | None = None
        self._result_cache: list[R] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # A client holds credentials: a pickled query set comes back unbound, as an
        # instance does, and uses the default client (or ``using()``) again.
        return {**self.__dict__, "_client": None}

    # -- chaining (pure) -----------------------------------------------------------------

    def _clone(self) -> QuerySet[R]:
        clone: QuerySet[R] = QuerySet(self.model, self._client)
        clone._filters = dict(self._filters)
        clone._params = dict(self._params)
        clone._headers = dict(self._headers)
        clone._shape = self._shape
        clone._path = dict(self._path)
        clone._start, clone._stop = self._start, self._stop
        return clone

    def all(self) -> QuerySet[R]:
        """Return a copy of this query set (a fresh one, with no cached results)."""
        return self._clone()

    @described("Filters", "QuerySet[{model}]")
    def filter(self, **kwargs: Any) -> QuerySet[R]:
        """Narrow the list with the filters Twilio accepts, and set path parameters.

        ``Call.objects.filter(from_="+1...", start_time__gte=date(2026, 1, 1))``;
        ``Participant.objects.filter(conference_sid="CF...", muted=True)``.
        """
        clone = self._clone()
        path, filters = _split_path_parameters(self._meta, kwargs)
        clone._path.update(path)
        if filters:
            merged = {**self._filters, **filters}
            encoded = self._meta.operation("list").encode(merged)
            clone._params, clone._headers = encoded.query, encoded.headers
            clone._filters = merged
        return clone

    def using(self, client: Client) -> QuerySet[R]:
        """Send this query set's requests with ``client`` (another account, a local server)."""
        clone = self._clone()
        clone._client = client
        return clone

    @overload
    def __getitem__(self, key: int) -> R: ...
    @overload
    def __getitem__(self, key: slice) -> QuerySet[R]: ...

    def __getitem__(self, key: int | slice) -> R | QuerySet[R]:
        if self._result_cache is not None:
            return self._result_cache[key]  # type: ignore[return-value]
        if isinstance(key, slice):
            bounds = (key.start, key.stop)
            if any(
                b is not None and (isinstance(b, bool) or not isinstance(b, int)) for b in bounds
            ):
                raise ValidationError(
                    f"query set slice bounds must be integers, got {key!r}", resource=self._name
                )
            if key.step not in (None, 1):
                raise ValidationError("query sets do not support slice steps", resource=self._name)
            start, stop = key.start or 0, key.stop
            if start < 0 or (stop is not None and stop < 0):
                raise ValidationError(
                    "negative indexing is not supported: Twilio lists have no end to count from",
                    resource=self._name,
                )
            clone = self._clone()
            clone._start = self._start + start
            if stop is not None:
                stop = self._start + stop
                clone._stop = stop if self._stop is None else min(stop, self._stop)
            if clone._stop is not None:
                clone._start = min(clone._start, clone._stop)
            return clone
        if isinstance(key, bool) or not isinstance(key, int) or key < 0:
            raise ValidationError(
                f"query set indices must be non-negative integers, got {key!r}",
                resource=self._name,
            )
        found = list(self[key : key + 1].iterator())
        if not found:
            raise IndexError(f"{self._name} query set index {key} out of range")
        return found[0]

    # -- compiling (pure) ----------------------------------------------------------------

    @property
    def _meta(self) -> Options:
        return self.model._meta

    @property
    def _name(self) -> str:
        return self.model.__name__

    def _resolve_client(self) -> Client:
        return self._client if self._client is not None else get_default_client()

    def _shown_client(self) -> Client | None:
        """The client a repr may name: bound, or a default already set (never built here)."""
        return self._client if self._client is not None else current_default_client()

    def _page_size(self, requested: int | None) -> int | None:
        """The PageSize to ask for; ``None`` for a list that takes none (it pages alone)."""
        largest = self._meta.max_page_size
        if largest is None:
            if requested is not None:
                raise ValidationError(
                    f"{self._name} lists take no page size", resource=self._name, field="page_size"
                )
            return None
        if requested is not None:
            if isinstance(requested, bool) or not isinstance(requested, int):
                raise ValidationError(f"page_size must be an integer, got {requested!r}")
            if not 1 <= requested <= largest:
                raise ValidationError(
                    f"{self._name} page_size must be between 1 and {largest}, got {requested}",
                    resource=self._name,
                    field="page_size",
                    expected=f"1 to {largest}",
                )
            return requested
        # A slice asks for just what it needs; a whole list takes the largest pages.
        return min(self._stop, largest) if self._stop else largest

    def request(self, *, page_size: int | None = None) -> RequestSpec:
        """Return the request for the first page, without sending it.

        The account in the path is the one the query set would use: its own client's, the
        default client's, or the environment's (building that client sends nothing).
        """
        client = self._shown_client()
        if client is None:
            try:
                client = self._resolve_client()
            except ConfigurationError:
                client = None  # then the path names the account it is missing
        return self._list_request(client, page_size)

    def _list_request(
        self, client: Client | None, page_size: int | None, *, placeholders: bool = False
    ) -> RequestSpec:
        operation = self._meta.operation("list")
        size = self._page_size(page_size)
        paging = {} if size is None else {"PageSize": str(size)}
        if placeholders:  # for display: leave what only a client knows as {account_sid}
            known = dict(self._path)
            if client is not None:
                known.setdefault("account_sid", client.account_sid)
            path = operation.path
            for name in operation.path_params:
                if name in known:
                    path = path.replace(f"{{{name}}}", quote(known[name], safe=""))
            return RequestSpec("GET", operation.domain, path, {**self._params, **paging})
        return operation.request(
            client, self._path, encoded=Encoded(self._params, headers=self._headers), query=paging
        )

    def __repr__(self) -> str:
        try:
            described = str(self._list_request(self._shown_client(), None, placeholders=True))
        except Exception as exc:  # noqa: BLE001 - repr must never raise, nor send
            described = f"(incomplete: {exc})"
        window = ""
        if self._start or self._stop is not None:
            window = f" [{self._start}:{'' if self._stop is None else self._stop}]"
        return f"<QuerySet {self._name}{window} {described}>"

    # -- evaluating (sends requests) -----------------------------------------------------

    def _pages(
        self,
        page_size: int | None = None,
        resume: StreamPosition | None = None,
        progress: _Progress | None = None,
    ) -> Iterator[tuple[Client, Iterator[Any]]]:
        """Yield (client, records) for each page, cut to the window; the one place that pages.

        Each page's records are decoded from the body one at a time as they are consumed
        (``StreamedPage``), so a stream holds one record and one body, not a parsed page.
        ``resume`` starts at a page of this list other than the first; ``progress`` is
        kept up to date with the page being read, for an error to say where it stopped.
        """
        pager = _Pager(self, page_size, resume, progress)
        while pager.spec is not None:
            page: StreamedPage = pager.client.send(pager.begin(), decode=pager.decode)
            yield pager.client, pager.records(page)
            pager.finish(page)
            del page  # one page body at a time: freed before the next is fetched

    async def _apages(
        self,
        page_size: int | None = None,
        resume: StreamPosition | None = None,
        progress: _Progress | None = None,
    ) -> AsyncIterator[tuple[Client, Iterator[Any]]]:
        """``_pages`` without blocking the event loop: the same pages, window and checks."""
        pager = _Pager(self, page_size, resume, progress)
        while pager.spec is not None:
            page: StreamedPage = await pager.client.asend(pager.begin(), decode=pager.decode)
            yield pager.client, pager.records(page)
            pager.finish(page)
            del page  # one page body at a time: freed before the next is fetched

    def iterator(
        self,
        page_size: int | None = None,
        *,
        resume_from: TwiormError | StreamPosition | str | None = None,
        progress: bool = False,
    ) -> Iterator[R]:
        """Stream the records page by page, keeping none of them (constant memory).

        A stream stopped by an error (after the client's retries) can go on where it
        stopped: pass the error, or its ``stream_position``, as ``resume_from`` to the
        same query set's ``iterator``. The records already handed over are not repeated
        and none is skipped; the error's ``records_read`` says how many there were.
        ``resume_from`` also takes a page URL of this list (an unsliced query set only).
        ``progress=True`` shows a tqdm bar on a terminal.
        """
        resume = self._resume_position(resume_from)
        context = dict(self._path)
        load = self._loader()
        where = _Progress()
        bar = _bar(progress, self._name, self._expected())
        try:
            for client, records in self._pages(page_size, resume, where):
                for record in records:
                    instance = load(record, client, context)
                    where.next_index += 1
                    if bar is not None:
                        bar.update(1)
                    yield instance
        except TwiormError as exc:
            where.mark(exc, self._start)
            raise
        finally:
            if bar is not None:
                bar.close()

    async def aiterator(
        self,
        page_size: int | None = None,
        *,
        resume_from: TwiormError | StreamPosition | str | None = None,
    ) -> AsyncIterator[R]:
        """``iterator`` for ``async for``: page by page, without blocking the event loop."""
        resume = self._resume_position(resume_from)
        context = dict(self._path)
        load = self._loader()
        progress = _Progress()
        try:
            async for client, records in self._apages(page_size, resume, progress):
                for record in records:
                    instance = load(record, client, context)
                    progress.next_index += 1
                    yield instance
        except TwiormError as exc:
            progress.mark(exc, self._start)
            raise

    def __aiter__(self) -> AsyncIterator[R]:
        """``async for call in queryset``: lazy, a page at a time (nothing is cached)."""
        return self.aiterator()

    def _expected(self) -> int | None:
        """At most how many records a stream hands over: known only for a slice, since
        Twilio's list envelopes carry no total."""
        return None if self._stop is None else self._stop - self._start

    def _resume_position(
        self, resume_from: TwiormError | StreamPosition | str | None
    ) -> StreamPosition | None:
        if resume_from is None or isinstance(resume_from, StreamPosition):
            return resume_from
        if isinstance(resume_from, TwiormError):
            if resume_from.stream_position is None:
                raise ValidationError(
                    f"{type(resume_from).__name__} did not stop a stream, so there is "
                    "nothing to resume from",
                    resource=self._name,
                    field="resume_from",
                    expected="an error raised by a stream, its stream_position, or a page URL",
                )
            return resume_from.stream_position
        if isinstance(resume_from, str) and resume_from:
            if self._start or self._stop is not None:
                raise ValidationError(
                    f"a page URL says nothing of how far a sliced {self._name} query set "
                    "had read; resume it from the error (or its stream_position)",
                    resource=self._name,
                    field="resume_from",
                    expected="the error raised by the stream",
                )
            return StreamPosition(resume_from, 0, 0)
        raise ValidationError(
            f"resume_from takes the error that stopped a stream, its stream_position or a "
            f"page URL, got {resume_from!r}",
            resource=self._name,
            field="resume_from",
            expected="an error raised by a stream, its stream_position, or a page URL",
        )

    def page(
        self,
        page_size: int | None = None,
        *,
        page_token: str | None = None,
        page_number: int | None = None,
    ) -> ResultPage[R]:
        """Fetch one page (one request); ``next_page()`` follows Twilio's link.

        The first page, or the one ``page_token`` and ``page_number`` (Twilio's
        ``PageToken`` and ``Page``, from a page seen earlier) name.
        """
        return ResultPage._fetch(self, *self._page_request(page_size, page_token, page_number))

    def _page_request(
        self, page_size: int | None, page_token: str | None, page_number: int | None
    ) -> tuple[Client, RequestSpec]:
        if self._start or self._stop is not None:
            raise ValidationError(
                f"page() reads Twilio's own pages and cannot start or stop at a slice's "
                f"bounds; call it on an unsliced {self._name} query set",
                resource=self._name,
            )
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
        client = self._resolve_client()
        spec = self._list_request(client, page_size)
        extra = {"PageToken": page_token, "Page": None if page_number is None else str(page_number)}
        params = {**spec.params, **{k: v for k, v in extra.items() if v is not None}}
        return client, spec._replace(params=params)

    def page_at(self, url: str) -> ResultPage[R]:
        """Fetch the page at ``url`` (a ``next_page_url`` kept from earlier) of this list."""
        return ResultPage._fetch(self, *self._page_at_request(url))

    async def apage(
        self,
        page_size: int | None = None,
        *,
        page_token: str | None = None,
        page_number: int | None = None,
    ) -> ResultPage[R]:
        """``page`` without blocking the event loop."""
        request = self._page_request(page_size, page_token, page_number)
        return await ResultPage._afetch(self, *request)

    async def apage_at(self, url: str) -> ResultPage[R]:
        """``page_at`` without blocking the event loop."""
        return await ResultPage._afetch(self, *self._page_at_request(url))

    def _page_at_request(self, url: str) -> tuple[Client, RequestSpec]:
        client = self._resolve_client()
        spec = RequestSpec.from_url("GET", self._meta.domain, url)
        own = self._list_request(client, None).path
        if spec.path != own:
            raise ValidationError(f"{url!r} is not a page of {own}")
        return client, spec

    # -- values and tables ------------------------------------------------------------------

    def values(self, *names: str) -> QuerySet[Any]:
        """Yield each record as a dict of the properties ``names`` (all, by default),
        converted by the fields, as Django's ``values()``: no instance is built."""
        return self._shaped("dict", names)

    def values_list(self, *names: str, flat: bool = False) -> QuerySet[Any]:
        """Yield each record as a tuple of the properties ``names`` (all, by default), or,
        with ``flat=True`` and one name, that one value."""
        if flat and len(names) != 1:
            raise ValidationError(
                "values_list(flat=True) takes exactly one name", resource=self._name
            )
        return self._shaped("flat" if flat else "tuple", names)

    def _shaped(self, kind: str, names: tuple[str, ...]) -> QuerySet[Any]:
        from twiorm.tables import columns  # checks the names; needs no pyarrow

        columns(self.model, names)
        clone = self._clone()
        clone._shape = (kind, names)
        return clone

    def _loader(self) -> Callable[[dict[str, Any], Client, dict[str, str]], Any]:
        """What a record becomes: an instance, or values() / values_list()'s row."""
        if self._shape is None:
            return self.model._from_record
        kind, names = self._shape
        properties = self._meta.properties
        readers = [(properties[n].key, properties[n].read) for n in names or properties]

        def values(raw: Any, read: Callable[[Any], Any]) -> Any:
            return None if raw is None else read(raw)

        if kind == "dict":
            keys = list(names or properties)
            return lambda record, client, context: {
                name: values(record.get(key), read)
                for name, (key, read) in zip(keys, readers, strict=True)
            }
        if kind == "flat":
            ((key, read),) = readers
            return lambda record, client, context: values(record.get(key), read)
        return lambda record, client, context: tuple(
            values(record.get(key), read) for key, read in readers
        )

    def iter_batches(
        self,
        fields: Sequence[str] | None = None,
        *,
        page_size: int | None = None,
        progress: bool = False,
        unknown: bool | None = None,
    ) -> Iterator[Any]:
        """One ``pyarrow.RecordBatch`` per page, typed by the fields (``twiorm[arrow]``).

        Without ``fields`` (or with ``unknown=True``) keys no field declares come too, as
        string columns, from the page where they first appear.
        """
        from twiorm.tables import iter_batches

        return iter_batches(self, fields, page_size=page_size, progress=progress, unknown=unknown)

    def to_arrow(self, fields: Sequence[str] | None = None, *, progress: bool = False) -> Any:
        """The records as a ``pyarrow.Table`` whose column types come from the fields
        (keys no field declares, when no ``fields`` are named, as string columns)."""
        from twiorm.tables import _pyarrow, arrow_schema

        pa = _pyarrow()
        tables = [pa.Table.from_batches([b]) for b in self.iter_batches(fields, progress=progress)]
        if not tables:
            return arrow_schema(self.model, fields).empty_table()
        # pages may differ by keys no field declares: those columns are null elsewhere
        return pa.concat_tables(tables, promote_options="default")

    def to_pandas(self, fields: Sequence[str] | None = None, *, progress: bool = False) -> Any:
        """The records as a ``pandas.DataFrame`` (``twiorm[pandas]``)."""
        try:
            import pandas  # noqa: F401 - only to say which extra is missing
        except ImportError as exc:
            raise ConfigurationError(
                "to_pandas needs pandas: pip install 'twiorm[pandas]'"
            ) from exc
        return self.to_arrow(fields, progress=progress).to_pandas()

    def to_csv(
        self, target: str | Any, fields: Sequence[str] | None = None, *, progress: bool = False
    ) -> None:
        """Write the records to a CSV file (a path or a binary file), a page at a time."""
        from twiorm.tables import arrow_schema, conform, write_csv

        schema, batches = conform(
            self.iter_batches(fields, progress=progress), arrow_schema(self.model, fields)
        )
        write_csv(batches, schema, target)

    def to_parquet(
        self, path: str | Any, fields: Sequence[str] | None = None, *, progress: bool = False
    ) -> None:
        """Write the records to a Parquet file, a page at a time (a row group holds
        ``tables.ROW_GROUP`` records)."""
        from twiorm.tables import arrow_schema, conform, write_parquet

        schema, batches = conform(
            self.iter_batches(fields, progress=progress), arrow_schema(self.model, fields)
        )
        write_parquet(batches, schema, str(path))

    def _fetch_all(self) -> list[R]:
        if self._result_cache is None:
            self._result_cache = list(self.iterator())
        return self._result_cache

    def __iter__(self) -> Iterator[R]:
        return iter(self._fetch_all())

    def __len__(self) -> int:
        return len(self._fetch_all())

    def __bool__(self) -> bool:
        return bool(self._fetch_all())

    def count(self) -> int:
        """Count the records. Twilio has no count endpoint: this pages through the list."""
        if self._result_cache is not None:
            return len(self._result_cache)
        return sum(1 for _, records in self._pages() for _ in records)

    def exists(self) -> bool:
        """Return whether any record matches, with one request for a page of one."""
        if self._result_cache is not None:
            return bool(self._result_cache)
        return any(True for _, records in self[:1]._pages() for _ in records)

    def first(self) -> R | None:
        """Return the first record (Twilio lists newest first), or ``None``."""
        if self._result_cache is not None:
            return self._result_cache[0] if self._result_cache else None
        return next(self[:1].iterator(), None)

    async def acount(self) -> int:
        """``count`` without blocking the event loop."""
        if self._result_cache is not None:
            return len(self._result_cache)
        return sum([1 async for _, records in self._apages() for _ in records])

    async def aexists(self) -> bool:
        """``exists`` without blocking the event loop (one request for a page of one)."""
        if self._result_cache is not None:
            return bool(self._result_cache)
        async for _, records in self[:1]._apages():
            if any(True for _ in records):
                return True
        return False

    async def afirst(self) -> R | None:
        """``first`` without blocking the event loop."""
        if self._result_cache is not None:
            return self._result_cache[0] if self._result_cache else None
        async for instance in self[:1].aiterator():
            return instance
        return None

    @described("Get")
    def get(self, identity: str | None = None, /, **kwargs: Any) -> R:
        """Fetch one instance by identity (one request), or the single match of filters.

        ``Call.objects.get("CA...")`` fetches ``/Calls/CA....json``; a 404 raises
        ``Call.DoesNotExist``. ``Call.objects.get(to="+1...")`` lists with the filter and
        raises ``DoesNotExist`` or ``MultipleObjectsReturned`` unless exactly one matches.
        """
        fetch, identity, kwargs = self._get_plan(identity, kwargs)
        if fetch:
            return self._fetch(identity, kwargs)
        return self._only(list(self.filter(**kwargs)[:2].iterator()), kwargs)

    async def aget(self, identity: str | None = None, /, **kwargs: Any) -> R:
        """``get`` without blocking the event loop."""
        fetch, identity, kwargs = self._get_plan(identity, kwargs)
        if fetch:
            return await self._afetch(identity, kwargs)
        matches = [found async for found in self.filter(**kwargs)[:2].aiterator()]
        return self._only(matches, kwargs)

    def _get_plan(
        self, identity: str | None, kwargs: dict[str, Any]
    ) -> tuple[bool, str | None, dict[str, Any]]:
        """Whether ``get`` fetches by identity (and with what) or lists with filters."""
        meta = self._meta
        if meta.identity is not None and meta.identity in kwargs:
            if identity is not None:
                raise ValidationError(f"{self._name}.get() got the identity twice")
            identity = kwargs.pop(meta.identity)
        if meta.identity is None and "fetch" in meta.operations:
            # A singleton (an account's Balance): its one URL, its fetch parameters.
            if identity is not None:
                raise ValidationError(
                    f"{self._name} is a singleton: get() takes no identity", resource=self._name
                )
            return True, None, kwargs
        if identity is not None:
            if self._filters:
                # A fetch by identity cannot apply list filters, and ignoring them would
                # return a record the query set does not hold.
                raise ValidationError(
                    f"{self._name}.get({identity!r}) fetches by identity and cannot apply "
                    f"the filters {self._describe_filters({})}; use get() without them, "
                    "or filter(...).get() without an identity",
                    resource=self._name,
                )
            return True, identity, kwargs
        if not kwargs and not self._filters:
            raise ValidationError(
                f"{self._name}.get() needs an identity or filters", resource=self._name
            )
        return False, None, kwargs

    def _only(self, matches: list[R], kwargs: dict[str, Any]) -> R:
        if not matches:
            raise self.model.DoesNotExist(
                f"no {self._name} matches {self._describe_filters(kwargs)}"
            )
        if len(matches) > 1:
            raise self.model.MultipleObjectsReturned(
                f"more than one {self._name} matches {self._describe_filters(kwargs)}"
            )
        return matches[0]

    def _describe_filters(self, extra: dict[str, Any]) -> str:
        described = {**self._filters, **extra}
        return ", ".join(f"{k}={v!r}" for k, v in described.items()) or "the filters"

    def _fetch(self, identity: Any, kwargs: dict[str, Any]) -> R:
        client, operation, spec, context = self._fetch_request(identity, kwargs)
        try:
            # A record without its identity (a list envelope, an error page) cannot be
            # saved or deleted: refused now rather than handed back.
            found: R = self.model._answer(client, operation, spec, context)
            return found
        except NotFoundError as exc:
            missing = self._does_not_exist(exc)
        raise missing

    async def _afetch(self, identity: Any, kwargs: dict[str, Any]) -> R:
        client, operation, spec, context = self._fetch_request(identity, kwargs)
        try:
            found: R = await self.model._aanswer(client, operation, spec, context)
            return found
        except NotFoundError as exc:
            missing = self._does_not_exist(exc)
        raise missing

    def _fetch_request(
        self, identity: Any, kwargs: dict[str, Any]
    ) -> tuple[Client, Operation, RequestSpec, dict[str, str]]:
        meta = self._meta
        operation = meta.operation("fetch")
        path, rest = _split_path_parameters(meta, kwargs)
        client = self._resolve_client()
        values = {**self._path, **path}
        if meta.identity is not None:
            values[meta.identity] = identity
        return client, operation, operation.request(client, values, rest), {**self._path, **path}

    def _does_not_exist(self, exc: NotFoundError) -> NotFoundError:
        return self.model.DoesNotExist(
            exc.message,
            status=exc.status,
            code=exc.code,
            more_info=exc.more_info,
            details=exc.details,
            method=exc.method,
            url=exc.url,
            headers=exc.headers,
        )

    @described("Create")
    def create(self, **kwargs: Any) -> R:
        """Create an instance with Twilio (one POST, never retried blindly) and return it."""
        path, values = _split_path_parameters(self._meta, kwargs)
        return self.model._create(self._resolve_client(), {**self._path, **path}, values)

    async def acreate(self, **kwargs: Any) -> R:
        """``create`` without blocking the event loop (one POST, never retried blindly)."""
        path, values = _split_path_parameters(self._meta, kwargs)
        return await self.model._acreate(self._resolve_client(), {**self._path, **path}, values)


def _split_path_parameters(
    meta: Options, kwargs: dict[str, Any]
) -> tuple[dict[str, str], dict[str, Any]]:
    """Separate the parent path parameters (conference_sid, account_sid) from the rest."""
    path: dict[str, str] = {}
    rest: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name in meta.path_params:
            path[name] = check_path_value(meta, name, value)
        else:
            rest[name] = value
    return path, rest


#: Empty pages a stream follows in a row, when each links to another, before giving up.
_EMPTY_PAGES_FOLLOWED = 10


def _bar(enabled: bool, what: str, total: int | None = None) -> Any:
    """A tqdm bar counting records when asked for and writing to a terminal, else None."""
    if not enabled:
        return None
    from twiorm.tables import progress_bar  # tqdm loads only when a bar is asked for

    return progress_bar(True, what, total).__enter__()


class _Pager:
    """Where a stream of pages stands: the page to ask for next, and what to make of one.

    The sync and the async loops both drive it: ``begin()`` before sending, ``records()``
    for the page's records cut to the window, ``finish()`` after the page was read, which
    leaves ``spec`` as the next page's request, or ``None`` at the end. A link to another
    list or host, or back to a page already read, raises.
    """

    def __init__(
        self,
        queryset: QuerySet[Any],
        page_size: int | None,
        resume: StreamPosition | None,
        progress: _Progress | None,
    ) -> None:
        self.queryset = queryset
        self.progress = progress
        self.start = queryset._start if resume is None else max(queryset._start, resume.next_index)
        self.stop = queryset._stop
        self.spec: RequestSpec | None = None
        if self.stop is not None and self.start >= self.stop:
            return
        self.client = client = queryset._resolve_client()
        meta = queryset._meta
        self.domain = meta.domain
        self.decode = partial(StreamedPage.read, meta.list_key)
        spec = queryset._list_request(client, page_size)
        self.seen = self.empty_in_a_row = 0
        if resume is not None:
            problem = next_link_problem(resume.page_url, client.url(spec), self.domain)
            if problem is not None:
                raise ValidationError(
                    f"cannot resume this {queryset._name} stream from another list: "
                    f"{problem.replace('the next page link', 'the page')}",
                    resource=queryset._name,
                    expected=f"a page of {spec.path}",
                )
            spec = RequestSpec.from_url("GET", self.domain, resume.page_url)
            self.seen = resume.page_offset
        self.spec = spec
        # Every page asked for so far: a link back to any of them (the first included)
        # would repeat records, and a server bug could repeat them forever.
        self.asked = {_page_key(spec)}

    def begin(self) -> RequestSpec:
        spec = self.spec
        assert spec is not None
        if self.progress is not None:
            url = self.client.base_url(self.domain) + spec.target
            self.progress.at_page(url, self.seen, max(self.start, self.seen))
        return spec

    def records(self, page: StreamedPage) -> Iterator[Any]:
        first = max(self.start - self.seen, 0)
        last = None if self.stop is None else self.stop - self.seen
        return islice(page.records(), first, last)

    def finish(self, page: StreamedPage) -> None:
        spec = self.spec
        assert spec is not None
        last = None if self.stop is None else self.stop - self.seen
        self.seen += page.count
        next_url = page.next_url
        self.spec = None
        if next_url is None or (last is not None and page.count >= last):
            return
        # An empty page may still link on (the official helpers follow it), but not
        # without end.
        self.empty_in_a_row = 0 if page.count else self.empty_in_a_row + 1
        problem = next_link_problem(next_url, page.url, self.domain)
        if problem is not None:
            raise page.malformed(problem)
        following = RequestSpec.from_url("GET", self.domain, next_url)
        key = _page_key(following)
        if key in self.asked or self.empty_in_a_row > _EMPTY_PAGES_FOLLOWED:
            problem = (
                "repeats an earlier page"
                if key in self.asked
                else f"follows {self.empty_in_a_row} empty pages"
            )
            url = self.client.url(spec)
            raise MalformedResponseError(
                f"{url}: the next page link {problem}: {next_url[:120]!r}",
                url=url,
                method="GET",
                status=page.status,
            )
        self.asked.add(key)
        self.spec = following


class _Progress:
    """How far a stream has gone: the page being read and the next record to hand over."""

    __slots__ = ("next_index", "page_offset", "page_url")

    def __init__(self) -> None:
        self.page_url: str | None = None
        self.page_offset = 0
        self.next_index = 0

    def at_page(self, url: str, offset: int, next_index: int) -> None:
        self.page_url, self.page_offset, self.next_index = url, offset, next_index

    def position(self) -> StreamPosition:
        assert self.page_url is not None
        return StreamPosition(self.page_url, self.page_offset, self.next_index)

    def mark(self, exc: TwiormError, start: int) -> None:
        """Say on the error that stopped the stream where it stopped."""
        if self.page_url is not None:
            exc.stream_position = self.position()
            exc.next_page_url = self.page_url
            exc.records_read = max(self.next_index - start, 0)


def _page_key(spec: RequestSpec) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A page request as a comparable value: the path and the sorted query parameters."""
    return unquote(spec.path), tuple(sorted(_pairs(spec.params)))


class ResultPage(Generic[R]):
    """One page of a list, as the official helpers' ``page()`` returns it."""

    def __init__(
        self, queryset: QuerySet[R], client: Client, page: Page, url: str = "", status: int = 200
    ) -> None:
        self._queryset = queryset
        self._client: Client | None = client
        # Where this page was read from and how it answered, to check where its link leads.
        self._url, self._status = url, status
        context = dict(queryset._path)
        self.records: list[R] = [
            queryset.model._from_record(record, client, context) for record in page.records
        ]
        self.next_page_url = page.next_url
        self.page_number = page.page_number
        self.page_size = page.page_size

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_client": None}  # as for query sets: never the credentials

    @classmethod
    def _fetch(cls, queryset: QuerySet[R], client: Client, spec: RequestSpec) -> ResultPage[R]:
        status, payload = client.send(spec, decode=read_answer)
        page = parse_page(payload, queryset._meta.list_key, client.url(spec), status)
        return cls(queryset, client, page, client.url(spec), status)

    @classmethod
    async def _afetch(
        cls, queryset: QuerySet[R], client: Client, spec: RequestSpec
    ) -> ResultPage[R]:
        status, payload = await client.asend(spec, decode=read_answer)
        page = parse_page(payload, queryset._meta.list_key, client.url(spec), status)
        return cls(queryset, client, page, client.url(spec), status)

    def next_page(self) -> ResultPage[R] | None:
        """Fetch the next page (one request), or return ``None`` on the last one."""
        following = self._following()
        return None if following is None else ResultPage._fetch(self._queryset, *following)

    async def next_page_async(self) -> ResultPage[R] | None:
        """``next_page`` without blocking the event loop."""
        following = self._following()
        if following is None:
            return None
        return await ResultPage._afetch(self._queryset, *following)

    def _following(self) -> tuple[Client, RequestSpec] | None:
        if self.next_page_url is None or not self.records:
            return None
        domain = self._queryset.model._meta.domain
        problem = next_link_problem(self.next_page_url, self._url, domain)
        if problem is not None:
            raise MalformedResponseError(
                f"GET {self._url}: {problem}", url=self._url, method="GET", status=self._status
            )
        spec = RequestSpec.from_url("GET", domain, self.next_page_url)
        client = self._client or self._queryset._resolve_client()  # None once unpickled
        return client, spec

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        more = "more follow" if self.next_page_url else "last page"
        return f"<ResultPage {self._queryset.model.__name__} {len(self.records)} records, {more}>"
