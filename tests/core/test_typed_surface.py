"""The generated stubs (``*_types.pyi``, ``_navigation.pyi``) say what the runtime does.

Type checkers read the stubs and never run them, so nothing else would notice a stub that
promises a keyword the operation does not take, or an attribute the navigation does not
have. These tests read the stubs as text (``ast``) and hold them against the runtime: every
typed keyword dict against its operation's parameters, every typed attribute of the helper
style against what the navigation returns. No request is sent.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import twiorm
from twiorm import registry
from twiorm.lists import InstanceResource, ListResource, Namespace
from twiorm.resources import Call
from twiorm.rest import Domain, Version, load_every_declaration

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ACCOUNT = "AC" + "0" * 32


class StubClass:
    """One class of a stub: its bases, its properties' types and its methods' keywords."""

    def __init__(self, module: str, node: ast.ClassDef) -> None:
        self.module = module
        self.name = node.name
        self.bases = [ast.unparse(base) for base in node.bases]
        self.properties: dict[str, str] = {}
        self.fields: dict[str, str] = {}  # a TypedDict's keys and their types
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and any(
                ast.unparse(d) == "property" for d in item.decorator_list
            ):
                assert item.returns is not None
                self.properties[item.name] = ast.unparse(item.returns)
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                self.fields[item.target.id] = ast.unparse(item.annotation)


def stub_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(RESOURCES.rglob("*.pyi")):
        relative = path.relative_to(RESOURCES).with_suffix("")
        yield "twiorm.resources." + ".".join(relative.parts), path


@pytest.fixture(scope="module")
def stubs() -> dict[tuple[str, str], StubClass]:
    load_every_declaration()
    classes = {}
    for module, path in stub_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # _chat_v2_types -> its module; CallList -> the module it is imported from
        aliases = {
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            if alias.asname
            else str(node.module)
            for node in tree.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                found = StubClass(module, node)
                found.aliases = aliases  # type: ignore[attr-defined]
                classes[(module, node.name)] = found
    return classes


def resolve(stubs: dict[tuple[str, str], StubClass], where: StubClass, text: str) -> StubClass:
    """The stub class an annotation names (``CallList`` or ``_chat_v2_types.ServiceList``)."""
    aliases = where.aliases  # type: ignore[attr-defined]
    if "." in text:
        alias, name = text.split(".")
        return stubs[(aliases[alias], name)]
    return stubs[(aliases.get(text, where.module), text)]


def model_of(stub: StubClass) -> str:
    """``CallList(ListResource[Call])`` -> ``Call``."""
    (base,) = stub.bases
    return base.split("[", 1)[1].rstrip("]")


def test_every_typed_attribute_of_the_helper_style_is_what_the_navigation_returns(
    stubs: dict[tuple[str, str], StubClass],
) -> None:
    client = twiorm.Client(ACCOUNT, "token-never-sent")
    seen: set[tuple[str, str]] = set()
    checked = 0
    fields_checked: list[str] = []

    def walk(stub: StubClass, runtime: Any) -> None:
        nonlocal checked
        if (stub.module, stub.name) in seen:
            return
        seen.add((stub.module, stub.name))
        for name, annotation in stub.properties.items():
            if annotation.endswith("| None") or annotation == "Any":
                # a property of the record: reading it would fetch; the field must exist
                assert isinstance(runtime, InstanceResource), (stub.name, name)
                field = runtime._model._meta.fields[name]
                assert not field.write_only, (stub.name, name)
                fields_checked.append(name)
                continue
            target = resolve(stubs, stub, annotation)
            value = getattr(runtime, name)
            checked += 1
            where = f"{stub.name}.{name} -> {target.name}"
            if target.name.endswith("Domain"):
                assert isinstance(value, Domain), where
            elif target.bases and target.bases[0].startswith("ListResource["):
                assert isinstance(value, ListResource), where
                assert value.model.__name__ == model_of(target), where
                walk(target, value)
                model = model_of(target)
                (instance,) = (
                    s
                    for s in stubs.values()
                    if s.module == target.module and s.bases == [f"InstanceResource[{model}]"]
                )
                if value.model._meta.identity is not None:
                    walk(instance, InstanceResource(value.model, client, dict(value._path), "X"))
                continue
            elif target.bases and target.bases[0].startswith("InstanceResource["):
                assert isinstance(value, InstanceResource), where
                assert value._model.__name__ == model_of(target), where
            elif target.name.endswith("Namespace"):
                assert isinstance(value, Namespace), where
            else:
                assert isinstance(value, Version), where
            walk(target, value)

    walk(stubs[("twiorm.resources._navigation", "Domains")], client)
    assert checked > 1000  # every domain, version, list, sub-resource and namespace
    assert len(fields_checked) > 3000  # the properties of the instances reached
    # Every resource shipped is reached through some typed attribute.
    lists = {s.name for s in stubs.values() if s.bases[:1] and "ListResource[" in s.bases[0]}
    reached = {name for _, name in seen}
    unreached = sorted(lists - reached)
    # Two lists hang where the helper style has no way down: below a Role no document
    # declares an instance of, and a Listings fetch that another resource's name covers.
    # Both are reached the Django way (RolePermission.objects.filter(role_sid=...)).
    assert unreached == ["ModuleDataForListingOwnerList", "RolePermissionList"]


def shipped_models() -> list[type[Any]]:
    load_every_declaration()
    return [m for m in registry.resources() if m.__module__.startswith("twiorm.resources.")]


def test_every_typed_keyword_is_a_parameter_of_its_operation(
    stubs: dict[tuple[str, str], StubClass],
) -> None:
    compared = 0
    by_name = {(s.module, s.name): s for s in stubs.values()}
    for model in shipped_models():
        meta = model._meta
        (module,) = {  # the stub that imports this very class
            stub.module
            for stub in stubs.values()
            if stub.bases == [f"Manager[{model.__name__}]"]
            and stub.aliases.get(model.__name__) == model.__module__  # type: ignore[attr-defined]
        }
        for verb, suffix, with_path in (
            ("create", "Create", True),
            ("update", "Update", False),
            ("fetch", "Fetch", False),
            ("delete", "Delete", False),
            ("list", "Filters", True),
        ):
            if verb not in meta.operations:
                continue
            typed = by_name[(module, f"{model.__name__}{suffix}")].fields
            operation = meta.operation(verb)
            expected = {
                **dict.fromkeys(operation.path_params if with_path else ()),
                **operation.parameters,
            }
            assert set(typed) == set(expected), (model.__name__, verb)
            required = {name for name, kind in typed.items() if kind.startswith("Required[")}
            assert required == set(operation.required()), (model.__name__, verb)
            compared += 1
    assert compared > 1300


def test_choices_are_literals_with_a_way_out(stubs: dict[tuple[str, str], StubClass]) -> None:
    filters = stubs[("twiorm.resources.api.v2010_types", "CallFilters")].fields
    assert filters["status"].startswith("Literal['queued', 'ringing'")
    assert filters["status"].endswith("| Unlisted")
    update = stubs[("twiorm.resources.api.v2010_types", "CallUpdate")].fields
    assert update["status"] == "Literal['canceled', 'completed'] | Unlisted"


# -- at runtime ---------------------------------------------------------------------------


def test_an_unlisted_choice_is_sent_as_given_and_a_plain_unknown_one_refused() -> None:
    calls = Call.objects.filter(account_sid=ACCOUNT, status=twiorm.Unlisted("answered-by-robot"))
    sent = calls.request().params
    assert sent["Status"] == "answered-by-robot"
    assert type(sent["Status"]) is str  # sent as a plain string
    with pytest.raises(twiorm.ValidationError, match="one of queued, ringing"):
        Call.objects.filter(status="answered-by-robot")
    with pytest.raises(twiorm.ValidationError, match="control characters"):
        Call.objects.filter(status=twiorm.Unlisted("bad\x00value"))


def test_from_record_reads_a_record_obtained_elsewhere() -> None:
    record = {
        "sid": "CA" + "1" * 32,
        "duration": "42",
        "start_time": "Tue, 01 Dec 2026 10:00:00 +0000",
    }
    call = Call.from_record(record)
    assert call.duration == 42
    assert call.start_time is not None
    assert call.start_time.year == 2026
    assert call.sid == record["sid"]
    participant = twiorm.resources.Participant.from_record(
        {"call_sid": "CA" + "1" * 32}, conference_sid="CF" + "2" * 32
    )
    assert participant._url_values()["conference_sid"] == "CF" + "2" * 32
    with pytest.raises(twiorm.ValidationError, match="takes a mapping"):
        Call.from_record(["not", "a", "record"])  # type: ignore[arg-type]
    with pytest.raises(twiorm.ValidationError, match="no URL value 'conference_sid'"):
        Call.from_record(record, conference_sid="CF" + "2" * 32)


def test_help_shows_the_keywords_of_the_operation() -> None:
    create = inspect.signature(Call.objects.create)
    assert {"to", "from_", "url", "status_callback"} <= set(create.parameters)
    assert create.parameters["to"].kind is inspect.Parameter.KEYWORD_ONLY
    assert create.parameters["to"].default is inspect.Parameter.empty  # required
    assert create.parameters["url"].default is None
    filters = inspect.signature(Call.objects.filter)
    assert {"status", "start_time__gte", "from_"} <= set(filters.parameters)
    assert (
        "start_time_after"
        in inspect.signature(twiorm.Client(ACCOUNT, "t").api.v2010.calls.list).parameters
    )
    get = inspect.signature(Call.objects.get)
    assert next(iter(get.parameters)) == "identity"
    import pydoc

    shown = pydoc.render_doc(Call.objects.create, renderer=pydoc.plaintext)
    assert "to: str" in shown
