"""Compile-time conflict checks: one owner per full name and per (host, pattern, method).

Patterns are compared by ``PathPattern.key``, so ``/u/{a:int}`` and ``/u/{b:int}`` are the
same pattern. An app mount claims every method, written "*", on its patterns.
"""

from __future__ import annotations

from collections.abc import Hashable

from .errors import RouteConflict
from .flatten import Flat, Leaf


def check_names(flat: Flat) -> None:
    """Raise ``RouteConflict`` if two routes, mounts or hosts share a full name."""
    seen: dict[str, str] = {}
    named = [(leaf.full_name, leaf.describe()) for leaf in flat.leaves if leaf.full_name]
    for name, what in [*flat.group_names, *named]:
        if name in seen:
            raise RouteConflict(f"the name {name!r} is used twice: by {seen[name]} and by {what}")
        seen[name] = what


def check_patterns(flat: Flat) -> None:
    """Raise ``RouteConflict`` if two leaves answer the same method on the same pattern."""
    seen: dict[tuple[Hashable, ...], tuple[Leaf, str]] = {}
    for leaf in flat.leaves:
        host = leaf.host.key if leaf.host else None
        for pattern in leaf.patterns:
            for method in leaf.methods or ("*",):
                key = (host, pattern.key, method)
                if key in seen:
                    other, other_source = seen[key]
                    raise RouteConflict(
                        f"{method} {pattern.source} is declared twice: by {other.describe()}"
                        f" (as {other_source}) and by {leaf.describe()}"
                    )
                seen[key] = (leaf, pattern.source)


def check(flat: Flat) -> None:
    """Raise ``RouteConflict`` for the first name or pattern conflict in ``flat``."""
    check_names(flat)
    check_patterns(flat)
