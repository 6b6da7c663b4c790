"""``_meta``: the strict, validated description of a Resource, built once per class.

``class Meta`` may set only the options in ``META_OPTIONS``; anything else raises
``DeclarationError`` when the class is defined. A subclass inherits every option of its
parent resource and may override any of them (so ``class MyCall(Call)`` keeps Call's path).
Everything derived from the declaration (URL templates, path parameters, filters, the
parameters of each operation, marshmallow schemas) is computed here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from twiorm.errors import DeclarationError, VerbNotAllowedError
from twiorm.fields import REQUIRED, Field
from twiorm.operations import HEADER_NAME, Operation, build_operations
from twiorm.paths import placeholders, snake_case
from twiorm.suggest import did_you_mean

if TYPE_CHECKING:
    import marshmallow as ma

__all__ = ["META_OPTIONS", "VERBS", "Options"]

VERBS: Final = ("list", "fetch", "create", "update", "delete")
#: Meta options and what each means.
META_OPTIONS: Final = {
    "path": "instance URL template, e.g. /2010-04-01/Accounts/{account_sid}/Calls/{sid}.json "
    "(with identity None: the URL of a singleton, or of a list without instances)",
    "list_path": "the list's URL template when it is not the path without its identity",
    "paths": "per operation, a URL template of its own, e.g. {'create': '/v2/Reports'}",
    "domain": "Twilio product host prefix: api, messaging, verify, lookups … (default api)",
    "verbs": f"the operations allowed, a subset of {VERBS}",
    "identity": "the field that identifies an instance (default sid; None: the path is the "
    "resource's only URL, as for a singleton)",
    "methods": "per operation, an HTTP method other than the usual one, e.g. {'update': 'PUT'}",
    "actions": "named operations beyond the five verbs, on the instance URL, e.g. "
    "{'patch': 'PATCH'}",
    "body": "'form' (default) or 'json', or per operation {'create': 'json'}",
    "answers": "per operation, what the answer is when not the usual: 'record', 'none' (204), "
    "'redirect' (a 307 to follow), or another Resource class",
    "list_key": "the list envelope key holding the records (default from the path)",
    "one_of": "per operation, groups of parameters of which at least one is required",
    "max_page_size": "the largest PageSize the list accepts (default 1000; None: it takes none)",
    "free_text_identity": "the identity is free text (a label, a phone number), not a SID",
    "free_text": "path parameters that take any text (a SID or a unique name), not only a SID",
    "identity_aliases": "per verb, names Twilio takes in place of the identity "
    "(e.g. Twilio.CURRENT)",
    "mount": "the name it is reached by from its parent (default from the path)",
    "parent": "the URL, below the version, that it is reached from ('' for the version's top; "
    "default: derived from the path)",
    "abstract": "a base for other resources, with no URL of its own",
}
_PATH = re.compile(r"(?:/(?:[A-Za-z0-9_.\-]|\{[a-z_][a-z0-9_]*\})+)+")
_DOMAIN = re.compile(r"[a-z][a-z0-9-]*")
_ALIAS = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SUFFIXES = (".json",)


class Options:
    """The validated Meta of one Resource class."""

    def __init__(
        self,
        resource_name: str,
        meta: type | None,
        fields: Mapping[str, Field[Any]],
        parent: Options | None,
    ) -> None:
        self.resource_name = resource_name
        declared = _read_meta(resource_name, meta)
        inherited = dict(parent.declared) if parent is not None else {}
        inherited.pop("abstract", None)  # abstractness is never inherited
        self.declared: dict[str, Any] = {**inherited, **declared}

        self.fields: dict[str, Field[Any]] = dict(fields)
        self._parameter_schemas: dict[str, ma.Schema] = {}
        self.abstract: bool = bool(self.declared.get("abstract", False))
        self.domain: str = self.declared.get("domain", "api")
        self.max_page_size: int | None = self.declared.get("max_page_size", 1000)
        self.free_text_identity: bool = bool(self.declared.get("free_text_identity", False))
        self.free_text: frozenset[str] = frozenset(self.declared.get("free_text", ()))
        if self.free_text_identity and self.declared.get("identity", "sid"):
            self.free_text |= {self.declared.get("identity", "sid")}
        self.identity_aliases: dict[str, tuple[str, ...]] = {
            verb: tuple(names)
            for verb, names in dict(self.declared.get("identity_aliases", {})).items()
        }
        self.identity: str | None = self.declared.get("identity", "sid")
        self.verbs: frozenset[str] = frozenset(self.declared.get("verbs", ()))
        self.path: str = self.declared.get("path", "")
        self.mount: str | None = self.declared.get("mount")
        self.parent: str | None = self.declared.get("parent")
        if self.parent is not None and not (
            self.parent == "" or (isinstance(self.parent, str) and _PATH.fullmatch(self.parent))
        ):
            raise self.fail(
                f"'parent' is '' or a path like '/Accounts/{{sid}}.json', got {self.parent!r}"
            )
        self.actions: dict[str, str] = dict(self.declared.get("actions") or {})
        if self.abstract:
            self.list_path = self.instance_path = ""
            self.path_params: tuple[str, ...] = ()
            self.list_key = ""
            self.one_of: dict[str, tuple[tuple[str, ...], ...]] = {}
            self.operations: dict[str, Operation] = {}
            return
        self._check_basics()
        self.list_path, self.instance_path = self._split_path()
        self.paths: dict[str, str] = dict(self.declared.get("paths") or {})
        for name, template in self.paths.items():
            if not isinstance(template, str) or not _PATH.fullmatch(template):
                raise self.fail(f"paths[{name!r}] is a path like 'path', got {template!r}")
        # Every placeholder but the identity: parents' values (account_sid, conference_sid).
        templates = [self.list_path, self.instance_path, *self.paths.values()]
        self.path_params = tuple(
            name
            for name in dict.fromkeys(p for t in templates for p in placeholders(t))
            if name != self.identity
        )
        self.list_key = self.declared.get("list_key") or _list_key_from(self.list_path)
        self.one_of = self._check_one_of()
        self.operations = build_operations(self, self.declared)

    # -- validation ----------------------------------------------------------------------

    def fail(self, message: str) -> DeclarationError:
        """The error for a mistake in this declaration, naming the class."""
        return DeclarationError(f"{self.resource_name}.Meta: {message}")

    def _check_basics(self) -> None:
        if not self.path:
            raise self.fail("'path' is required (the instance URL template)")
        # The path is joined to the host: anything but plain segments could move the
        # request (and its credentials) elsewhere ("@evil.com/…", ".evil.com/…", "../").
        if (
            not isinstance(self.path, str)
            or not _PATH.fullmatch(self.path)
            or any(segment in (".", "..") for segment in self.path.split("/"))
        ):
            raise self.fail(
                "'path' must start with '/' and hold only letters, digits, '_', '-', '.' "
                f"and {{placeholders}} between slashes, got {self.path!r}"
            )
        if not isinstance(self.domain, str) or not _DOMAIN.fullmatch(self.domain):
            raise self.fail(
                f"'domain' must be a Twilio domain name like 'api', got {self.domain!r}"
            )
        unknown = self.verbs - set(VERBS)
        if unknown:
            raise self.fail(f"unknown verbs {sorted(unknown)}; allowed: {', '.join(VERBS)}")
        if self.identity is not None and self.identity not in self.fields:
            raise self.fail(f"identity {self.identity!r} is not a declared field")
        for name in self.actions:
            if not (isinstance(name, str) and name.isidentifier()) or name in VERBS:
                raise self.fail(
                    f"actions are named by identifiers other than the verbs, not {name!r}"
                )
        for option in ("methods", "answers", "actions"):
            if not isinstance(self.declared.get(option) or {}, Mapping):
                raise self.fail(f"{option!r} is a dict of operation names")
        if self.max_page_size is not None and (
            isinstance(self.max_page_size, bool)
            or not isinstance(self.max_page_size, int)
            or self.max_page_size < 1
        ):
            raise self.fail("'max_page_size' must be a positive integer, or None")
        for option in ("free_text_identity", "abstract"):
            if not isinstance(self.declared.get(option, False), bool):
                raise self.fail(f"{option!r} is True or False")
        for option in ("mount", "list_key"):
            value = self.declared.get(option)
            if value is not None and not (isinstance(value, str) and value.isidentifier()):
                raise self.fail(f"{option!r} is a snake_case name, got {value!r}")
        for name, field in self.fields.items():
            if field.header and not HEADER_NAME.fullmatch(field.param):
                raise self.fail(f"{name} is a header: its param must be a header name")
        self._check_unique("param", [f for f in self.fields.values() if f.writable or f.lookups])
        self._check_unique("key", [f for f in self.fields.values() if not f.write_only])
        for verb, names in self.identity_aliases.items():
            if verb not in ("fetch", "update", "delete") or verb not in self.verbs:
                raise self.fail(f"identity_aliases names {verb!r}, not an instance verb it has")
            if any(not isinstance(n, str) or not _ALIAS.fullmatch(n) for n in names):
                raise self.fail(f"identity_aliases[{verb!r}] holds names like 'Twilio.CURRENT'")

    def _check_unique(self, attribute: str, fields: list[Field[Any]]) -> None:
        """Two fields may not share a wire name: one would silently shadow the other."""
        owners: dict[str, str] = {}
        for field in fields:
            name = getattr(field, attribute)
            if name in owners:
                raise self.fail(
                    f"fields {owners[name]!r} and {field.name!r} share the {attribute} {name!r}"
                )
            owners[name] = field.name

    def _split_path(self) -> tuple[str, str]:
        declared_list = self.declared.get("list_path")
        if declared_list is not None and (
            not isinstance(declared_list, str) or not _PATH.fullmatch(declared_list)
        ):
            raise self.fail(f"'list_path' is a path like 'path', got {declared_list!r}")
        if self.identity is None:
            # A singleton (Balance, Configuration) or a list without instance URLs.
            return declared_list or self.path, self.path
        suffix = next((s for s in _SUFFIXES if self.path.endswith(s)), "")
        tail = "/{" + self.identity + "}" + suffix
        if not self.path.endswith(tail):
            raise self.fail(f"'path' must end with {tail!r} (the identity), got {self.path!r}")
        return declared_list or self.path[: -len(tail)] + suffix, self.path

    def _check_one_of(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        groups: dict[str, tuple[tuple[str, ...], ...]] = {}
        for operation, declared in dict(self.declared.get("one_of", {})).items():
            if operation not in ("create", "update", "delete", *self.actions):
                raise self.fail(f"one_of names an unknown operation {operation!r}")
            if isinstance(declared, str) or any(isinstance(group, str) for group in declared):
                raise self.fail(
                    f"one_of[{operation!r}] is a tuple of groups of names, "
                    f"e.g. {{{operation!r}: (('url', 'twiml'),)}}"
                )
            for group in declared:
                for name in group:
                    field = self.fields.get(name)
                    if field is None or not field.requirement(operation):
                        raise self.fail(f"one_of[{operation!r}] names {name!r}, not a parameter")
            groups[operation] = tuple(tuple(group) for group in declared)
        return groups

    # -- derived views -------------------------------------------------------------------

    @cached_property
    def by_key(self) -> dict[str, Field[Any]]:
        """Fields by their JSON key, as responses name them."""
        return {field.key: field for field in self.properties.values()}

    @cached_property
    def properties(self) -> dict[str, Field[Any]]:
        """The fields that responses carry (every field but the write-only parameters)."""
        return {name: field for name, field in self.fields.items() if not field.write_only}

    @cached_property
    def filters(self) -> dict[str, tuple[Field[Any], str]]:
        """Filter keywords (``start_time__gte``) mapped to their field and lookup."""
        allowed: dict[str, tuple[Field[Any], str]] = {}
        for name, field in self.fields.items():
            for lookup in field.lookups:
                allowed[name if lookup == "exact" else f"{name}__{lookup}"] = (field, lookup)
        return allowed

    def operation(self, name: str) -> Operation:
        """The operation ``name``, or ``VerbNotAllowedError`` saying which the resource has."""
        found = self.operations.get(name)
        if found is None:
            allowed = ", ".join(self.operations) or "nothing"
            raise VerbNotAllowedError(
                f"{self.resource_name} does not allow {name}; it allows: {allowed}",
                resource=self.resource_name,
                verb=name,
            )
        return found

    def parameters(self, operation: str) -> dict[str, Field[Any]]:
        """The fields ``operation`` (create, update, fetch, delete, an action) takes."""
        return {name: f for name, f in self.fields.items() if f.requirement(operation)}

    def required(self, operation: str) -> tuple[str, ...]:
        """The parameters ``operation`` cannot do without."""
        return tuple(
            name for name, f in self.fields.items() if f.requirement(operation) == REQUIRED
        )

    @cached_property
    def response_schema(self) -> ma.Schema:
        """The marshmallow schema stating how a response record loads."""
        from twiorm.schema import response_schema  # marshmallow loads when first asked for

        return response_schema(self)

    def parameter_schema(self, operation: str) -> ma.Schema:
        """The marshmallow schema of one operation's parameters (``filter`` is the list's)."""
        from twiorm.schema import parameter_schema

        name = "list" if operation == "filter" else operation
        schema = self._parameter_schemas.get(name)
        if schema is None:
            schema = self._parameter_schemas[name] = parameter_schema(self.operation(name))
        return schema

    def describe_filters(self) -> str:
        """List the filter keywords for an error message."""
        return ", ".join(self.filters) or "none (this list takes no filters)"

    def describe(self) -> str:
        """What the declaration says, as ``help()`` shows it below a class's docstring:
        its operations, the parameters each takes (with their types and choices), its
        filters and the properties of its records."""
        if self.abstract:
            return ""
        lines = ["Operations:"]
        for operation in self.operations.values():
            lines.append(f"    {operation.name}: {operation.describe()}")
            for name, parameter in operation.parameters.items():
                if operation.is_list:
                    continue
                need = "required, " if parameter.required else ""
                lines.append(f"        {name} ({need}{parameter.field.expected})")
        if self.filters:
            lines.append("Filters: " + ", ".join(self.filters))
        shown = ", ".join(f"{name}: {field.expected}" for name, field in self.properties.items())
        if shown:
            lines.append(f"Properties: {shown}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Options for {self.resource_name}>"


def _read_meta(resource_name: str, meta: type | None) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, type):
        raise DeclarationError(f"{resource_name}.Meta is a class (class Meta: ...), not {meta!r}")
    declared = {name: value for name, value in vars(meta).items() if not name.startswith("_")}
    unknown = sorted(set(declared) - set(META_OPTIONS))
    if unknown:
        raise DeclarationError(
            f"{resource_name}.Meta: unknown option(s) {', '.join(unknown)}"
            f"{did_you_mean(unknown[0], META_OPTIONS)}; "
            f"allowed: {', '.join(META_OPTIONS)}"
        )
    if isinstance(declared.get("verbs"), str):  # ("list") without its comma
        verbs = declared["verbs"]
        raise DeclarationError(
            f"{resource_name}.Meta: 'verbs' is a tuple of verbs, e.g. ({verbs!r},)"
        )
    if "verbs" in declared:
        declared["verbs"] = tuple(declared["verbs"])
    return declared


def _list_key_from(list_path: str) -> str:
    """Derive the envelope key from the last static segment: IncomingPhoneNumbers -> incoming…"""
    last = list_path.rstrip("/").rsplit("/", 1)[-1]
    for suffix in _SUFFIXES:
        last = last.removesuffix(suffix)
    return snake_case(last)
