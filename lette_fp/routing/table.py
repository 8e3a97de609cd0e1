"""One compiled path table: a dict for static paths in front of the segment trie.

A static path (no params in the full pattern) is one dict lookup for the path and one
for the method, returning a prebuilt ``Found``. Anything else goes through the trie.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .codegen import Find, compile_trie
from .flatten import Leaf
from .results import NOT_FOUND, Found, MethodNotAllowed, NotFound
from .trie import Entry, Node, Slot


class PathTable:
    """The routes of one host (or of no host), compiled for ``match``.

    With ``prepare_options``, a path whose routes declare no OPTIONS answers it through the
    endpoint ``prepare_options(leaf, allow)`` makes for its first route (so that route's and its
    mounts' middleware, CORS included, see preflights); without, OPTIONS is a 405 there.

    ``static`` maps a path to {method: Found, None: MethodNotAllowed}; ``static_any``
    maps a path to the ``Found`` of an app mounted exactly there.
    """

    __slots__ = ("find", "root", "source", "static", "static_any")

    def __init__(
        self,
        leaves: Iterable[tuple[Leaf, Any]],
        prepare_options: Callable[[Leaf, tuple[str, ...]], Any] | None = None,
    ) -> None:
        self.root = Node()
        static_slots: dict[str, Slot] = {}
        first: dict[int, tuple[Leaf, Entry]] = {}
        for leaf, endpoint in leaves:
            prefix = leaf.prefix.source if leaf.prefix.is_static else None
            depth = len(leaf.prefix.segments)
            for pattern in leaf.patterns:
                if pattern.is_static:
                    slot = static_slots.setdefault(pattern.source, Slot())
                else:
                    slot = self.root.insert(pattern.segments)
                named = leaf.prefix if leaf.methods is None else pattern
                entry = Entry(endpoint, tuple(p.name for p in named.params), prefix, depth)
                if leaf.methods is None:
                    slot.any = entry
                else:
                    first.setdefault(id(slot), (leaf, entry))
                    for method in leaf.methods:
                        slot.methods[method] = entry
        for slot in [*static_slots.values(), *self.root.slots()]:
            slot.finish()
            allowed = slot.methods.get(None)
            if prepare_options is not None and allowed is not None and "OPTIONS" not in slot.methods:
                leaf, entry = first[id(slot)]
                allow = tuple(sorted({*allowed.allow, "OPTIONS"}))
                slot.methods["OPTIONS"] = Entry(prepare_options(leaf, allow), entry.names, entry.prefix, entry.depth)
        self.static: dict[str, dict[str | None, Any]] = {
            path: {m: _static_result(e) for m, e in slot.methods.items()}
            for path, slot in static_slots.items()
        }
        self.static_any: dict[str, Found[Any]] = {
            path: _static_result(slot.any)
            for path, slot in static_slots.items()
            if slot.any is not None
        }
        self.find: Find | None = None
        self.source = ""
        if self.root.static or self.root.edges:
            self.find, self.source = compile_trie(self.root)

    def slow_match(
        self, method: str, path: str, by_method: dict[str | None, Any] | None, tried: bool
    ) -> Found[Any] | MethodNotAllowed | NotFound:
        """Match after the fast path missed.

        ``by_method`` is the static dict's entry for the path, if any; ``tried`` says the
        trie was already searched for ``method`` in vain.
        """
        if by_method is not None:
            any_found = self.static_any.get(path)
            if any_found is not None:
                return any_found
        find = self.find
        if find is not None and not tried:
            hit = find(path, method)
            if hit is not None:
                return hit
        if method == "WEBSOCKET":
            return NOT_FOUND
        if by_method is not None:
            allowed = by_method.get(None)
            if allowed is not None:
                return allowed  # type: ignore[no-any-return]
        if find is not None:
            hit = find(path, None)
            if hit is not None:
                return hit
        return NOT_FOUND

    def matches_any(self, path: str) -> bool:
        """Return True when some route or app here answers ``path`` for some HTTP method."""
        by_method = self.static.get(path)
        if by_method is not None and (None in by_method or path in self.static_any):
            return True
        return self.find is not None and self.find(path, None) is not None

    def match(self, method: str, path: str) -> Found[Any] | MethodNotAllowed | NotFound:
        """Return the match for ``method`` and ``path`` in this table (no slash redirects)."""
        by_method = self.static.get(path)
        if by_method is not None:
            hit = by_method.get(method)
            if hit is not None:
                return hit  # type: ignore[no-any-return]
        return self.slow_match(method, path, by_method, False)


def _static_result(entry: Any) -> Any:
    if isinstance(entry, Entry):
        assert entry.found is not None
        return entry.found
    return entry
