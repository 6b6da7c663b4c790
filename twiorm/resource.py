"""``Resource``: the base class of every Twilio resource, and the small metaclass behind it.

The metaclass collects the declared fields (inherited ones are copied, so each class owns
its own), builds the strict ``_meta`` from ``class Meta``, and gives each class its own
``DoesNotExist`` and ``MultipleObjectsReturned``. Behaviour lives on ``Resource`` itself.

An instance keeps the record Twilio sent (``raw``), the values read or set so far, which
fields a user changed, and whether it exists on Twilio's side. ``save()`` creates it or
sends only what changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from twiorm import errors, registry
from twiorm.answers import Answer, read_answer, read_redirect
from twiorm.dates import format_datetime
from twiorm.defaults import get_default_client
from twiorm.errors import DeclarationError, MalformedResponseError, ValidationError
from twiorm.fields import Field
from twiorm.input_errors import unknown_names
from twiorm.lists import ListResource, descend
from twiorm.manager import ManagerDescriptor
from twiorm.operations import Operation
from twiorm.options import Options
from twiorm.paths import check_path_value, placeholders
from twiorm.redaction import redact_excerpt
from twiorm.request import RequestSpec
from twiorm.suggest import did_you_mean

if TYPE_CHECKING:
    import marshmallow as ma

    from twiorm.base_client import BaseClient as Client
    from twiorm.transport import HTTPResponse

__all__ = ["Resource", "ResourceMeta"]

R = TypeVar("R", bound="Resource")


class ResourceMeta(type):
    """Collect fields, build ``_meta``, attach the per-class exceptions."""

    @property
    def __doc__(cls) -> str | None:  # type: ignore[override]
        # help(Call) shows the declaration's structure below the class's own docstring,
        # written when asked for, not when the class is built.
        own = vars(cls).get("__doc__")
        meta = vars(cls).get("_meta")
        if not isinstance(meta, Options) or meta.abstract:
            return own if isinstance(own, str) else None
        described = meta.describe()
        return f"{own.strip()}\n\n{described}" if isinstance(own, str) else described

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> ResourceMeta:
        meta = namespace.pop("Meta", None)
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        parent = next((b for b in cls.__mro__[1:] if "_meta" in vars(b)), None)
        if parent is None:  # Resource itself
            return cls

        fields: dict[str, Field[Any]] = {}
        parent_meta: Options = vars(parent)["_meta"]
        for field_name, inherited in parent_meta.fields.items():
            if field_name not in namespace:
                fields[field_name] = inherited.clone()
                setattr(cls, field_name, fields[field_name])
        seen: dict[int, str] = {}
        for attr, value in namespace.items():
            if isinstance(value, Field):
                if attr in _RESERVED:
                    raise DeclarationError(f"{name}.{attr}: the name is taken by Resource")
                if id(value) in seen:  # one object cannot know two names
                    raise DeclarationError(
                        f"{name}.{attr} is the same field object as {name}.{seen[id(value)]}: "
                        "declare one field per attribute"
                    )
                seen[id(value)] = attr
                fields[attr] = value
        for attr, field in fields.items():
            field.contribute_to_class(cls, attr)  # type: ignore[arg-type]

        options = Options(name, meta, fields, parent_meta if parent is not Resource else None)
        cls._meta = options  # type: ignore[attr-defined]
        qualname = namespace.get("__qualname__", name)
        for error_name in ("DoesNotExist", "MultipleObjectsReturned"):
            base_error = getattr(parent, error_name)
            error_class = type(
                error_name,
                (base_error,),
                {"__module__": cls.__module__, "__qualname__": f"{qualname}.{error_name}"},
            )
            setattr(cls, error_name, error_class)
        if not options.abstract:
            registry.register(cls)  # type: ignore[arg-type]
        return cls


class Resource(metaclass=ResourceMeta):
    """Base of every Twilio resource. Subclass it and declare fields and ``class Meta``."""

    _meta: ClassVar[Options] = Options("Resource", type("Meta", (), {"abstract": True}), {}, None)
    objects: ClassVar[ManagerDescriptor] = ManagerDescriptor()
    DoesNotExist: ClassVar[type[errors.ObjectDoesNotExist]] = errors.ObjectDoesNotExist
    MultipleObjectsReturned: ClassVar[type[errors.MultipleObjectsReturned]] = (
        errors.MultipleObjectsReturned
    )

    _raw: dict[str, Any]
    _dirty: set[str] | frozenset[str]
    _client: Client | None
    _context: dict[str, str]
    _persisted: bool

    def __init__(self, **values: Any) -> None:
        """Make an unsaved instance; ``save()`` creates it with Twilio.

        Path parameters (``conference_sid=...``, ``account_sid=...`` for a subaccount) say
        where it will be created; other values must be parameters of ``create``.
        """
        meta = self._meta
        if meta.abstract:
            raise DeclarationError(f"{type(self).__name__} is abstract and cannot be created")
        self.__dict__.update(_raw={}, _dirty=set(), _client=None, _context={}, _persisted=False)
        for name, value in values.items():
            if value is None and (name in meta.fields or name in meta.path_params):
                continue  # "not given", as create() takes it
            if name in meta.path_params:
                self._context[name] = check_path_value(meta, name, value)
            elif name in meta.fields:
                setattr(self, name, value)
            else:
                hint = did_you_mean(name, [*meta.fields, *meta.path_params])
                raise ValidationError(
                    f"{type(self).__name__} has no field {name!r}{hint}",
                    resource=type(self).__name__,
                    field=name,
                    expected=", ".join(meta.fields),
                )

    @classmethod
    def from_record(
        cls: type[R], record: Mapping[str, Any], *, client: Client | None = None, **path: str
    ) -> R:
        """An instance of a record obtained elsewhere: a webhook's or a cassette's JSON, a
        BulkExports line. It is read by the same fields as the REST API's answers, lazily;
        ``client`` is the one its ``update()``/``delete()`` use, and ``path`` gives URL
        values the record does not carry (``conference_sid=`` …).
        """
        if not isinstance(record, Mapping):
            raise ValidationError(
                f"{cls.__name__}.from_record takes a mapping of Twilio's JSON keys, "
                f"got {type(record).__name__}",
                resource=cls.__name__,
                expected="a mapping",
            )
        context = {}
        for name, value in path.items():
            if name not in cls._meta.path_params:
                raise ValidationError(
                    f"{cls.__name__} has no URL value {name!r}; "
                    f"it has {', '.join(cls._meta.path_params) or 'none'}",
                    resource=cls.__name__,
                    field=name,
                )
            context[name] = check_path_value(cls._meta, name, value)
        return cls._from_record(dict(record), client, context)

    @classmethod
    def _from_record(
        cls: type[R], record: dict[str, Any], client: Client | None, context: dict[str, str]
    ) -> R:
        """Wrap a record Twilio sent, converting nothing until a field is read."""
        instance = cls.__new__(cls)
        # Filled in place, bypassing __setattr__: this runs once per record streamed.
        state = instance.__dict__
        state["_raw"] = record
        state["_dirty"] = _NO_CHANGES
        state["_client"] = client
        state["_context"] = context
        state["_persisted"] = True
        return instance

    @classmethod
    def _send_for_record(
        cls: type[R],
        client: Client,
        spec: RequestSpec,
        context: dict[str, str],
        *,
        identified: bool = False,
    ) -> R:
        """Send ``spec`` and wrap the one record Twilio answers with.

        An answer that is not a record (a list, an envelope, an error page) raises
        ``MalformedResponseError`` with its status, method, URL and a redacted excerpt;
        ``identified`` also requires the record to carry the identity.
        """
        status, payload = client.send(spec, decode=read_answer)
        return cls._record_from_answer(client, spec, status, payload, context, identified)

    @classmethod
    def _record_from_answer(
        cls: type[R],
        client: Client,
        spec: RequestSpec,
        status: int,
        payload: Any,
        context: dict[str, str],
        identified: bool = False,
    ) -> R:
        problem = None
        if not isinstance(payload, dict):
            problem = f"expected a {cls.__name__} record, got {type(payload).__name__}"
        elif identified and cls._meta.identity is not None:
            key = cls._meta.fields[cls._meta.identity].key
            if key not in payload:
                keys = ", ".join(sorted(map(str, payload)))[:200] or "none"
                problem = f"expected a {cls.__name__} record with {key!r}, got keys {keys}"
        if problem is None:
            return cls._from_record(payload, client, context)
        url = client.url(spec)
        excerpt = redact_excerpt(json.dumps(payload, default=str), _EXCERPT)
        raise MalformedResponseError(
            f"{spec.method} {url} answered {status} with {problem}: {excerpt}",
            status=status,
            url=url,
            method=spec.method,
            body=excerpt,
        )

    @classmethod
    def _answer(
        cls, client: Client, operation: Operation, spec: RequestSpec, context: dict[str, str]
    ) -> Any:
        """Send an operation's request and read its answer as the operation declares it."""
        if operation.answer == "none":
            client.send(spec)
            return None
        model, decode, redirects, identified = cls._reading(operation)
        status, payload = client.send(spec, decode=decode, redirects=redirects)
        return model._record_from_answer(client, spec, status, payload, context, identified)

    @classmethod
    async def _aanswer(
        cls, client: Client, operation: Operation, spec: RequestSpec, context: dict[str, str]
    ) -> Any:
        """``_answer`` without blocking the event loop."""
        if operation.answer == "none":
            await client.asend(spec)
            return None
        model, decode, redirects, identified = cls._reading(operation)
        status, payload = await client.asend(spec, decode=decode, redirects=redirects)
        return model._record_from_answer(client, spec, status, payload, context, identified)

    @classmethod
    def _reading(
        cls, operation: Operation
    ) -> tuple[type[Resource], Callable[[HTTPResponse, str], Answer], bool, bool]:
        """How an operation's answer is read: as which resource, and whether it redirects."""
        model: type[Resource] = operation.returns or cls
        if operation.answer == "redirect":
            return model, read_redirect, True, False
        # A record without its identity cannot be saved or deleted: refused on arrival.
        identified = operation.name in ("create", "fetch") and model is cls
        return model, read_answer, False, identified

    @classmethod
    def _create(
        cls: type[R],
        client: Client,
        context: dict[str, str],
        values: Mapping[str, Any],
        *,
        cleaned: bool = False,
    ) -> R:
        operation, spec = cls._create_request(client, context, values, cleaned)
        created: R = cls._answer(client, operation, spec, dict(context))
        return created

    @classmethod
    async def _acreate(
        cls: type[R],
        client: Client,
        context: dict[str, str],
        values: Mapping[str, Any],
        *,
        cleaned: bool = False,
    ) -> R:
        operation, spec = cls._create_request(client, context, values, cleaned)
        created: R = await cls._aanswer(client, operation, spec, dict(context))
        return created

    @classmethod
    def _create_request(
        cls, client: Client, context: dict[str, str], values: Mapping[str, Any], cleaned: bool
    ) -> tuple[Operation, RequestSpec]:
        operation = cls._meta.operation("create")
        return operation, operation.request(client, context, values, cleaned=cleaned)

    @classmethod
    def schema(cls, operation: str | None = None) -> ma.Schema:
        """The marshmallow schema of a record, or of ``operation``'s parameters.

        ``Call.schema().load(payload)`` reads a Twilio record into Python values and
        ``dump`` writes them back as Twilio's JSON; ``Call.schema("create")`` loads
        parameters by their wire names and dumps Python names to the wire. Both convert
        with the fields, as attribute reads and requests do.
        """
        if operation is None:
            return cls._meta.response_schema
        return cls._meta.parameter_schema(operation)

    # -- reading -------------------------------------------------------------------------

    @property
    def pk(self) -> str | None:
        """The identity value (``sid``, or ``call_sid`` for a participant)."""
        identity = self._meta.identity
        if identity is None:
            return None
        value = self._context.get(identity) or self._raw.get(self._meta.fields[identity].key)
        return value if isinstance(value, str) else None

    @property
    def raw(self) -> Mapping[str, Any]:
        """The record exactly as Twilio sent it (read-only)."""
        return MappingProxyType(self._raw)

    @property
    def extra(self) -> dict[str, Any]:
        """Properties Twilio sent that this class does not declare."""
        known = self._meta.by_key
        return {key: value for key, value in self._raw.items() if key not in known}

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: expose undeclared response properties,
        # so a property Twilio adds tomorrow is readable today.
        if hasattr(type(self), name):  # a class attribute whose getter failed: let it say why
            return object.__getattribute__(self, name)
        if not name.startswith("_"):
            raw = self.__dict__.get("_raw")
            if raw is not None and name in raw and name not in self._meta.by_key:
                return raw[name]
            mount = registry.children(type(self)).get(name)
            if mount is not None and raw is not None:
                return descend(mount, self._meta.domain, self._client, self._ordered_values())
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def subresource(self, name: str) -> ListResource[Any]:
        """Return the list of a sub-resource by name (``call.subresource("recordings")``)."""
        mount = registry.children(type(self)).get(name)
        if mount is None:
            known = ", ".join(sorted(registry.children(type(self)))) or "none"
            raise AttributeError(f"{type(self).__name__} has no sub-resource {name!r}: {known}")
        found: ListResource[Any] = descend(
            mount, self._meta.domain, self._client, self._ordered_values()
        )
        return found

    def _ordered_values(self) -> list[str | None]:
        """This instance's URL values in the order its URL template holds them."""
        known = self._url_values()
        return [known.get(name) for name in placeholders(self._meta.instance_path)]

    def _url_values(self) -> dict[str, str]:
        """The values of this instance's URL placeholders that it knows itself."""
        meta = self._meta
        values: dict[str, str] = {}
        for name in (*meta.path_params, meta.identity):
            if name is None:
                continue
            field = meta.fields.get(name)
            # The record's own parent (its account, its conference) wins over defaults.
            known = self._context.get(name) or (self._raw.get(field.key) if field else None)
            if isinstance(known, str):
                values[name] = known
        return values

    def to_dict(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """Return every declared property by Python name.

        ``mode="python"`` gives the typed values (``datetime``, ``Decimal`` …);
        ``mode="json"`` gives values ``json.dumps`` takes: datetimes as ISO 8601 in UTC
        (``2026-01-01T10:00:00Z``), dates as ``YYYY-MM-DD``, decimals as strings (exact).
        """
        values = {name: getattr(self, name) for name in self._meta.properties}
        if mode == "json":
            return {name: _json_safe(value) for name, value in values.items()}
        if mode != "python":
            raise ValueError(f"mode is 'python' or 'json', not {mode!r}")
        return values

    # -- writing -------------------------------------------------------------------------

    def _bound_client(self, client: Client | None) -> Client:
        if client is not None:
            return client
        return self._client if self._client is not None else get_default_client()

    def _instance_request(
        self,
        name: str,
        client: Client,
        arguments: Mapping[str, Any] | None = None,
        *,
        cleaned: bool = False,
    ) -> tuple[Operation, RequestSpec]:
        """The request of instance operation ``name`` (fetch, update, delete, an action)."""
        operation = self._instance_operation(name)
        return operation, operation.request(client, self._url_values(), arguments, cleaned=cleaned)

    def _instance_operation(self, name: str) -> Operation:
        """Operation ``name``, if the resource has it and this instance has its URL."""
        meta = self._meta
        operation = meta.operation(name)
        if meta.identity is not None and self.pk is None:
            raise ValidationError(
                f"this {type(self).__name__} has no {meta.identity} yet: save() it first",
                resource=type(self).__name__,
                field=meta.identity,
            )
        return operation

    def _run(
        self,
        name: str,
        client: Client,
        arguments: Mapping[str, Any] | None = None,
        *,
        cleaned: bool = False,
    ) -> Any:
        """Send instance operation ``name``; an answer of this resource becomes its state."""
        operation, spec = self._instance_request(name, client, arguments, cleaned=cleaned)
        answer = type(self)._answer(client, operation, spec, self._context)
        return self._take(answer, operation, client)

    async def _arun(
        self,
        name: str,
        client: Client,
        arguments: Mapping[str, Any] | None = None,
        *,
        cleaned: bool = False,
    ) -> Any:
        """``_run`` without blocking the event loop."""
        operation, spec = self._instance_request(name, client, arguments, cleaned=cleaned)
        answer = await type(self)._aanswer(client, operation, spec, self._context)
        return self._take(answer, operation, client)

    def _take(self, answer: Any, operation: Operation, client: Client) -> Any:
        if isinstance(answer, type(self)) and operation.returns is None:
            self._replace_record(answer._raw, client)
            return self
        return answer

    def download(self, *, client: Client | None = None) -> bytes:
        """Read what this record's ``redirect_to`` points at (a BulkExports day's file).

        Sent without Twilio's credentials: the file lives on another host.
        """
        target = self._raw.get("redirect_to")
        if not isinstance(target, str) or not target:
            raise ValidationError(
                f"this {type(self).__name__} has no redirect_to to download",
                resource=type(self).__name__,
                field="redirect_to",
            )
        return self._bound_client(client).download(target)

    def perform(self, action: str, *, client: Client | None = None, **arguments: Any) -> Any:
        """Run a named action the resource declares (``Meta.actions``), with its parameters.

        An answer that is this resource's record becomes the instance's state (and the
        instance is returned); another resource's record is returned as that resource;
        no answer returns ``None``.
        """
        return self._run(self._action(action), self._bound_client(client), arguments)

    async def aperform(self, action: str, *, client: Client | None = None, **arguments: Any) -> Any:
        """``perform`` without blocking the event loop."""
        return await self._arun(self._action(action), self._bound_client(client), arguments)

    def _action(self, action: str) -> str:
        if action not in self._meta.actions:
            known = ", ".join(self._meta.actions) or "none"
            raise AttributeError(
                f"{type(self).__name__} has no action {action!r}"
                f"{did_you_mean(action, self._meta.actions)}; its actions: {known}"
            )
        return action

    def _replace_record(self, record: dict[str, Any], client: Client) -> None:
        """Hold ``record`` as Twilio's latest word: forget converted and unsaved values."""
        state = self.__dict__
        for name in self._meta.fields:
            state.pop(name, None)
        state.update(_raw=record, _dirty=_NO_CHANGES, _client=client, _persisted=True)
        identity = self._meta.identity
        # Addressed by an alias (Twilio.CURRENT), the answer names the real instance. A new
        # dict, since instances of one page share their context.
        if (
            identity is not None
            and identity in self._context
            and isinstance(record.get(self._meta.fields[identity].key), str)
        ):
            state["_context"] = {k: v for k, v in self._context.items() if k != identity}

    def __setattr__(self, name: str, value: Any) -> None:
        field = self._meta.fields.get(name)
        if field is not None:
            field.assign(self, value)
        elif name.startswith("_") or hasattr(type(self), name):
            object.__setattr__(self, name, value)  # internal state, or a property of a subclass
        else:
            # A misspelt field (number.voice_ulr = ...) would otherwise be kept and never sent.
            resource = type(self).__name__
            raise AttributeError(
                f"{resource} has no field {name!r}{did_you_mean(name, self._meta.fields)}; "
                "only declared fields can be set"
            )

    def save(self, *, client: Client | None = None) -> None:
        """Create the instance, or send only the fields changed since it was loaded.

        Nothing is sent when nothing changed. Afterwards the instance holds what Twilio
        answered.
        """
        client = self._bound_client(client)
        if not self._persisted:
            # Assigned values were cleaned when assigned: they are not checked again.
            created = type(self)._create(client, self._context, self._changes(), cleaned=True)
            self._replace_record(created._raw, client)
            return
        if self._dirty:
            self._run("update", client, self._changes(), cleaned=True)

    async def asave(self, *, client: Client | None = None) -> None:
        """``save`` without blocking the event loop."""
        client = self._bound_client(client)
        if not self._persisted:
            created = await type(self)._acreate(
                client, self._context, self._changes(), cleaned=True
            )
            self._replace_record(created._raw, client)
            return
        if self._dirty:
            await self._arun("update", client, self._changes(), cleaned=True)

    def _changes(self) -> dict[str, Any]:
        return {name: self.__dict__[name] for name in self._dirty}

    def update(self: R, *, client: Client | None = None, **values: Any) -> R:
        """Set ``values`` and send them, with any unsaved changes, in one POST; return self.

        ``values`` are checked as assignments are, all of them before anything changes;
        ``None`` means "not given" and is dropped (``""`` clears a value). Nothing is sent
        when nothing changed. Afterwards the instance holds what Twilio answered.
        """
        client = self._bound_client(client)
        undo = self._stage(values)
        try:
            if self._dirty:
                self._run("update", client, self._changes(), cleaned=True)
            else:
                undo(False)
        except BaseException:
            undo(True)
            raise
        return self

    async def aupdate(self: R, *, client: Client | None = None, **values: Any) -> R:
        """``update`` without blocking the event loop."""
        client = self._bound_client(client)
        undo = self._stage(values)
        try:
            if self._dirty:
                await self._arun("update", client, self._changes(), cleaned=True)
            else:
                undo(False)
        except BaseException:
            undo(True)
            raise
        return self

    def _stage(self, values: dict[str, Any]) -> Callable[[bool], None]:
        """Assign ``values`` for an update; return what undoes it (all of it, or the dirt).

        Refused before sending, or failed on the way, the instance stays as it was, with
        the values given neither applied nor left pending.
        """
        operation = self._instance_operation("update")
        unknown = sorted(set(values) - set(operation.parameters))
        if unknown:  # even with None: a misspelt name is a mistake whatever its value
            raise unknown_names(type(self).__name__, "update", unknown, operation.parameters)
        # None is "not given", as in create() and the official helpers; "" clears a value.
        values = {name: value for name, value in values.items() if value is not None}
        state = self.__dict__
        before = {name: state[name] for name in values if name in state}
        dirty_before = self._dirty
        self._dirty = set(dirty_before)

        def undo(everything: bool) -> None:
            if everything:
                for name in values:
                    state.pop(name, None)
                state.update(before)
            self._dirty = dirty_before

        try:
            for name, value in values.items():
                setattr(self, name, value)
        except BaseException:
            undo(True)
            raise
        return undo

    def refresh(self: R, *, client: Client | None = None, **params: Any) -> R:
        """Fetch the instance again, dropping unsaved changes; return self.

        ``params`` are the resource's fetch parameters, if it has any.
        """
        self._run("fetch", self._bound_client(client), params)
        return self

    async def arefresh(self: R, *, client: Client | None = None, **params: Any) -> R:
        """``refresh`` without blocking the event loop."""
        await self._arun("fetch", self._bound_client(client), params)
        return self

    async def afetch(self: R, *, client: Client | None = None, **params: Any) -> R:
        """``fetch`` without blocking the event loop."""
        return await self.arefresh(client=client, **params)

    def fetch(self: R, *, client: Client | None = None, **params: Any) -> R:
        """``refresh()`` under the official helpers' name; returns self."""
        return self.refresh(client=client, **params)

    def delete(self, *, client: Client | None = None, **params: Any) -> bool:
        """Delete the instance on Twilio's side (one DELETE); return True, as the helpers do.

        ``params`` are the resource's delete parameters, if it has any.
        """
        self._run("delete", self._bound_client(client), params)
        self._persisted = False
        return True

    async def adelete(self, *, client: Client | None = None, **params: Any) -> bool:
        """``delete`` without blocking the event loop."""
        await self._arun("delete", self._bound_client(client), params)
        self._persisted = False
        return True

    # -- identity and display ------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Resource) or type(other) is not type(self):
            return NotImplemented
        return self.pk is not None and self.pk == other.pk

    def __hash__(self) -> int:
        if self.pk is None:
            raise TypeError(f"an unsaved {type(self).__name__} has no identity to hash")
        return hash((type(self), self.pk))

    def __repr__(self) -> str:
        # A resource addressed without an identity (a verification check) may still carry a SID.
        sid = self._raw.get("sid") if self._meta.identity is None else None
        state = self.pk or sid or ("unsaved" if not self._persisted else "no identity")
        return f"<{type(self).__name__} {state}>"

    def __getstate__(self) -> dict[str, Any]:
        # The client holds credentials and a connection pool: never pickle it; and leave
        # out secret fields (an account's auth token).
        secrets = [f for f in self._meta.fields.values() if f.secret]
        state = {k: v for k, v in self.__dict__.items() if k not in {f.name for f in secrets}}
        state["_client"] = None
        secret_keys = {f.key for f in secrets}
        state["_raw"] = {k: v for k, v in self._raw.items() if k not in secret_keys}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


_NO_CHANGES: frozenset[str] = frozenset()
#: Characters of an unexpected answer quoted in the error.
_EXCERPT = 200


def _json_safe(value: Any) -> Any:
    """Return ``value`` as JSON can hold it (see ``Resource.to_dict``)."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    return value


_RESERVED = frozenset(name for name in vars(Resource) if not name.startswith("__")) | {
    "pk",
    "raw",
    "extra",
}
