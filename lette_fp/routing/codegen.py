"""Compiling a segment trie into one Python function, once, at start-up.

The function ``find(path, method)`` splits the path once and walks the trie as
straight-line code: literal children become ``if s0 == "users":`` chains (or a dict of
sub-functions when a node has many), param edges become converter calls (or the converter's
``inline`` form, written in place), and a slot
becomes one dict lookup for the method followed by building the ``Found`` with the
param names, prefix and endpoint written in as constants. Falling out of a block is
backtracking, so the first slot reached is the highest-precedence match (see
``router``). Captured values live in locals; nothing is allocated until a match.

``find`` returns a ``Found``, or None. Called with method None it returns instead the
``MethodNotAllowed`` of the first slot that allows some HTTP method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .converters import MISS
from .patterns import MIXED, PARAM, REST, REST_MIXED
from .results import Found, MethodNotAllowed
from .trie import Edge, Entry, Node, Slot

Find = Callable[[str, str | None], Found[Any] | MethodNotAllowed | None]

_INLINE_CHILDREN = 6
_MAX_INDENT = 40


class _Generator:
    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"MISS": MISS, "Found": Found}
        self.functions: list[list[str]] = []
        self.dispatch: list[dict[str, Any]] = []

    def const(self, kind: str, value: Any) -> str:
        name = f"{kind}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def root(self, node: Node, maxsplit: int) -> None:
        lines = [
            "def find(path, method):",
            "    if path[:1] != '/':",
            "        return None",
            f"    segs = path[1:].split('/', {maxsplit})",
            "    n = len(segs)",
        ]
        self.children(node, 0, [], lines, 1)
        lines.append("    return None")
        self.functions.append(lines)

    def function(self, node: Node, depth: int, vals: list[str]) -> str:
        name = self.const("F", None)
        lines = [f"def {name}(segs, n, method, pre):"]
        self.node(node, depth, [f"pre[{i}]" for i in range(len(vals))], lines, 1)
        lines.append("    return None")
        self.functions.append(lines)
        return name

    def call(self, name: str, vals: list[str], lines: list[str], pad: str) -> None:
        pre = f"({', '.join(vals)},)" if vals else "()"
        lines += [
            f"{pad}r = {name}(segs, n, method, {pre})",
            f"{pad}if r is not None:",
            f"{pad}    return r",
        ]

    def enter(self, node: Node, depth: int, vals: list[str], lines: list[str], indent: int) -> None:
        if indent < _MAX_INDENT:
            self.node(node, depth, vals, lines, indent)
        else:
            self.call(self.function(node, depth, vals), vals, lines, "    " * indent)

    def node(self, node: Node, depth: int, vals: list[str], lines: list[str], indent: int) -> None:
        pad = "    " * indent
        if node.end is not None:
            lines.append(f"{pad}if n == {depth}:")
            self.slot(node.end, vals, lines, indent + 1)
        if node.static or node.edges:
            lines.append(f"{pad}if n > {depth}:")
            self.children(node, depth, vals, lines, indent + 1)

    def found(self, entry: Entry, vals: list[str]) -> str:
        if entry.found is not None:
            return self.const("R", entry.found)
        params = ", ".join(f"{n!r}: {v}" for n, v in zip(entry.names, vals, strict=False))
        prefix = (
            repr(entry.prefix)
            if entry.prefix is not None
            else f"'/' + '/'.join(segs[:{entry.depth}])"
        )
        return f"Found({self.const('E', entry.endpoint)}, {{{params}}}, {prefix})"

    def slot(self, slot: Slot, vals: list[str], lines: list[str], indent: int) -> None:
        pad = "    " * indent
        methods = self.const("M", slot.methods)
        default = "" if slot.any is None else f", {self.const('A', slot.any)}"
        lines += [f"{pad}e = {methods}.get(method{default})", f"{pad}if e is not None:"]
        entries = [e for e in slot.methods.values() if isinstance(e, Entry)]
        entries += [slot.any] if slot.any is not None else []
        for entry in dict.fromkeys(entries):
            lines += [
                f"{pad}    if e is {self.const('N', entry)}:",
                f"{pad}        return {self.found(entry, vals)}",
            ]
        lines.append(f"{pad}    return e")

    def children(
        self, node: Node, depth: int, vals: list[str], lines: list[str], indent: int
    ) -> None:
        pad = "    " * indent
        seg = f"s{depth}"
        lines.append(f"{pad}{seg} = segs[{depth}]")
        static = node.static or {}
        if 0 < len(static) <= _INLINE_CHILDREN:
            keyword = "if"
            for text, child in static.items():
                lines.append(f"{pad}{keyword} {seg} == {text!r}:")
                self.enter(child, depth + 1, vals, lines, indent + 1)
                keyword = "elif"
        elif static:
            table = {text: self.function(child, depth + 1, vals) for text, child in static.items()}
            self.dispatch.append(table)
            lines += [f"{pad}f = {self.const('D', table)}.get({seg})", f"{pad}if f is not None:"]
            self.call("f", vals, lines, pad + "    ")
        for edge in node.edges:
            self.edge(edge, depth, vals, lines, indent)

    def edge(self, edge: Edge, depth: int, vals: list[str], lines: list[str], indent: int) -> None:
        pad = "    " * indent
        seg, var = f"s{depth}", f"v{depth}"
        inline = edge.converter.inline
        if edge.kind == PARAM and inline is not None:
            test, value = inline.render(seg)
            lines.append(f"{pad}if {test}:")
            self.enter(edge.child, depth + 1, [*vals, value], lines, indent + 1)
        elif edge.kind == PARAM:
            lines.append(f"{pad}{var} = {self.const('P', edge.parse)}({seg})")
            lines.append(f"{pad}if {var} is not MISS:")
            self.enter(edge.child, depth + 1, [*vals, var], lines, indent + 1)
        elif edge.kind == REST:
            assert edge.child.end is not None
            lines.append(f"{pad}{var} = '/'.join(segs[{depth}:])")
            self.slot(edge.child.end, [*vals, var], lines, indent)
        else:
            text = seg if edge.kind == MIXED else f"'/'.join(segs[{depth}:])"
            many = [f"{var}[{i}]" for i in range(len(edge.groups))]
            lines.append(f"{pad}{var} = {self.const('P', edge.parse_many)}({text})")
            lines.append(f"{pad}if {var} is not None:")
            if edge.kind == REST_MIXED:
                assert edge.child.end is not None
                self.slot(edge.child.end, [*vals, *many], lines, indent + 1)
            else:
                self.enter(edge.child, depth + 1, [*vals, *many], lines, indent + 1)


def compile_trie(root: Node) -> tuple[Find, str]:
    """Return the ``find`` function for ``root`` and its generated source (for debugging)."""
    generator = _Generator()
    generator.root(root, max(root.depth(), 1))
    source = "\n\n".join("\n".join(lines) for lines in reversed(generator.functions)) + "\n"
    namespace = generator.namespace
    exec(compile(source, "<lette_fp.routing trie>", "exec"), namespace)
    for table in generator.dispatch:
        table.update({text: namespace[name] for text, name in table.items()})
    find: Find = namespace["find"]
    return find, source
