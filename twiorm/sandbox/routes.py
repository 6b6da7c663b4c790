"""Which declared resource answers a URL, worked out from the declarations alone.

Every non-abstract ``Resource`` subclass (twiorm's own and any a user declares) becomes an
``Endpoint``: its list and instance URL templates compiled to patterns, and the name of
the collection its records live in. One port serves every Twilio domain, so a request is
routed by its path only:

* a SID placeholder matches only that SID's shape (``{sid}`` of a Call is ``CA`` + 32 hex),
  so ``/IncomingPhoneNumbers/Local.json`` is not taken for a phone number SID;
* among patterns that match, the most specific wins (more literal text, more SID-shaped
  placeholders), then the resource found first; parents are found before their
  subclasses, so ``class MyCall(Call)`` does not take over Call's URLs for everyone
  (serve it with ``run(resources=[MyCall, ...])``).

Records are grouped by **collection**, ``domain/version/list_key``: the account-level
``Recording`` and the per-call ``CallRecording`` are one collection seen through two URLs,
as on Twilio.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal
from urllib.parse import quote, unquote

from twiorm import fields
from twiorm.options import Options
from twiorm.paths import PLACEHOLDER, snake_case, template_shape
from twiorm.resource import Resource
from twiorm.rest import load_every_declaration

__all__ = [
    "VERSION_2010",
    "Endpoint",
    "Match",
    "Router",
    "declared_resources",
    "fill",
]

#: The version segment of the 2010 API, whose paths end in .json and dates are RFC 2822.
VERSION_2010 = "2010-04-01"
_SUFFIX = ".json"

Kind = Literal["list", "instance"]


def declared_resources() -> list[type[Resource]]:
    """Every concrete Resource class alive now, parents before their subclasses."""
    # twiorm's own declarations are always served (imported by name: the package is
    # installed from the resources/ folder, where mypy does not look for it)
    importlib.import_module("twiorm.resources")

    found: list[type[Resource]] = []
    seen: set[type[Resource]] = set()
    pending = list(Resource.__subclasses__())
    while pending:
        cls = pending.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if not cls._meta.abstract and cls._meta.path]


def fill(template: str, values: Mapping[str, str]) -> str:
    """Fill a URL template, percent-encoding each value; ``KeyError`` if one is missing."""
    return PLACEHOLDER.sub(lambda match: quote(values[match.group(1)], safe=""), template)


@dataclass(frozen=True)
class _Pattern:
    kind: Kind
    regex: re.Pattern[str]
    # (literal characters, SID-shaped placeholders): the larger, the more specific
    specificity: tuple[int, int]


@dataclass(eq=False)
class Endpoint:
    """One declared resource as the sandbox serves it."""

    resource: type[Resource]
    order: int
    patterns: tuple[_Pattern, ...] = field(init=False)

    def __post_init__(self) -> None:
        meta = self.meta
        patterns = [_compile("list", meta, meta.list_path)]
        if meta.instance_path:
            patterns.append(_compile("instance", meta, meta.instance_path))
        self.patterns = tuple(patterns)

    @property
    def meta(self) -> Options:
        return self.resource._meta

    @property
    def name(self) -> str:
        return self.resource.__name__

    @cached_property
    def version(self) -> str:
        """The first path segment: ``2010-04-01``, ``v1``, ``v2`` …"""
        return self.meta.path.lstrip("/").split("/", 1)[0]

    @property
    def legacy(self) -> bool:
        """True for the 2010 API (``uri`` and RFC 2822 dates, the paging envelope)."""
        return self.version == VERSION_2010

    @cached_property
    def collection(self) -> str:
        """Where the records live: ``api/2010-04-01/calls``."""
        return f"{self.meta.domain}/{self.version}/{self.meta.list_key}"

    @cached_property
    def identity_key(self) -> str | None:
        """The JSON key of the identity (``sid``; ``call_sid`` for a participant)."""
        identity = self.meta.identity
        return self.meta.fields[identity].key if identity is not None else None

    @cached_property
    def is_account(self) -> bool:
        """True for a resource whose records are accounts (its identity is an AC SID)."""
        identity = self.meta.identity
        field_ = self.meta.fields.get(identity) if identity else None
        # At the top of its API: an organization's accounts are listed below it, not accounts.
        top = not self.meta.path_params
        return top and isinstance(field_, fields.Sid) and "AC" in field_.prefixes

    def __repr__(self) -> str:
        return f"<Endpoint {self.name} {self.collection}>"


@dataclass(frozen=True)
class Match:
    """A request path resolved: the endpoint, list or instance, and the path values."""

    endpoint: Endpoint
    kind: Kind
    values: dict[str, str]
    path: str

    @property
    def identity(self) -> str | None:
        """The identity value of an instance URL."""
        identity = self.endpoint.meta.identity
        return self.values.get(identity) if identity and self.kind == "instance" else None

    @property
    def parents(self) -> dict[str, str]:
        """The path values other than the identity (the account, the conference …)."""
        identity = self.endpoint.meta.identity if self.kind == "instance" else None
        return {name: value for name, value in self.values.items() if name != identity}


class Router:
    """Resolve paths to endpoints; discover resources declared after it was made."""

    def __init__(self, resources: Iterable[type[Resource]] | None = None) -> None:
        # With an explicit list the set is fixed; otherwise every declaration is served.
        self._discover = resources is None
        self._loaded_everything = False
        self._endpoints: dict[type[Resource], Endpoint] = {}
        self._children: dict[Endpoint, dict[str, str]] = {}
        self._add(declared_resources() if resources is None else resources)

    def _add(self, resources: Iterable[type[Resource]]) -> bool:
        added = False
        for resource in resources:
            if resource not in self._endpoints:
                if resource._meta.abstract:
                    raise ValueError(f"{resource.__name__} is abstract: it has no URL to serve")
                self._endpoints[resource] = Endpoint(resource, len(self._endpoints))
                added = True
        if added:
            self._children.clear()
        return added

    def refresh(self) -> bool:
        """Pick up resources declared since; return whether any was new.

        The first time, every generated declaration is loaded too: a sandbox serving
        "everything" serves every documented Twilio resource, loaded when first asked for.
        """
        if not self._discover:
            return False
        if not self._loaded_everything:
            self._loaded_everything = True
            load_every_declaration()
        return self._add(declared_resources())

    @property
    def endpoints(self) -> list[Endpoint]:
        return list(self._endpoints.values())

    def endpoint_for(self, resource: type[Resource]) -> Endpoint:
        """The endpoint serving ``resource`` (registering it if it was declared since)."""
        endpoint = self._endpoints.get(resource)
        if endpoint is None and self._discover:
            self._add([resource])
            endpoint = self._endpoints[resource]
        if endpoint is None:
            raise LookupError(f"this sandbox does not serve {resource.__name__}")
        return endpoint

    def members(self, collection: str) -> list[Endpoint]:
        """Every endpoint whose records live in ``collection``."""
        return [e for e in self._endpoints.values() if e.collection == collection]

    # -- resolving -----------------------------------------------------------------------

    def resolve(self, path: str, *, discover: bool = True) -> Match | None:
        """Return the best match for a raw (percent-encoded) request path, or ``None``.

        On a miss, look for resources declared since (unless ``discover`` is false).
        """
        found = self._best(path)
        if found is None and discover and self.refresh():
            found = self._best(path)
        return found

    def _best(self, path: str) -> Match | None:
        best: tuple[tuple[int, int], int] | None = None
        chosen: Match | None = None
        for endpoint in self._endpoints.values():
            for pattern in endpoint.patterns:
                matched = pattern.regex.match(path)
                if matched is None:
                    continue
                rank = (pattern.specificity, -endpoint.order)
                if best is None or rank > best:
                    best = rank
                    values = {name: unquote(value) for name, value in matched.groupdict().items()}
                    chosen = Match(endpoint, pattern.kind, values, path)
        return chosen

    def parent_path(self, match: Match) -> str | None:
        """The URL of the instance a list hangs under (a call for its recordings), if any."""
        list_path = match.endpoint.meta.list_path
        placeholders = list(PLACEHOLDER.finditer(list_path))
        if not placeholders:
            return None
        last = placeholders[-1]
        suffix = _SUFFIX if list_path.endswith(_SUFFIX) else ""
        try:
            return fill(list_path[: last.end()] + suffix, match.values)
        except KeyError:
            return None

    def children(self, endpoint: Endpoint) -> dict[str, str]:
        """Sub-lists under an instance: ``{"recordings": "Recordings"}`` for a Call."""
        cached = self._children.get(endpoint)
        if cached is not None:
            return cached
        found: dict[str, str] = {}
        instance = endpoint.meta.instance_path
        if instance:
            suffix = _SUFFIX if instance.endswith(_SUFFIX) else ""
            base = template_shape(instance.removesuffix(suffix)) + "/"
            for other in self._endpoints.values():
                list_path = other.meta.list_path
                if suffix and not list_path.endswith(suffix):
                    continue
                shape = template_shape(list_path.removesuffix(suffix))
                rest = shape[len(base) :] if shape.startswith(base) else ""
                if rest and "/" not in rest and "{" not in rest:
                    found.setdefault(snake_case(rest), rest)
        self._children[endpoint] = found
        return found


def _compile(kind: Kind, meta: Options, template: str) -> _Pattern:
    parts: list[str] = []
    literal = constrained = 0
    position = 0
    for placeholder in PLACEHOLDER.finditer(template):
        text = template[position : placeholder.start()]
        parts.append(re.escape(text))
        literal += len(text)
        name = placeholder.group(1)
        declared = meta.fields.get(name)
        free_text = name == meta.identity and meta.free_text_identity
        if isinstance(declared, fields.Sid) and not free_text:
            prefixes = "|".join(declared.prefixes)
            aliases = {a for names in meta.identity_aliases.values() for a in names}
            others = "".join(f"|{re.escape(a)}" for a in sorted(aliases))
            others = others if name == meta.identity else ""
            parts.append(f"(?P<{name}>(?:{prefixes})[0-9a-fA-F]{{32}}{others})")
            constrained += 1
        else:
            parts.append(f"(?P<{name}>[^/]+)")
        position = placeholder.end()
    tail = template[position:]
    parts.append(re.escape(tail))
    literal += len(tail)
    return _Pattern(kind, re.compile("^" + "".join(parts) + "$"), (literal, constrained))
