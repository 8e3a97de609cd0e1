"""The segment trie for patterns with params (``codegen`` turns it into a function).

Each node has a dict of literal children, a list of param edges in the order they were
first declared, and optionally an ``end`` (a ``Slot``) for patterns ending there.
Patterns equal but for their param names share every node and their slot.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from re import Pattern
from typing import Any

from .converters import MISS, Converter
from .patterns import LITERAL, Segment
from .results import NO_PARAMS, Found, MethodNotAllowed


class Entry:
    """A prepared endpoint at a slot: how to turn captured values into a ``Found``.

    ``names`` pair with the captured values in order (extra values, such as the rest of
    the path under an app mount, are ignored); ``prefix`` is the constant mount prefix,
    or None when it has params and is cut from the path's first ``depth`` segments;
    ``found`` is a prebuilt result when there is nothing to capture.
    """

    __slots__ = ("depth", "endpoint", "found", "names", "prefix")

    def __init__(self, endpoint: Any, names: tuple[str, ...], prefix: str | None, depth: int):
        self.endpoint = endpoint
        self.names = names
        self.prefix = prefix
        self.depth = depth
        self.found = Found(endpoint, NO_PARAMS, prefix) if not names and prefix is not None else None


class Slot:
    """Where patterns end: the entry per method, the any-method entry of an app mount.

    The key None holds the ``MethodNotAllowed`` for the slot's HTTP methods, if any, so
    that searching with method None finds the first slot that allows some HTTP method.
    """

    __slots__ = ("any", "methods")

    def __init__(self) -> None:
        self.methods: dict[str | None, Any] = {}
        self.any: Any = None

    def finish(self) -> None:
        """Add the automatic HEAD and the 405 answer once every route is in."""
        methods = self.methods
        if "GET" in methods and "HEAD" not in methods:
            methods["HEAD"] = methods["GET"]
        allow = tuple(sorted(m for m in methods if m is not None and m != "WEBSOCKET"))
        if allow:
            methods[None] = MethodNotAllowed(allow)


class Edge:
    """A param edge: the segment kind, how to convert what it matches, and its child."""

    __slots__ = ("child", "converter", "groups", "kind", "parse", "regex")

    def __init__(self, segment: Segment) -> None:
        self.kind = segment.kind
        param = segment.params[0]
        self.converter: Converter = param.converter
        self.parse: Callable[[str], object] = param.converter.parse
        self.regex: Pattern[str] | None = segment.regex
        self.groups: tuple[tuple[str, Converter], ...] = segment.groups
        self.child = Node()

    def parse_many(self, text: str) -> tuple[object, ...] | None:
        """Return the converted values of a mixed segment, or None if it does not match."""
        assert self.regex is not None
        found = self.regex.fullmatch(text)
        if found is None:
            return None
        values = []
        for group, converter in self.groups:
            value = converter.parse(found.group(group))
            if value is MISS:
                return None
            values.append(value)
        return tuple(values)


class Node:
    """A trie node: literal children, param edges in declaration order, an optional end."""

    __slots__ = ("edges", "end", "keys", "static")

    def __init__(self) -> None:
        self.static: dict[str, Node] | None = None
        self.edges: list[Edge] = []
        self.keys: dict[Hashable, Edge] = {}
        self.end: Slot | None = None

    def insert(self, segments: tuple[Segment, ...]) -> Slot:
        """Return the slot at the end of ``segments``, creating nodes and edges as needed."""
        node = self
        for segment in segments:
            if segment.kind == LITERAL:
                if node.static is None:
                    node.static = {}
                text = segment.key
                assert isinstance(text, str)
                child = node.static.get(text)
                if child is None:
                    child = node.static[text] = Node()
                node = child
            else:
                edge = node.keys.get(segment.key)
                if edge is None:
                    edge = node.keys[segment.key] = Edge(segment)
                    node.edges.append(edge)
                node = edge.child
        if node.end is None:
            node.end = Slot()
        return node.end

    def slots(self) -> list[Slot]:
        """Return every slot below this node."""
        found = [self.end] if self.end is not None else []
        for child in (self.static or {}).values():
            found.extend(child.slots())
        for edge in self.edges:
            found.extend(edge.child.slots())
        return found

    def depth(self) -> int:
        """Return the number of segments in the longest pattern below this node."""
        below = [c.depth() for c in (self.static or {}).values()]
        below += [e.child.depth() for e in self.edges]
        return 1 + max(below) if below else 0

