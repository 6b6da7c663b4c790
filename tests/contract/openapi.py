"""Read Twilio's OpenAPI documents (in ../shared/twilio-oai) for the contract tests."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC_DIR = Path(
    os.environ.get("TWIORM_SPEC_DIR", Path(__file__).resolve().parents[3] / "shared" / "twilio-oai")
)
PAGING = {"PageSize", "Page", "PageToken"}
ENVELOPE_2010 = {
    "end",
    "first_page_uri",
    "next_page_uri",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
    "uri",
}


def require_spec_dir() -> Path:
    """Return the spec folder; skip when absent, unless TWIORM_REQUIRE_SPEC=1 makes it fail."""
    if SPEC_DIR.is_dir():
        return SPEC_DIR
    message = (
        f"Twilio OpenAPI documents not found at {SPEC_DIR}: put twilio-oai there "
        "(../shared/twilio-oai beside the checkout) or set TWIORM_SPEC_DIR to its folder; "
        "TWIORM_REQUIRE_SPEC=1 turns this skip into a failure"
    )
    if os.environ.get("TWIORM_REQUIRE_SPEC") == "1":
        pytest.fail(message)
    pytest.skip(message)


@cache
def load(file_name: str) -> dict[str, Any]:
    with open(require_spec_dir() / file_name, encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def shape(path: str) -> str:
    """A path with every placeholder as ``{}``: the spec's ``{AccountSid}`` and our
    ``{account_sid}`` alike."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@cache
def _documents_by_host_and_shape() -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for path in sorted(require_spec_dir().glob("twilio_*.json")):
        document = load(path.name)
        servers = {s["url"] for item in document["paths"].values() for s in item.get("servers", [])}
        servers |= {s["url"] for s in document.get("servers", [])}
        for server in servers:
            host = server.removeprefix("https://").split(".")[0]
            for spec_path in document["paths"]:
                index.setdefault((host, shape(spec_path)), path.name)
    return index


def spec_file_for(domain: str, path: str) -> str:
    """The document that holds ``path`` on the host of ``domain`` (``flex-api`` is in
    twilio_flex_v1.json, ``preview-iam`` in twilio_iam_organizations.json)."""
    found = _documents_by_host_and_shape().get((domain, shape(path)))
    if found is None:
        version = "v2010" if path.startswith("/2010-04-01/") else path.split("/")[1]
        return f"twilio_{domain.replace('-', '_')}_{version}.json"
    return found


def to_spec_path(template: str) -> str:
    """Our ``{account_sid}`` placeholders are the spec's ``{AccountSid}``."""
    return re.sub(
        r"\{([a-z_0-9]+)\}",
        lambda m: "{" + "".join(p.capitalize() for p in m.group(1).split("_")) + "}",
        template,
    )


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    required: bool


class Document:
    """One spec file, with $ref resolution."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.raw = load(file_name)
        self.shapes = {shape(path): path for path in self.raw["paths"]}

    def spec_path(self, path: str) -> str:
        """The document's own spelling of ``path`` (its placeholder names may differ)."""
        return path if path in self.raw["paths"] else self.shapes.get(shape(path), path)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.raw
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, path: str, method: str) -> dict[str, Any] | None:
        item = self.raw["paths"].get(self.spec_path(path))
        if item is None:
            return None
        op: dict[str, Any] | None = item.get(method.lower())
        return op

    def path_item(self, path: str) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.raw["paths"].get(self.spec_path(path))
        return item

    def query_params(self, path: str, method: str) -> dict[str, Param]:
        op = self.operation(path, method) or {}
        return {
            p["name"]: Param(p["name"], self.resolve(p.get("schema", {})), bool(p.get("required")))
            for p in op.get("parameters", [])
            if p.get("in") == "query"
        }

    def body_encoding(self, path: str, method: str) -> str | None:
        """'form' or 'json' (SCIM's JSON included), or None for no body."""
        op = self.operation(path, method) or {}
        content = op.get("requestBody", {}).get("content", {})
        if "application/x-www-form-urlencoded" in content:
            return "form"
        return "json" if content else None

    def header_params(self, path: str, method: str) -> dict[str, Param]:
        op = self.operation(path, method) or {}
        found = {}
        for param in map(self.resolve, op.get("parameters", [])):
            if param.get("in") == "header":
                schema = self.resolve(param.get("schema", {}))
                found[param["name"]] = Param(param["name"], schema, bool(param.get("required")))
        return found

    def body_params(self, path: str, method: str) -> dict[str, Param]:
        op = self.operation(path, method) or {}
        content = op.get("requestBody", {}).get("content", {})
        media = next(iter(content.values()), {}) if content else {}
        schema = self.resolve(
            content.get("application/x-www-form-urlencoded", media).get("schema", {})
        )
        required = set(schema.get("required", []))
        return {
            name: Param(name, self.resolve(prop), name in required)
            for name, prop in schema.get("properties", {}).items()
        }

    def response_schema(self, path: str, method: str) -> dict[str, Any] | None:
        op = self.operation(path, method) or {}
        for status in ("200", "201", "202", "307", "302"):
            content = op.get("responses", {}).get(status, {}).get("content", {})
            media = next((v for k, v in content.items() if k.endswith("json")), None)
            if media is not None:
                return self.resolve(media.get("schema", {}))
        return None

    def list_key_and_item(self, list_path: str) -> tuple[str, dict[str, Any]] | None:
        schema = self.response_schema(list_path, "GET")
        if schema is None:
            return None
        arrays = {
            name: prop
            for name, prop in schema.get("properties", {}).items()
            if name not in ENVELOPE_2010
            and name != "meta"
            and prop.get("type") == "array"
            and self.resolve(prop.get("items", {})).get("type", "object") == "object"
        }
        assert len(arrays) == 1, f"{list_path}: cannot tell the list key among {list(arrays)}"
        key, prop = next(iter(arrays.items()))
        return key, self.resolve(prop["items"])

    def conditional(self, path: str, method: str) -> list[list[str]]:
        op = self.operation(path, method) or {}
        groups: list[list[str]] = op.get("x-twilio", {}).get("conditional", [])
        return groups
