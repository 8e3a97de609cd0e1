"""The import graph of lette_fp points down DESIGN.md's layout: no circles, and the edge never
reaches back into the App. Every import counts, those inside functions too; only imports under
`if TYPE_CHECKING:` (which never run) are left out."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lette_fp"

ALLOWED: dict[str, set[str]] = {
    "http": {"forms"},
    "routing": set(),
    "pipeline": {"http"},
    "params": {"http", "pipeline", "forms"},
    "middleware": {"http", "pipeline"},
    "asgi": {"http", "pipeline", "streams", "ws"},
    "app": {"asgi", "http", "pipeline", "routing", "params", "exception_handlers", "openapi"},
    "openapi": {"http", "routing", "params", "forms"},
}
"""For each room of the core, the other rooms it may import (`forms` is read by `req.form()`)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_blocks(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return skipped


def imports_of(path: Path, modules: set[str]) -> Iterator[str]:
    """Yield the lette_fp modules `path` imports (a `from package import name` naming a submodule
    counts as importing it)."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_blocks(tree)
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            if base in modules:
                yield base
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    yield f"{base}.{alias.name}"


def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: set(imports_of(path, modules)) - {name} for name, path in paths.items()}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_module_graph_has_no_circle() -> None:
    edges = {m: {t for t in targets if not (m.startswith(t + ".") or t == "lette_fp")} for m, targets in graph().items()}
    assert find_cycle(edges) is None


def test_nothing_under_asgi_imports_the_app() -> None:
    offenders = sorted(m for m, targets in graph().items() if room(m) == "asgi" and any(room(t) == "app" for t in targets))
    assert offenders == []


@pytest.mark.parametrize("source", sorted(ALLOWED))
def test_each_core_room_imports_only_the_rooms_below_it(source: str) -> None:
    reached = {room(t) for m, targets in graph().items() if room(m) == source for t in targets} - {source}
    assert reached <= ALLOWED[source], f"{source} imports {sorted(reached - ALLOWED[source])}"


def test_the_rooms_form_no_circle() -> None:
    rooms: dict[str, set[str]] = {}
    for m, targets in graph().items():
        if room(m):
            rooms.setdefault(room(m), set()).update(room(t) for t in targets if room(t) and room(t) != room(m))
    rooms["forms"] -= {"http"}  # forms reads http's values; `req.form()` (http.request) reads forms
    assert find_cycle(rooms) is None


def test_the_cycle_finder_finds_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
