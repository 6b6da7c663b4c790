"""Every declared resource agrees with Twilio's OpenAPI documents.

Paths, verbs, identity, list key, page-size limit, filters, create/update/fetch parameters
(names, required, one-of groups, enums), response properties, and field types are read
from ``../shared/twilio-oai`` and compared with each class's ``_meta``.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

import pytest

import twiorm.resources
from twiorm import Resource, fields, registry
from twiorm.fields import LOOKUP_SUFFIXES, Field
from twiorm.rest import load_declarations

from .openapi import PAGING, Document, Param, shape, spec_file_for, to_spec_path


def _every_declared_resource() -> list[type[Resource]]:
    """The hand-declared core and every generated module, each domain loaded."""
    index = importlib.import_module("twiorm.resources._index")
    for attribute in index.DOMAINS:
        load_declarations(attribute)
    found = {getattr(twiorm.resources, name) for name in twiorm.resources.__all__}
    found |= {m for m in registry._snapshot()[1] if m.__module__.startswith("twiorm.resources")}
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


RESOURCES: list[type[Resource]] = _every_declared_resource()

# Where a declaration deliberately differs from the spec, and why.
DELIBERATE = {
    # POST OutgoingCallerIds.json starts a caller-ID validation and answers with a
    # ValidationRequest, not an OutgoingCallerId: it is not this resource's create.
    ("OutgoingCallerId", "create"),
}


# One-of groups the spec states only in its parameters' descriptions ("either this or …"),
# by wire name.
ONE_OF_IN_TEXT = {
    ("VerificationCheck", "create"): {("To", "VerificationSid")},
}


# Path parameters the spec leaves unpatterned for one verb, where the declaration still
# asks for a SID: the spec names nothing else those URLs take (resource, verb, parameter).
STRICTER_PATH_PARAMS = {
    ("Conference", "update", "Sid"),
    ("Participant", "create", "ConferenceSid"),
    ("Verification", "fetch", "Sid"),
    ("Verification", "update", "Sid"),
}


@pytest.fixture(
    params=RESOURCES,
    ids=lambda cls: f"{cls.__module__.removeprefix('twiorm.resources.')}.{cls.__name__}",
)
def resource(request: pytest.FixtureRequest) -> type[Resource]:
    cls: type[Resource] = request.param
    return cls


def document_for(resource: type[Resource]) -> Document:
    meta = resource._meta
    return Document(spec_file_for(meta.domain, meta.path))


def spec_paths(resource: type[Resource]) -> tuple[str, str]:
    meta = resource._meta
    return to_spec_path(meta.list_path), to_spec_path(meta.instance_path)


def test_every_operation_is_one_the_spec_has(resource: type[Resource]) -> None:
    """Each declared operation's method and path is an operation of the spec."""
    doc = document_for(resource)
    for operation in resource._meta.operations.values():
        path = to_spec_path(operation.path)
        assert doc.operation(path, operation.method), (
            f"{resource.__name__}.{operation.name}: {operation.method} {path} is not in "
            f"{doc.file_name}"
        )


@cache
def _declared_everywhere() -> set[tuple[str, str, str]]:
    """(host, path shape, method) of every operation any declared resource has."""
    return {
        (model._meta.domain, shape(op.path), op.method)
        for model in RESOURCES
        for op in model._meta.operations.values()
    }


def test_every_operation_on_its_paths_is_declared(resource: type[Resource]) -> None:
    """The spec's operations on the resource's URLs are all declared, by it or by the
    resource the spec groups them with (a POST to a list answering with another record)."""
    meta = resource._meta
    doc = document_for(resource)
    declared = _declared_everywhere()
    for template in {meta.list_path, meta.instance_path, *meta.paths.values()}:
        path = doc.spec_path(template)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if not doc.operation(path, method) or (meta.domain, shape(path), method) in declared:
                continue
            verb = _standard_verb(meta, template, method)
            assert (resource.__name__, verb) in DELIBERATE, (
                f"{resource.__name__}: {method} {path} is in the spec but not declared"
            )


def _standard_verb(meta: Any, template: str, method: str) -> str:
    on_list = template == meta.list_path and meta.identity is not None
    if method == "GET":
        return "list" if on_list else "fetch"
    if method == "DELETE":
        return "delete"
    return "create" if on_list else "update"


def test_list_key_and_page_size(resource: type[Resource]) -> None:
    meta = resource._meta
    if "list" not in meta.verbs:
        return  # nothing to compare: the resource has no list
    doc = document_for(resource)
    list_path, _ = spec_paths(resource)
    found = doc.list_key_and_item(list_path)
    assert found is not None
    assert meta.list_key == found[0]
    page_size = doc.query_params(list_path, "GET").get("PageSize")
    if page_size is None:
        assert meta.max_page_size is None, "the list takes no PageSize"
    else:
        assert meta.max_page_size == page_size.schema.get("maximum", 1000)


def test_filters(resource: type[Resource]) -> None:
    meta = resource._meta
    if "list" not in meta.verbs:
        return  # nothing to compare: the resource has no list
    doc = document_for(resource)
    listing = meta.operations["list"]
    spec = {n: p for n, p in doc.query_params(listing.path, "GET").items() if n not in PAGING}
    spec.update(doc.header_params(listing.path, "GET"))  # a list's headers (Flex-Metadata)
    declared = {p.wire: p.field for p in listing.parameters.values()}
    assert set(declared) == set(spec)
    for name, field in declared.items():
        check_type(field, spec[name], "filter")
        fmt = spec[name].schema.get("format")
        if fmt == "date" and not isinstance(field, fields.Date):
            assert field.filter_format == "date", f"{field!r}: the spec filters by day"
        elif fmt == "date-time":
            assert field.filter_format != "date", f"{field!r}: the spec filters by moment"


def test_parameters_of_every_operation(resource: type[Resource]) -> None:
    """Names, places, required flags, types, enums and one-of groups of each operation."""
    meta = resource._meta
    doc = document_for(resource)
    for operation in meta.operations.values():
        if operation.is_list:
            continue  # test_filters
        path = to_spec_path(operation.path)
        where = f"{resource.__name__}.{operation.name}"
        encoding = doc.body_encoding(path, operation.method)
        if encoding is not None:
            assert operation.body == encoding, f"{where}: the spec sends {encoding}"
            spec = doc.body_params(path, operation.method)
        else:
            spec = doc.query_params(path, operation.method)
        if encoding is not None:  # a POST may take query parameters too (OAuth's token)
            spec = {**spec, **doc.query_params(path, operation.method)}
        spec = {**spec, **doc.header_params(path, operation.method)}
        declared = {p.wire: p for p in operation.parameters.values()}
        assert set(declared) == set(spec), where
        for name, parameter in declared.items():
            assert parameter.required == spec[name].required, f"{where} {name}"
            assert (parameter.location == "header") == (
                name in doc.header_params(path, operation.method)
            )
            check_type(parameter.field, spec[name], operation.name)
        by_wire = {p.name: p.wire for p in operation.parameters.values()}
        groups = {tuple(sorted(meta.fields[n].key for n in g)) for g in operation.one_of}
        stated = {tuple(sorted(g)) for g in doc.conditional(path, operation.method)}
        for group in ONE_OF_IN_TEXT.get((resource.__name__, operation.name), set()):
            # Not in x-twilio.conditional, but each parameter's description names the others.
            for param in group:
                text = spec[param].schema.get("description", "")
                others = [declared[other].field.key for other in group if other != param]
                assert all(f"`{key}`" in text for key in others), param
            stated.add(tuple(sorted(declared[param].field.key for param in group)))
        assert groups == stated, where
        assert set(by_wire.values()) == set(declared)


def test_identity_is_the_instance_path_parameter(resource: type[Resource]) -> None:
    meta = resource._meta
    if meta.identity is None:
        assert meta.instance_path == meta.path  # a singleton, or a list of no instances
        return
    _, instance_path = spec_paths(resource)
    assert instance_path.endswith(
        to_spec_path("{" + meta.identity + "}")
        + (".json" if instance_path.endswith(".json") else "")
    )


def test_response_properties_and_types(resource: type[Resource]) -> None:
    """The record's properties are the fields (not write-only), with matching types: the
    record a fetch answers with, else a create's, an update's, or a list's items."""
    meta = resource._meta
    doc = document_for(resource)
    schema = None
    for name in ("fetch", "create", "update", "list", *meta.actions):
        operation = meta.operations.get(name)
        if operation is None or schema is not None:
            continue
        if operation.is_list:
            found = doc.list_key_and_item(operation.path)
            schema = found[1] if found else None
        else:
            schema = doc.response_schema(operation.path, operation.method)
    if schema is None:
        assert not meta.by_key, f"{resource.__name__}: the spec states no record"
        return
    properties = schema.get("properties", {})
    assert set(meta.by_key) == set(properties)
    for key, prop in properties.items():
        check_type(meta.by_key[key], Param(key, doc.resolve(prop), False), "response")


# -- types ---------------------------------------------------------------------------------

_BY_FORMAT: dict[str, tuple[type[Field[Any]], ...]] = {
    "date-time-rfc-2822": (fields.RFC2822DateTime,),
    "date-time": (fields.ISODateTime, fields.RFC2822DateTime),  # filters on RFC 2822 fields
    "date": (fields.Date, fields.RFC2822DateTime, fields.ISODateTime),
    "uri": (fields.Uri, fields.Str),
    "uri-map": (fields.UriMap, fields.Object),
    "http-method": (fields.HttpMethod,),
    "phone-number": (fields.PhoneNumber, fields.Str),
    "endpoint": (fields.Endpoint,),
    "twiml": (fields.Twiml,),
    "phone-number-capabilities": (fields.Object,),
}
_BY_TYPE: dict[str, tuple[type[Field[Any]], ...]] = {
    "boolean": (fields.Bool,),
    "integer": (fields.Int,),
    "number": (fields.Decimal, fields.Float),
    "array": (fields.List,),
    "object": (fields.Object, fields.Json),
    "string": (fields.Str, fields.IntString, fields.Decimal, fields.Json),
}


def check_type(field: Field[Any], param: Param, where: str) -> None:
    """Assert the field's class and constraints fit the spec's schema for it."""
    schema = param.schema
    if schema.get("type") == "array":
        assert isinstance(field, fields.List), f"{field!r}: the spec has an array"
        check_type(field.item, Param(param.name, schema.get("items", {}), False), where)
        return
    fmt = schema.get("format")
    expected = _BY_FORMAT.get(fmt) if fmt else None
    if expected is None:
        expected = _BY_TYPE.get(schema.get("type", ""), (fields.Json, fields.Object, fields.Str))
    assert isinstance(field, expected), f"{field!r} ({where}): spec says {schema}"
    if "enum" in schema and not isinstance(field, fields.HttpMethod):
        assert isinstance(field, fields.Enum), f"{field!r} ({where}): spec has an enum"
        choices = field.write_choices if where in ("create", "update") else field.choices
        assert set(choices) == set(schema["enum"]), f"{field!r} ({where}) enum"
    pattern = schema.get("pattern", "")
    stated = re.match(r"\^?\(?((?:[A-Z]{2}\|?)+)\)?\[0-9a-f(?:A-F)?\]\{32\}\$?$", pattern)
    if stated:  # a SID with named prefixes (not "any two letters")
        assert isinstance(field, fields.Sid), f"{field!r} ({where}): spec has {pattern}"
        prefixes = set(stated.group(1).split("|")) - {""}
        shown = f"{field!r} ({where}): {field.prefixes} vs {pattern}"
        assert prefixes <= set(field.prefixes), shown


def test_lookup_suffixes_are_twilios() -> None:
    assert LOOKUP_SUFFIXES == {"exact": "", "gte": ">", "lte": "<"}


def test_path_parameters_take_what_each_operation_takes(resource: type[Resource]) -> None:
    """A SID pattern in the spec is the declared Sid's; free text where the spec has none."""
    meta = resource._meta
    doc = document_for(resource)
    for verb, declared in sorted(meta.operations.items()):
        spec_path = doc.spec_path(declared.path)
        operation = doc.operation(spec_path, declared.method) or {}
        # Our placeholders and the document's, in URL order (their spellings may differ).
        ours = dict(zip(re.findall(r"\{(\w+)\}", spec_path), declared.path_params, strict=True))
        for parameter in map(doc.resolve, operation.get("parameters", [])):
            if parameter.get("in") != "path":
                continue
            name = parameter["name"]
            if name not in ours:
                continue  # listed as a path parameter, but the URL has no such placeholder
            field = meta.fields.get(ours[name])
            pattern = doc.resolve(parameter.get("schema", {})).get("pattern")
            where = f"{resource.__name__} {verb} {{{name}}}"
            free = ours[name] in meta.free_text
            stated = re.match(r"\^?\(?((?:[A-Z]{2}\|?)+)\)?\[0-9a-f(?:A-F)?\]", pattern or "")
            if stated:  # a SID: two capitals and 32 hex digits
                assert isinstance(field, fields.Sid), where
                # (free text is allowed when another operation at this URL takes text)
                assert set(stated.group(1).split("|")) - {""} <= set(field.prefixes), (
                    f"{where}: {pattern} vs {field.prefixes}"
                )
                assert verb not in meta.identity_aliases or field.name != meta.identity, where
            elif verb in meta.identity_aliases and ours[name] == meta.identity:
                # Named in the spec's text for ConferenceRecording; the same for a call's.
                assert "Twilio.CURRENT" in meta.identity_aliases[verb]
            elif (resource.__name__, verb, name) not in STRICTER_PATH_PARAMS and not pattern:
                assert free or not isinstance(field, fields.Sid), f"{where}: the spec takes text"


def spec_examples(resource: type[Resource]) -> list[dict[str, Any]]:
    """The records in the spec's response examples of every operation the resource has."""
    meta = resource._meta
    doc = document_for(resource)
    found: list[dict[str, Any]] = []
    for verb, declared in meta.operations.items():
        kind = "list" if declared.is_list else "instance"
        if declared.returns is not None or declared.answer == "none":
            continue  # not a record of this resource
        operation = doc.operation(to_spec_path(declared.path), declared.method) or {}
        for status, response in operation.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue  # error examples are not records
            content = doc.resolve(response).get("content", {}).get("application/json", {})
            for example in content.get("examples", {}).values():
                value = example.get("value")
                if not isinstance(value, dict):
                    continue
                records = value.get(meta.list_key) if kind == "list" and verb == "list" else None
                found.extend(records if isinstance(records, list) else [value])
    return [record for record in found if isinstance(record, dict)]


def test_the_spec_examples_read_as_the_schema_loads_them(resource: type[Resource]) -> None:
    """Every property of every example record reads, typed, as marshmallow loads it."""
    records = spec_examples(resource)
    if not records:
        return  # the spec has no response examples for this resource
    schema = resource._meta.response_schema
    for record in records:
        instance = resource._from_record(dict(record), None, {})
        loaded = schema.load(record)
        for name, field in resource._meta.properties.items():
            if field.key in record:
                assert getattr(instance, name) == loaded[name], f"{resource.__name__}.{name}"
