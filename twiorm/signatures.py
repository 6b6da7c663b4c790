"""The keywords each method of a resource takes, from its operation table.

One source for two readers: ``tools/typestubs.py`` writes them into the stubs type checkers
read (``CallCreate``, a ``TypedDict``), and ``help(Call.objects.create)`` or
``inspect.signature`` shows them at runtime. An engine method marked ``@described("Create")``
is bound, per resource class, to a callable whose ``__signature__`` lists them; it is built
only when asked for, so calls cost one indirection and nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import MethodType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from twiorm import fields

if TYPE_CHECKING:
    import inspect

    from twiorm.fields import Field

__all__ = ["KINDS", "Keyword", "annotation", "described", "keywords", "read_annotation"]

F = TypeVar("F", bound=Callable[..., Any])

#: What each kind of method takes. Filters: a list's query and its URL's values; Get: an
#: identity, the fetch's parameters and the filters; Create: the create's parameters and the
#: URL's values (a parent's, conference_sid=); an instance's verbs: their own parameters.
KINDS = ("Filters", "ListFilters", "Get", "Create", "Update", "Fetch", "Delete")


class Keyword(NamedTuple):
    name: str
    annotation: str
    required: bool


def annotation(field: Field[Any], operation: str) -> str:
    """The type a keyword takes for ``field`` in ``operation``'s requests, as Python text."""
    if isinstance(field, fields.List):
        item = annotation(field.item, operation)
        return f"Sequence[{item}] | {item}"
    if isinstance(field, fields.HttpMethod):
        return 'Literal["GET", "POST", "get", "post"]'
    if isinstance(field, fields.Enum):
        choices = field.write_choices if operation in ("create", "update") else field.choices
        if not choices:
            return "str"
        return f"Literal[{', '.join(repr(c) for c in choices)}] | Unlisted"
    if isinstance(field, fields.Str):
        return "str"
    if isinstance(field, fields.Bool):
        return "bool"
    if isinstance(field, fields.Int):
        return "int"
    if isinstance(field, fields.Float):
        return "float"
    if isinstance(field, fields.Decimal):
        return "Decimal | int | float | str"
    if isinstance(field, (fields.RFC2822DateTime, fields.ISODateTime)):
        if operation in ("create", "update"):
            return "datetime | str"
        return "date | str" if field.filter_format == "date" else "datetime | date | str"
    if isinstance(field, fields.Date):
        return "date | str"
    if isinstance(field, fields.Object):
        return "Mapping[str, Any]"
    return "object"  # Json: any JSON value


def read_annotation(field: Field[Any]) -> str:
    """The type reading ``field`` gives (``instance.duration``), as Python text."""
    if isinstance(field, fields.List):
        return "list[Any] | None"
    if isinstance(field, (fields.Json, fields.Object)):
        return "Any"
    for kind, text in (
        (fields.Str, "str"),
        (fields.Bool, "bool"),
        (fields.Int, "int"),
        (fields.Float, "float"),
        (fields.Decimal, "Decimal"),
        (fields.RFC2822DateTime, "datetime"),
        (fields.ISODateTime, "datetime"),
        (fields.Date, "date"),
    ):
        if isinstance(field, kind):
            return f"{text} | None"
    return "Any"


def _operation(model: Any, name: str, *, path: bool) -> list[Keyword]:
    meta = model._meta
    if name not in meta.operations:
        return []
    operation = meta.operation(name)
    found = [Keyword(p, "str", False) for p in operation.path_params] if path else []
    for keyword, parameter in operation.parameters.items():
        found.append(Keyword(keyword, annotation(parameter.field, name), parameter.required))
    return found


_HELPER_NAMES = {"__gte": "_after", "__lte": "_before"}


def keywords(model: Any, kind: str) -> list[Keyword]:
    """The keywords of ``kind`` (one of ``KINDS``, or a named action) for ``model``."""
    meta = model._meta
    if kind in ("Filters", "ListFilters"):
        if "list" in meta.operations:
            found = _operation(model, "list", path=True)
        else:
            found = [Keyword(p, "str", False) for p in meta.path_params if p != meta.identity]
        if kind == "ListFilters":  # the official helpers' names for date ranges too
            found += [
                Keyword(k.name[:-5] + _HELPER_NAMES[k.name[-5:]], k.annotation, False)
                for k in found
                if k.name[-5:] in _HELPER_NAMES
            ]
        return found
    if kind == "Get":
        merged: dict[str, Keyword] = {}
        identity = [Keyword(meta.identity, "str", False)] if meta.identity else []
        fetch = _operation(model, "fetch", path=False)
        for found_keyword in [*identity, *fetch, *keywords(model, "Filters")]:
            merged.setdefault(found_keyword.name, found_keyword._replace(required=False))
        return list(merged.values())
    if kind == "Create":
        return _operation(model, "create", path=True)
    # an instance knows its URL: its verbs and actions take their own parameters
    return _operation(model, kind.lower() if kind in KINDS else kind, path=False)


# -- runtime help --------------------------------------------------------------------------


class _Text(str):
    """An annotation shown as written (``to: str``), not quoted as a string would be."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


class _Bound:
    """An engine method as one resource class has it: calls through, and shows that class's
    keywords to ``inspect.signature`` and ``help``."""

    def __init__(self, function: Callable[..., Any], model: Any, kind: str, returns: str) -> None:
        self._function = function
        self._model = model
        self._kind = kind
        self._returns = returns
        self._signature: inspect.Signature | None = None
        self.__name__ = function.__name__
        self.__qualname__ = f"{model.__name__}.{function.__qualname__}"
        self.__module__ = function.__module__
        self.__doc__ = function.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function(*args, **kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        import inspect  # only when asked: most programs never ask, and it is not small

        if self._signature is None:
            base = inspect.signature(self._function)
            kept = [p for p in base.parameters.values() if p.kind is not p.VAR_KEYWORD]
            taken = {p.name for p in kept}
            for found in keywords(self._model, self._kind):
                if found.name in taken or not found.name.isidentifier():
                    continue
                default = inspect.Parameter.empty if found.required else None
                kept.append(
                    inspect.Parameter(
                        found.name,
                        inspect.Parameter.KEYWORD_ONLY,
                        default=default,
                        annotation=_Text(found.annotation),
                    )
                )
            # required keywords first: a signature may not put a default before one
            positional = [p for p in kept if p.kind is not p.KEYWORD_ONLY]
            named = [p for p in kept if p.kind is p.KEYWORD_ONLY]
            named.sort(key=lambda p: p.default is not inspect.Parameter.empty)
            self._signature = base.replace(
                parameters=[*positional, *named],
                return_annotation=_Text(self._returns.format(model=self._model.__name__)),
            )
        return self._signature


_bound: dict[tuple[Callable[..., Any], Any], _Bound] = {}
_lock = threading.Lock()


class _Described:
    """The descriptor ``described`` puts in the class: the plain function through the class
    (``Manager.create``), a ``_Bound`` of the instance's resource through an instance."""

    def __init__(self, kind: str, returns: str, function: Callable[..., Any]) -> None:
        self.kind = kind
        self.returns = returns
        self.function = function

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self.function
        model = getattr(instance, "model", None) or instance._model
        key = (self.function, model)
        bound = _bound.get(key)
        if bound is None:
            with _lock:
                made = _Bound(self.function, model, self.kind, self.returns)
                bound = _bound.setdefault(key, made)
        return MethodType(bound, instance)


def described(kind: str, returns: str = "{model}") -> Callable[[F], F]:
    """Mark an engine method whose ``**kwargs`` are a resource's ``kind`` keywords (and
    whose answer, shown by ``help``, is ``returns`` with the resource's name for {model})."""

    def mark(function: F) -> F:
        return _Described(kind, returns, function)  # type: ignore[return-value]

    return mark
