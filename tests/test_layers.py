"""The engine's layers run one way: its import graph has no circle.

Every import statement in ``twiorm`` counts, at module level or inside a function (a
deferred import that dodges a circle is still a circle), except those under
``if TYPE_CHECKING:``, which never run. ``from twiorm import x`` is an edge to the module
``twiorm.x`` when there is one, else to the package itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import twiorm

PACKAGE = Path(twiorm.__file__).resolve().parent
# The declared resources are data loaded by name (navigation), not a layer of the engine.
OUTSIDE = {"twiorm.resources"}


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        if not any(name == o or name.startswith(o + ".") for o in OUTSIDE):
            found[name] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from _imports(child)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def edges(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _imports(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            targets.add(candidate if candidate in known else base)
    return {t for t in targets if t in known and t != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: edges(name, path, known) for name, path in found.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_circle() -> None:
    assert circles(graph()) == []


def test_the_engine_does_not_import_the_helper_style_or_the_client() -> None:
    """Declarations and engine sit below ``twiorm.client`` and its navigation."""
    engine = {
        "twiorm.fields",
        "twiorm.options",
        "twiorm.operations",
        "twiorm.query",
        "twiorm.manager",
        "twiorm.lists",
        "twiorm.resource",
        "twiorm.registry",
        "twiorm.schema",
        "twiorm.defaults",
    }
    g = graph()
    reach: dict[str, set[str]] = {}

    def reachable(node: str) -> set[str]:
        if node not in reach:
            reach[node] = set()
            for target in g[node]:
                reach[node] |= {target} | reachable(target)
        return reach[node]

    for module in engine:
        above = reachable(module) & {"twiorm", "twiorm.client", "twiorm.rest", "twiorm.sandbox"}
        assert not above, f"{module} imports {sorted(above)}"


def test_the_checker_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
