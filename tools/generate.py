"""Generate twiorm's declarations of every Twilio REST operation from Twilio's OpenAPI documents.

    python tools/generate.py            # write resources/<domain>/<version>.py, the index
                                        # and the typed surface (tools/typestubs.py)
    python tools/generate.py --check    # exit 1 if the committed files differ (CI)

Reads the 55 documents in ``../shared/twilio-oai`` (or ``$TWIORM_SPEC_DIR``) and writes one
module per domain and version (``resources/conversations/v1.py`` installs as
``twiorm.resources.conversations.v1``) plus ``resources/_index.py``, which the helper
style's navigation uses to load a domain's modules when first reached. Operations are
grouped into resources by their operationId (``CreateCall``, ``FetchCall`` … are ``Call``);
fields come from the response schemas, parameters from each operation, names from the
documents (snake_case, a trailing ``_`` for Python keywords, as the official helper
library names them). What the documents do not say is in ``tools/overrides.py``. The output
is formatted with ruff and is the same on every run.
"""

from __future__ import annotations

import argparse
import ast
import json
import keyword
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import overrides

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources"
VERBS = ("List", "Create", "Fetch", "Update", "Delete", "Patch")
STANDARD = {
    "List": "list",
    "Create": "create",
    "Fetch": "fetch",
    "Update": "update",
    "Delete": "delete",
}
DEFAULT_METHODS = {
    "list": "GET",
    "create": "POST",
    "fetch": "GET",
    "update": "POST",
    "delete": "DELETE",
}
PAGING = {"PageSize", "Page", "PageToken"}
LOOKUPS = {">": "gte", "<": "lte"}
SID = re.compile(r"^\^?\(?((?:[A-Z]{2}\|?)+)\)?\[0-9a-f(?:A-F)?\]\{32\}\$?$")
#: Names a field may not take: Resource's own attributes (a field gets a trailing "_").
RESERVED = {
    "objects", "save", "update", "delete", "fetch", "refresh", "perform", "download", "schema",
    "to_dict", "subresource", "pk", "raw", "extra", "DoesNotExist", "MultipleObjectsReturned",
    "REQUIRED", "Resource", "Meta",  # the module's own names, in a class body
}  # fmt: skip
FORMATS = {
    "date-time-rfc-2822": "RFC2822DateTime()",
    "date-time": "ISODateTime()",
    "date": "Date()",
    "uri": "Uri()",
    "url": "Uri()",
    "uri-map": "UriMap()",
    "http-method": "HttpMethod()",
    "phone-number": "PhoneNumber()",
    "twiml": "Twiml()",
    "phone-number-capabilities": "Object()",
}


def spec_dir() -> Path:
    configured = os.environ.get("TWIORM_SPEC_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "twilio-oai"


def snake(name: str) -> str:
    """A wire or path name as the official helper library spells it in Python."""
    text = re.sub(r"[.\-]", "_", name)
    # A digit inside an acronym stays in it (A2PProfile → a2p_profile; S3Url → s3_url).
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[0-9])(?=[A-Z][a-z])", "_", text)
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    text = re.sub(r"[^A-Za-z0-9_]", "_", text).lower().strip("_")
    text = re.sub(r"_+", "_", text)
    if not text or text[0].isdigit():
        text = "field_" + text
    return text


def python_name(name: str) -> str:
    text = snake(name)
    return text + "_" if keyword.iskeyword(text) or text in RESERVED else text


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)


def version_module(segment: str) -> str:
    """``2010-04-01`` → ``v2010``; ``v1`` → ``v1``; ``HostedNumbers`` → ``hosted_numbers``."""
    if segment[:1].isdigit():
        return "v" + segment.split("-")[0]
    return snake(segment)


# -- reading a document ------------------------------------------------------------------


class Document:
    def __init__(self, path: Path) -> None:
        self.file_name = path.name
        self.data = json.loads(path.read_text(encoding="utf-8"))
        servers = {
            s["url"] for item in self.data["paths"].values() for s in item.get("servers", [])
        }
        servers |= {s["url"] for s in self.data.get("servers", [])}
        host = sorted(servers)[0].removeprefix("https://").split(".")[0]
        self.domain = host  # flex-api, api, conversations …
        self.package = host.replace("-", "_")
        #: The names the official library gives sub-resources (x-twilio dependentProperties:
        #: a call's "recordings", a user's "user_channels"), by their list URL's shape.
        self.dependent_names: dict[str, str] = {}
        for item in self.data["paths"].values():
            dependents = (item.get("x-twilio") or {}).get("dependentProperties") or {}
            for name, dependent in sorted(dependents.items()):
                self.dependent_names.setdefault(shape(dependent["resource_url"]), name)

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.data
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def schema_name(self, node: Any) -> str | None:
        if isinstance(node, dict) and "$ref" in node:
            return str(node["$ref"]).rsplit("/", 1)[-1]
        return None


@dataclass
class Op:
    verb: str  # list, create, fetch, update, delete, patch
    method: str
    path: str  # as in the document: /v1/Services/{ServiceSid}
    spec: dict[str, Any]
    item: dict[str, Any]  # the path item


@dataclass
class Group:
    module: str  # api.v2010
    name: str  # Call
    ops: list[Op] = field(default_factory=list)


def groups(doc: Document) -> Iterator[Group]:
    found: dict[tuple[str, str], Group] = {}
    for path, item in doc.data["paths"].items():
        for method, spec in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            match = re.match(rf"({'|'.join(VERBS)})(\w+)", spec["operationId"])
            assert match, spec["operationId"]
            module = f"{doc.package}.{version_module(path.split('/')[1])}"
            key = (module, match.group(2))
            group = found.setdefault(key, Group(module, match.group(2)))
            verb = STANDARD.get(match.group(1), match.group(1).lower())
            group.ops.append(Op(verb, method.upper(), path, spec, item))
    yield from merge_lists(list(found.values()))


def mount_name(item: dict[str, Any]) -> str | None:
    return item.get("x-twilio", {}).get("mountName")


def merge_lists(found: list[Group]) -> list[Group]:
    """Give a list-only group to the group that owns the same collection.

    Newer documents name a list in the plural (``ListAssistants``, ``ListAlarms``) and its
    instance in the singular (``FetchAssistant``); grouped by name they would be two
    resources at one URL, and the helper style's ``assistants`` could reach only one of them
    (``client.assistants.v1.assistants.list()`` would not be allowed). One resource has all.
    """
    kept = []
    for group in found:
        named = "className" in group.ops[0].item.get("x-twilio", {})
        if named or {op.verb for op in group.ops} != {"list"}:
            kept.append(group)  # (a list the documents name as a class of its own stays one)
            continue
        path = group.ops[0].path
        owners = [
            other
            for other in found
            if other.module == group.module
            and other is not group
            and "list" not in {op.verb for op in other.ops}
            and any(re.fullmatch(re.escape(path) + r"(/\{\w+\})?", op.path) for op in other.ops)
            and any(op.verb in ("create", "fetch") for op in other.ops)
            # where the documents mount the two apart (iam's get_api_keys and api_key), the
            # official helpers have two resources, and so does twiorm
            and len({mount_name(op.item) for op in [*group.ops, *other.ops]} - {None}) < 2
        ]
        if len(owners) == 1:
            owners[0].ops[:0] = group.ops
        else:
            kept.append(group)
    return kept


# -- turning a group into a declaration ----------------------------------------------------


def to_template(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "{" + snake(m.group(1)) + "}", path)


@dataclass
class FieldDecl:
    name: str
    key: str
    kind: str  # the field constructor, e.g. Sid("CA")
    flags: dict[str, Any] = field(default_factory=dict)
    lookups: set[str] = field(default_factory=set)
    write_only: bool = False
    param: str | None = None
    enum_writes: set[str] = field(default_factory=set)
    filter_format: str | None = None
    requests: dict[str, str] = field(default_factory=dict)  # per operation, when not the record's
    query: bool = False

    def render(self) -> str:
        options: list[str] = []
        for flag in ("create", "update", "fetch", "delete"):
            value = self.flags.get(flag)
            if value:
                options.append(f"{flag}={'REQUIRED' if value == 'required' else 'True'}")
        actions = {
            k: v
            for k, v in self.flags.items()
            if k not in ("create", "update", "fetch", "delete", "header")
        }
        if actions:
            shown = ", ".join(
                f"{k!r}: {'REQUIRED' if v == 'required' else 'True'}"
                for k, v in sorted(actions.items())
            )
            options.append(f"actions={{{shown}}}")
        if self.lookups:
            ordered = [lk for lk in ("exact", "gte", "lte") if lk in self.lookups]
            options.append("filter=True" if ordered == ["exact"] else f"filter={tuple(ordered)!r}")
        if self.filter_format:
            options.append(f"filter_format={self.filter_format!r}")
        if self.flags.get("header"):
            options.append("header=True")
        if self.query:
            options.append("query=True")
        if self.write_only:
            options.append("write_only=True")
        if self.key != self.name.rstrip("_"):
            options.append(f"key={self.key!r}")
        if self.param is not None:
            options.append(f"param={self.param!r}")
        if self.requests:
            shown = ", ".join(
                f"{op!r}: fields.{kind}" for op, kind in sorted(self.requests.items())
            )
            options.append(f"request={{{shown}}}")
        kind = self.kind
        if self.enum_writes and kind.startswith("Enum("):
            options.insert(0, f"write_choices={tuple(sorted(self.enum_writes))!r}")
        if options:
            inner = kind[kind.index("(") + 1 : -1]
            joined = ", ".join([inner, *options] if inner else options)
            kind = f"{kind[: kind.index('(')]}({joined})"
        return f"    {self.name} = fields.{kind}"


def field_kind(doc: Document, schema: Any) -> str:
    schema = doc.resolve(schema) or {}
    kind_type = schema.get("type")
    if kind_type == "array":
        return f"List(fields.{field_kind(doc, schema.get('items', {}))})"
    if "enum" in schema and schema.get("format") != "http-method":
        return f"Enum({tuple(str(v) for v in schema['enum'])!r})"
    pattern = SID.match(schema.get("pattern", "") or "")
    if pattern:
        prefixes = [p for p in pattern.group(1).split("|") if p]
        return f"Sid({', '.join(repr(p) for p in prefixes)})"
    fmt = schema.get("format")
    if fmt in FORMATS:
        return FORMATS[fmt]
    return {
        "integer": "Int()",
        "number": "Float()",
        "boolean": "Bool()",
        "object": "Object()",
        "string": "Str()",
    }.get(kind_type or "", "Json()")


def enum_values(doc: Document, schema: Any) -> set[str]:
    schema = doc.resolve(schema) or {}
    if schema.get("type") == "array":
        return enum_values(doc, schema.get("items", {}))
    return {str(v) for v in schema.get("enum", [])}


def response_schema(doc: Document, op: Op) -> tuple[dict[str, Any] | None, str | None]:
    """The record schema an operation answers with (a list's item), and its name."""
    for status in ("200", "201", "202", "307", "302"):
        content = op.spec.get("responses", {}).get(status, {}).get("content", {})
        media = json_media(content)
        if media is None:
            continue
        raw = media.get("schema", {})
        schema = doc.resolve(raw)
        if op.verb == "list":
            key = list_key(doc, op)
            if key is None:
                return None, None
            items = doc.resolve(schema["properties"][key]).get("items", {})
            return doc.resolve(items), doc.schema_name(items)
        return schema, doc.schema_name(raw)
    return None, None


def json_media(content: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON body of a response (SCIM's ``application/scim+json`` included)."""
    return next((v for k, v in content.items() if k.endswith("json")), None)


def list_key(doc: Document, op: Op) -> str | None:
    content = op.spec.get("responses", {}).get("200", {}).get("content", {})
    schema = doc.resolve((json_media(content) or {}).get("schema", {}))
    for name, prop in schema.get("properties", {}).items():
        prop = doc.resolve(prop)
        records = doc.resolve(prop.get("items", {})).get("type", "object") == "object"
        if name != "meta" and prop.get("type") == "array" and records:
            return str(name)
    return None


@dataclass
class Declaration:
    module: str
    name: str
    doc: Document
    meta: dict[str, Any]
    fields: dict[str, FieldDecl]
    ops: list[Op]
    schema_name: str | None
    answers: dict[str, str]

    def render(self) -> str:
        verbs = ", ".join(op.verb for op in self.ops)
        tag = next((t for op in self.ops for t in op.spec.get("tags", [])), self.name)
        mixin = overrides.MIXINS.get((self.module, self.name))
        bases = f"{mixin[1]}, Resource" if mixin else "Resource"
        lines = [f"class {self.name}({bases}):"]
        lines.append(f'    """{verbs.capitalize()} (Twilio API reference: {tag})."""\n')
        lines.append("    class Meta:")
        for key, value in self.meta.items():
            lines.append(f"        {key} = {value}")
        for op_name, target in self.answers.items():
            lines.append(f"        # {op_name} answers with a {target}")
        lines.append("")
        # A field named "fields" comes last: in a class body it hides the module it is made
        # with from the lines after it.
        ordered = sorted(self.fields.values(), key=lambda decl: decl.name == "fields")
        lines.extend(decl.render() for decl in ordered)
        lines.extend(typed_members(self.name, {op.verb for op in self.ops}))
        return "\n".join(lines)


def declare(doc: Document, group: Group) -> Declaration:
    ops = sorted(
        group.ops,
        key=lambda op: list(DEFAULT_METHODS).index(op.verb) if op.verb in DEFAULT_METHODS else 9,
    )
    on_list = [op for op in ops if op.verb in ("list", "create")]
    on_instance = [op for op in ops if op.verb not in ("list", "create")]
    list_path = to_template(on_list[0].path) if on_list else None
    instance_path = to_template(on_instance[0].path) if on_instance else None
    identity: str | None = None
    meta: dict[str, Any] = {}
    if instance_path is not None:
        last = re.search(r"\{(\w+)\}(\.json)?$", instance_path)
        if last and instance_path != list_path:
            identity = last.group(1)
        path = instance_path
    else:
        assert list_path is not None
        path = list_path
    meta["path"] = repr(path)
    if identity is not None and list_path is not None:
        suffix = ".json" if path.endswith(".json") else ""
        derived = path[: -len("/{" + identity + "}" + suffix)] + suffix
        if derived != list_path:
            meta["list_path"] = repr(list_path)
    elif (
        identity is None
        and list_path is not None
        and instance_path is not None
        and list_path != instance_path
    ):
        meta["list_path"] = repr(list_path)
    meta["domain"] = repr(doc.domain)
    standard = [op.verb for op in ops if op.verb in DEFAULT_METHODS]
    meta["verbs"] = repr(tuple(standard))
    if identity != "sid":
        meta["identity"] = repr(identity)
    # An operation whose URL is neither the list's nor the instance's (a report listed at
    # /Inbound/{ReportId} but created at /Inbound) gets a URL of its own.
    default_list = meta_list_path(meta, path)
    own_paths = {
        op.verb: to_template(op.path)
        for op in ops
        if to_template(op.path) != (default_list if op.verb in ("list", "create") else path)
    }
    if own_paths:
        meta["paths"] = repr(own_paths)
    methods = {
        op.verb: op.method
        for op in ops
        if op.verb in DEFAULT_METHODS and DEFAULT_METHODS[op.verb] != op.method
    }
    if methods:
        meta["methods"] = repr(methods)
    actions = {op.verb: op.method for op in ops if op.verb not in DEFAULT_METHODS}
    if actions:
        meta["actions"] = repr(actions)
    bodies = {
        op.verb: ("json" if body_kind(op) == "json" else "form") for op in ops if body_kind(op)
    }
    if bodies and set(bodies.values()) == {"json"}:
        meta["body"] = repr("json")
    elif "json" in bodies.values():
        meta["body"] = repr({k: v for k, v in bodies.items() if v == "json"})
    # -- fields from the record the operations answer with
    schema, schema_name = None, None
    for preferred in ("fetch", "create", "update", "list", "patch"):
        for op in ops:
            if op.verb == preferred and schema is None:
                schema, schema_name = response_schema(doc, op)
    decls: dict[str, FieldDecl] = {}
    for key, prop in (schema or {}).get("properties", {}).items():
        name = python_name(key)
        decls[name] = FieldDecl(name, key, field_kind(doc, prop))
    by_key = {d.key: d for d in decls.values()}
    # -- answers that are no record, or a redirect
    answers: dict[str, str] = {}
    answer_meta: dict[str, str] = {}
    for op in ops:
        codes = set(op.spec.get("responses", {}))
        if codes & {"307", "302"}:
            answer_meta[op.verb] = "redirect"
        elif op.verb != "delete" and codes & {"200", "201", "202"} == set() and "204" in codes:
            answer_meta[op.verb] = "none"
    if answer_meta:
        meta["answers"] = repr(answer_meta)
    # -- list envelope and page size
    list_op = next((op for op in ops if op.verb == "list"), None)
    if list_op is not None:
        key = list_key(doc, list_op)
        if key:
            meta["list_key"] = repr(key)
        sizes = [
            p
            for p in map(doc.resolve, list_op.spec.get("parameters", []))
            if p.get("name") == "PageSize"
        ]
        if not sizes:
            meta["max_page_size"] = "None"  # the list takes no PageSize
        for param in sizes:
            maximum = doc.resolve(param.get("schema", {})).get("maximum")
            if isinstance(maximum, int) and maximum != 1000:
                meta["max_page_size"] = repr(maximum)
    listed_at = meta_list_path(meta, path)
    dependent = doc.dependent_names.get(shape(listed_at))
    # A URL two resources share (SigningKeys.json: listed, and created as NewSigningKey)
    # gives the name to the one it names.
    if dependent is not None and dependent not in {snake(group.name) + e for e in ("", "s", "es")}:
        dependent = None
    mount = overrides.MOUNTS.get((group.module, group.name)) or group_mount(ops) or dependent
    last = [s for s in listed_at.split("/") if s and not s.startswith("{")][-1]
    if mount and mount != snake(last.removesuffix(".json")):  # only where it says more
        meta["mount"] = repr(mount)
    # Where the official library reaches it from (x-twilio parent): the version's top, or
    # the URL of an instance, a list or a group (/SIP.json) below the version.
    primary = next((op for op in ops if op.verb in ("list", "create")), ops[0])
    parent = to_template((primary.item.get("x-twilio") or {}).get("parent") or "")
    version = "/" + primary.path.split("/")[1]
    below = shape(to_template(primary.path)).startswith(
        shape(version + parent).removesuffix(".json")
    )
    if parent and parent.removesuffix(".json").endswith("}") and not below:
        # The documents name a parent the URL is not below (workers' statistics name a
        # worker, at Workers/CumulativeStatistics): reached from where the URL is, as the
        # official helpers reach it (the list of workers).
        parent = to_template(primary.path).removeprefix(version).rsplit("/", 1)[0]
    meta["parent"] = repr(parent)
    # -- path parameters: a field each, free text where the document has no pattern
    free: list[str] = []
    for op in ops:
        for param in map(doc.resolve, op.spec.get("parameters", [])):
            if param.get("in") != "path":
                continue
            name = snake(param["name"])
            schema_ = doc.resolve(param.get("schema", {}))
            # Without a pattern the URL takes any text (a SID or a unique name): not refused.
            if not SID.match(schema_.get("pattern", "") or "") and name not in free:
                free.append(name)
            if name not in decls and name not in {d.key for d in decls.values()}:
                decls[name] = FieldDecl(name, name, field_kind(doc, schema_), write_only=True)
            elif name in decls and SID.match(schema_.get("pattern", "") or ""):
                # The URL's pattern: the record's property may have none, or other prefixes.
                decls[name].kind = merge_sid(decls[name].kind, field_kind(doc, schema_))
    placeholders = set(re.findall(r"\{(\w+)\}", path + meta.get("list_path", "")))
    free = [n for n in free if n in placeholders]
    if free:
        meta["free_text"] = repr(tuple(free))
    # -- request parameters
    one_of: dict[str, tuple[tuple[str, ...], ...]] = {}
    for op in ops:
        if op.verb == "list":
            for param in map(doc.resolve, op.spec.get("parameters", [])):
                if param.get("in") == "header":  # a list's header (Flex-Metadata)
                    decl = attach(
                        decls, by_key, doc, param["name"], param.get("schema", {}), "list"
                    )
                    decl.flags["list"] = "required" if param.get("required") else True
                    decl.flags["header"] = True
                    continue
                if param.get("in") != "query" or param["name"] in PAGING:
                    continue
                wire = param["name"]
                lookup = LOOKUPS.get(wire[-1], "exact")
                base = wire[:-1] if lookup != "exact" else wire
                decl = attach(decls, by_key, doc, base, param.get("schema", {}), "filter")
                decl.lookups.add(lookup)
                fmt = doc.resolve(param.get("schema", {})).get("format")
                if fmt == "date" and decl.kind.startswith(("RFC2822DateTime", "ISODateTime")):
                    decl.filter_format = "date"
            continue
        flag = op.verb
        for param in map(doc.resolve, op.spec.get("parameters", [])):
            where = param.get("in")
            if where == "path" or where not in ("query", "header"):
                continue
            decl = attach(decls, by_key, doc, param["name"], param.get("schema", {}), flag)
            decl.flags[flag] = "required" if param.get("required") else True
            if where == "header":
                decl.flags["header"] = True
            elif op.method not in ("GET", "DELETE"):
                decl.query = True  # a query parameter of a POST
        for wire, prop, required in body_params(doc, op):
            decl = attach(decls, by_key, doc, wire, prop, flag, json_body=body_kind(op) == "json")
            decl.flags[flag] = "required" if required else True
            if flag in ("create", "update"):
                decl.enum_writes |= enum_values(doc, prop)
        conditional = (op.spec.get("x-twilio") or {}).get("conditional")
        if conditional:
            groups_ = []
            for names in conditional:
                resolved = [
                    next(
                        (d.name for d in decls.values() if d.key == n or d.name == python_name(n)),
                        python_name(n),
                    )
                    for n in names
                ]
                groups_.append(tuple(resolved))
            one_of[op.verb] = tuple(groups_)
    for decl in decls.values():
        if decl.enum_writes and decl.kind.startswith("Enum("):
            choices = set(ast.literal_eval(decl.kind[5:-1]))  # our own repr of a tuple
            if decl.enum_writes == choices:
                decl.enum_writes = set()
            else:
                merged = tuple(sorted(choices | decl.enum_writes))
                decl.kind = f"Enum({merged!r})"
    if one_of:
        meta["one_of"] = repr(one_of)
    for (module, class_name, field_name), kind in overrides.FIELD_TYPES.items():
        if module == group.module and class_name == group.name and field_name in decls:
            decls[field_name].kind = kind
    if identity is not None and identity not in decls:
        decls[identity] = FieldDecl(identity, identity, "Str()", write_only=True)
    return Declaration(group.module, group.name, doc, meta, decls, ops, schema_name, answers)


def meta_list_path(meta: dict[str, Any], path: str) -> str:
    """The list URL the declaration will have (``list_path``, else ``path`` minus identity)."""
    if "list_path" in meta:
        return str(ast.literal_eval(meta["list_path"]))
    identity = ast.literal_eval(meta["identity"]) if "identity" in meta else "sid"
    if identity is None:
        return path
    suffix = ".json" if path.endswith(".json") else ""
    return path[: -len("/{" + identity + "}" + suffix)] + suffix


def merge_sid(kind: str, path_kind: str) -> str:
    """A Sid field taking the prefixes of both the record's property and the URL."""
    if not kind.startswith("Sid("):
        return path_kind
    prefixes = dict.fromkeys(re.findall(r"'([A-Z]{2})'", kind + path_kind))
    return f"Sid({', '.join(repr(p) for p in prefixes)})"


def shape(template: str) -> str:
    """A URL with every placeholder as ``{}``: documents name them variously."""
    return re.sub(r"\{[^}]+\}", "{}", template)


def group_mount(ops: list[Op]) -> str | None:
    """The name the documents give: an operation's own first (two resources may share a
    path: /v1/Keys is get_api_keys to list and new_api_key to create), then its path's."""
    for level in ("operation", "path"):
        for op in ops:
            x = (op.spec if level == "operation" else op.item).get("x-twilio") or {}
            if x.get("mountName"):
                return snake(str(x["mountName"]))  # lookupOverrides → lookup_overrides
    return None


def body_kind(op: Op) -> str | None:
    content = op.spec.get("requestBody", {}).get("content", {})
    if "application/x-www-form-urlencoded" in content:
        return "form"
    return "json" if content else None


def body_params(doc: Document, op: Op) -> Iterator[tuple[str, Any, bool]]:
    content = op.spec.get("requestBody", {}).get("content", {})
    media = content.get("application/x-www-form-urlencoded") or next(iter(content.values()), {})
    schema = doc.resolve(media.get("schema", {})) if media else {}
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        yield name, prop, name in required


def attach(
    decls: dict[str, FieldDecl],
    by_key: dict[str, FieldDecl],
    doc: Document,
    wire: str,
    schema: Any,
    flag: str,
    *,
    json_body: bool = False,
) -> FieldDecl:
    """The field a request parameter belongs to: the record's property of the same name, or
    a new request-only field."""
    key = snake(wire)
    decl = by_key.get(key) or by_key.get(wire)
    if decl is None:
        name = python_name(wire)
        decl = decls.get(name)
        if decl is None:
            decl = FieldDecl(name, key, field_kind(doc, schema), write_only=True)
            decls[name] = decl
            by_key[key] = decl
    default = decl.key if json_body else pascal(decl.key)
    operation = "list" if flag == "filter" else flag
    sends = decl.param or default
    if wire != sends and decl.param is None and not decl.flags and not decl.lookups:
        decl.param, sends = wire, wire
    reconcile(decl, field_kind(doc, schema), flag)
    if wire != sends:
        # This operation names the parameter otherwise (a filter's "status", an update's
        # "Status"): its request field carries the name.
        kind = decl.requests.get(operation) or decl.kind
        decl.requests[operation] = with_param(kind, wire)
    return decl


def with_param(kind: str, wire: str) -> str:
    """``Str()`` -> ``Str(param='status')``: a field kind that names its parameter."""
    inner = kind[kind.index("(") + 1 : -1]
    if "param=" in inner:
        inner = re.sub(r"param='[^']*'", f"param={wire!r}", inner)
        return f"{kind[: kind.index('(')]}({inner})"
    joined = f"{inner}, param={wire!r}" if inner else f"param={wire!r}"
    return f"{kind[: kind.index('(')]}({joined})"


_TEXT = ("Str(", "Sid(", "Uri(", "PhoneNumber(", "Twiml(", "HttpMethod(")
_MOMENTS = ("RFC2822DateTime(", "ISODateTime(", "Date(")


def reconcile(decl: FieldDecl, param_kind: str, operation: str) -> None:
    """Make the field take what ``operation``'s parameter of ``param_kind`` takes.

    The record's text may be read as a more precise kind (a SID, an enum: reading never
    refuses); where the two kinds differ otherwise, the operation's requests get a kind of
    their own (``request=``), so that nothing Twilio accepts is refused.
    """
    operation = "list" if operation == "filter" else operation
    kind = decl.kind
    name = lambda k: k[: k.index("(")]  # noqa: E731
    if kind == param_kind:
        return
    if name(kind) == name(param_kind) and not kind.startswith("List("):
        if kind.startswith("Sid("):
            decl.kind = merge_sid(decl.kind, param_kind)
            return
        if not (kind.startswith("Enum(") and operation == "list"):
            return  # an enum's other choices on create and update: write_choices
        # a filter whose choices are not the record's: the list's own enum
    if kind.startswith(_MOMENTS) and param_kind.startswith(_MOMENTS):
        return  # a day filter on a moment: filter_format says so
    if kind.startswith("Sid(") and param_kind.startswith(("Str(", "Uri(")):
        # The record holds a SID, but the parameter takes any text (a unique name too):
        # nothing Twilio accepts is refused.
        decl.requests[operation] = param_kind
        return
    if kind == "Str()" and param_kind.startswith((*_TEXT, "Enum(")) and not decl.requests:
        decl.kind = param_kind  # reading a Sid, an enum or a URL refuses nothing
        return
    decl.requests[operation] = param_kind


# -- writing modules -------------------------------------------------------------------------


HEADER = """# Generated by tools/generate.py from Twilio's OpenAPI document {file} ({source}).
# Do not edit: change tools/overrides.py or the generator, then run `python tools/generate.py`.
"""


def typed_members(name: str, verbs: set[str]) -> list[str]:
    """What a type checker reads of a class beyond its fields: its typed manager, and the
    keywords of ``update`` (tools/typestubs.py writes both into the ``_types`` stub)."""
    lines = ["", "    if TYPE_CHECKING:", f"        objects: ClassVar[_types.{name}Manager]"]
    if "update" in verbs:
        for prefix in ("", "async "):
            values = f"**values: Unpack[_types.{name}Update]"
            lines += [
                f"        {prefix}def {'a' if prefix else ''}update(",
                f"            self, *, client: BaseClient | None = None, {values}",
                "        ) -> Self: ...",
            ]
    return lines


def render_module(module: str, decls: list[Declaration], file: str, source: str) -> str:
    domain, version = module.split(".")
    ops = sum(len(d.ops) for d in decls)
    out = [HEADER.format(file=file, source=source)]
    out.append(f'"""{domain} {version}: {len(decls)} resources, {ops} operations."""\n')
    uses_required = any(
        "'required'" in repr(d.flags) for decl in decls for d in decl.fields.values()
    )
    out.append("from __future__ import annotations\n")
    out.append("from typing import TYPE_CHECKING, ClassVar\n")
    out.append("from twiorm import fields")
    if uses_required:
        out.append("from twiorm.fields import REQUIRED")
    out.append("from twiorm.resource import Resource")
    hand = []
    for decl in decls:
        target = overrides.HAND_DECLARED.get((module, decl.name))
        if target:
            hand_module, hand_name = target
            alias = f" as {decl.name}" if hand_name != decl.name else ""
            hand.append(f"from twiorm.resources.{hand_module} import {hand_name}{alias}")
    for (mixin_module, _), (source, mixin) in sorted(overrides.MIXINS.items()):
        if mixin_module == module:
            hand.append(f"from {source} import {mixin}")
    out.extend(sorted(hand))
    out.append("")
    package, version = module.split(".")
    out.append("if TYPE_CHECKING:")
    if any("update" in {op.verb for op in decl.ops} for decl in decls):
        out.append("    from typing_extensions import Self, Unpack\n")
        out.append("    from twiorm.base_client import BaseClient")
    out.append(f"    from twiorm.resources.{package} import {version}_types as _types")
    out.append("")
    names = []
    for decl in sorted(decls, key=lambda d: d.name):
        names.append(decl.name)
        if (module, decl.name) in overrides.HAND_DECLARED:
            continue
        out.append("")
        out.append(decl.render())
        out.append("")
    for (alias_module, alias), target in sorted(overrides.ALIASES.items()):
        if alias_module == module:
            out.append(f"{alias} = {target}")
            names.append(alias)
    out.append("")
    out.append(f"__all__ = {sorted(names)!r}")
    return "\n".join(out) + "\n"


def namespaces(doc: Document) -> Iterator[tuple[str, str, str, str]]:
    """(version segment, path, name, parent) of every path without operations: a group
    such as an account's ``sip`` or ``usage``, reached by name like a list."""
    for path, item in doc.data["paths"].items():
        if any(method in item for method in ("get", "post", "put", "patch", "delete")):
            continue
        x = item.get("x-twilio") or {}
        segment = path.split("/")[1]
        relative = to_template(path.removeprefix("/" + segment))
        last = [s for s in path.split("/") if s and not s.startswith("{")][-1]
        name = x.get("mountName") or snake(last.removesuffix(".json"))
        yield segment, relative, str(name), to_template(x.get("parent") or "")


def render_index(
    modules: dict[str, str], groups_: dict[str, list[tuple[str, str, str, str]]]
) -> str:
    by_domain: dict[str, dict[str, str]] = defaultdict(dict)
    hosts: dict[str, str] = {}
    for module, host in sorted(modules.items()):
        package, version = module.split(".")
        by_domain[package][version] = f"twiorm.resources.{module}"
        hosts[package] = host
    lines = [
        HEADER.format(file="all documents", source=source_line()),
        '"""Where each domain\'s declarations live: the helper style loads them when reached."""\n',
        "#: attribute (client.flex_api) -> (host prefix, {version: module})",
        "DOMAINS: dict[str, tuple[str, dict[str, str]]] = {",
    ]
    for package in sorted(by_domain):
        lines.append(
            f"    {package!r}: ({hosts[package]!r}, {dict(sorted(by_domain[package].items()))!r}),"
        )
    lines.append("}")
    lines.append("")
    lines.append("#: host prefix -> {name: version}: shortcuts that are not the newest version's")
    lines.append("SHORTCUTS: dict[str, dict[str, str]] = {")
    shortcuts: dict[str, dict[str, str]] = defaultdict(dict)
    for (attribute, name), version in sorted(overrides.SHORTCUT_VERSIONS.items()):
        shortcuts[hosts[attribute]][name] = version
    for host in sorted(shortcuts):
        lines.append(f"    {host!r}: {shortcuts[host]!r},")
    lines.append("}")
    lines.append("")
    lines.append(
        "#: host prefix -> (version, path below it, name, parent path below it) of each group"
    )
    lines.append("NAMESPACES: dict[str, tuple[tuple[str, str, str, str], ...]] = {")
    for host in sorted(groups_):
        entries = sorted(set(groups_[host]))
        if entries:
            lines.append(f"    {host!r}: {tuple(entries)!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def source_line() -> str:
    source = spec_dir() / "SOURCE"
    return source.read_text(encoding="utf-8").split()[1][:12] if source.exists() else "unknown"


def generate(target: Path) -> list[Path]:
    docs = [Document(p) for p in sorted(spec_dir().glob("twilio_*.json"))]
    by_module: dict[str, list[Declaration]] = defaultdict(list)
    files: dict[str, str] = {}
    hosts: dict[str, str] = {}
    groups_by_host: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for doc in docs:
        groups_by_host[doc.domain].extend(namespaces(doc))
        for group in groups(doc):
            by_module[group.module].append(declare(doc, group))
            files.setdefault(group.module, doc.file_name)
            hosts[group.module] = doc.domain
    written = []
    for module, decls in sorted(by_module.items()):
        package, version = module.split(".")
        folder = target / package
        folder.mkdir(parents=True, exist_ok=True)
        init = folder / "__init__.py"
        init.write_text(
            HEADER.format(file=files[module], source=source_line())
            + f'"""Twilio\'s {hosts[module]} domain."""\n'
        )
        path = folder / f"{version}.py"
        path.write_text(render_module(module, decls, files[module], source_line()))
        written += [init, path]
    index = target / "_index.py"
    index.write_text(render_index(hosts, groups_by_host))
    written.append(index)
    config = ["--config", str(ROOT / "resources" / "ruff.toml")]
    files = [str(p) for p in written]
    fix = ["ruff", "check", "--quiet", "--fix", "--select", "I", *config, *files]
    subprocess.run(fix, check=True, cwd=ROOT)
    subprocess.run(["ruff", "format", "--quiet", *config, *files], check=True, cwd=ROOT)
    # The typed surface comes from the declarations as imported, so from a fresh interpreter
    # (with --check, from the committed declarations, which the check above compares).
    stubs = [sys.executable, str(ROOT / "tools" / "typestubs.py"), str(target)]
    subprocess.run(stubs, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return written + sorted(target.rglob("*.pyi"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args()
    if not args.check:
        written = generate(OUT)
        print(f"wrote {len(written)} files under {OUT.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "resources"
        written = generate(fresh)
        stale = []
        for path in written:
            committed = OUT / path.relative_to(fresh)
            if not committed.exists() or committed.read_text() != path.read_text():
                stale.append(str(committed.relative_to(ROOT)))
        if stale:
            print("generated files differ from the documents; run `python tools/generate.py`:")
            print("\n".join(f"  {name}" for name in stale))
            return 1
    print(f"{len(written)} generated files match the documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
