"""The sandbox's envelopes and error bodies have the shapes Twilio's OpenAPI documents give.

Skipped without ../shared/twilio-oai, unless TWIORM_REQUIRE_SPEC=1 (as in CI).
"""

from __future__ import annotations

from typing import Any

import pytest

import twiorm.resources
from twiorm import Resource
from twiorm.resources import Call, Conference
from twiorm.sandbox import Sandbox

from ..contract.openapi import Document, spec_file_for, to_spec_path
from .conftest import Raw

LISTABLE: list[type[Resource]] = sorted(
    {
        resource
        for resource in (getattr(twiorm.resources, name) for name in twiorm.resources.__all__)
        if "list" in resource._meta.verbs
    },
    key=lambda cls: cls.__name__,
)
# What a list under a parent needs seeded first.
PARENTS: dict[str, type[Resource]] = {"conference_sid": Conference, "call_sid": Call}


def spec_list_schema(resource: type[Resource]) -> tuple[Document, dict[str, Any]]:
    meta = resource._meta
    document = Document(spec_file_for(meta.domain, meta.path))
    schema = document.response_schema(to_spec_path(meta.list_path), "GET")
    assert schema is not None, f"{resource.__name__}: the spec has no list response"
    return document, schema


def spec_error_key_sets(documents: list[Document]) -> set[frozenset[str]]:
    """The property sets of every JSON error response in ``documents``."""
    found: set[frozenset[str]] = set()
    for document in documents:
        for item in document.raw["paths"].values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                for status, response in operation.get("responses", {}).items():
                    if status[0] not in "45":
                        continue
                    content = response.get("content", {}).get("application/json", {})
                    schema = document.resolve(content.get("schema", {}))
                    if schema.get("properties"):
                        found.add(frozenset(schema["properties"]))
    return found


@pytest.mark.parametrize("resource", LISTABLE, ids=lambda cls: cls.__name__)
def test_list_envelopes_have_exactly_the_spec_keys(
    raw: Raw, twilio_sandbox: Sandbox, resource: type[Resource]
) -> None:
    document, schema = spec_list_schema(resource)
    meta = resource._meta
    values = {"account_sid": twilio_sandbox.account_sid}
    for name in meta.path_params:
        if name in PARENTS:
            (parent,) = twilio_sandbox.seed(PARENTS[name], 1)
            values[name] = str(parent.pk)
    twilio_sandbox.seed(resource, 2, **{k: v for k, v in values.items() if k != "account_sid"})
    path = meta.list_path.format(**values)
    page = raw("GET", path, params={"PageSize": 1}).json()
    assert set(page) == set(schema["properties"])
    if "meta" in page:
        meta_schema = document.resolve(schema["properties"]["meta"])
        assert set(page["meta"]) == set(meta_schema["properties"])
    assert len(page[meta.list_key]) == 1


def test_error_bodies_have_the_spec_error_schema_keys(raw: Raw) -> None:
    files = sorted({spec_file_for(r._meta.domain, r._meta.path) for r in LISTABLE})
    key_sets = spec_error_key_sets([Document(name) for name in files])
    assert key_sets == {frozenset({"code", "message", "more_info", "status"})}
    (expected,) = key_sets
    calls = raw.account_path("Calls.json")
    errors = [
        raw("GET", calls, auth=None),  # 401
        raw("GET", raw.account_path("Calls/CA" + "0" * 32 + ".json")),  # 404
        raw("POST", calls, data={"To": "+14155550100"}),  # 400
        raw("GET", calls, params={"PageSize": "5000"}),  # 400, paging
        raw("POST", raw.account_path("Conferences.json")),  # 405
    ]
    for response in errors:
        assert response.status_code >= 400
        body = response.json()
        assert set(body) == expected
        assert isinstance(body["code"], int)
        assert body["status"] == response.status_code
