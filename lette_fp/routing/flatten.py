"""Flattening a route tree: mounts and hosts dissolve into leaves with full patterns.

Each leaf carries what its enclosing mounts and hosts contributed: the accumulated prefix,
the middleware (outermost first), the ``a:b:c`` name and the host pattern. Leaves come out
in declaration order, which is the order that breaks ties in matching.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .patterns import EMPTY, REST_SEGMENT, HostPattern, PathPattern
from .routes import Host, Mount, Route, RouteLike


@dataclass(frozen=True, slots=True)
class Leaf:
    """A matchable route or app mount with everything its ancestors gave it.

    ``patterns`` are every pattern it answers on (the first is the one urls are built
    from); ``methods`` is None for an app, which answers any method.
    """

    index: int
    source: Route | Mount
    full_name: str | None
    middleware: tuple[Any, ...]
    host: HostPattern | None
    prefix: PathPattern
    patterns: tuple[PathPattern, ...]
    methods: tuple[str, ...] | None

    def describe(self) -> str:
        """Return a short human description naming the leaf, for error messages."""
        if isinstance(self.source, Mount):
            what = f"mount of {self.source.app!r} at {self.prefix.source or '/'}"
        else:
            handler = self.source.handler
            label = getattr(handler, "__qualname__", None) or repr(handler)
            what = f"route {label} ({' '.join(self.source.methods)} {self.patterns[0].source})"
        named = f" named {self.full_name!r}" if self.full_name else ""
        where = f" on host {self.host.source!r}" if self.host else ""
        return what + named + where


@dataclass(frozen=True, slots=True)
class Group:
    """A named mount of routes or host of routes: its full name, a description for error
    messages, and where it is (prefix and host), so ``url_path_for(name, path=...)`` reverses it."""

    name: str
    what: str
    prefix: PathPattern
    host: HostPattern | None


@dataclass(frozen=True, slots=True)
class Flat:
    """The result of flattening: the leaves, and the named mounts and hosts of routes."""

    leaves: tuple[Leaf, ...]
    groups: tuple[Group, ...] = ()

    @property
    def group_names(self) -> tuple[tuple[str, str], ...]:
        """The ``(full name, description)`` of each named mount and host of routes."""
        return tuple((g.name, g.what) for g in self.groups)


def _join(names: tuple[str, ...], name: str | None) -> str | None:
    return ":".join((*names, name)) if name else None


def _check_host_names(host: HostPattern | None, pattern: PathPattern) -> None:
    if host is None:
        return
    clash = set(host.names) & {p.name for p in pattern.params}
    if clash:
        raise ValueError(
            f"pattern {pattern.source!r} under host {host.source!r} repeats params {sorted(clash)}"
        )


class _Flattener:
    def __init__(self) -> None:
        self.leaves: list[Leaf] = []
        self.groups: list[Group] = []

    def walk(
        self,
        items: Iterable[RouteLike],
        prefix: PathPattern,
        middleware: tuple[Any, ...],
        names: tuple[str, ...],
        host: HostPattern | None,
        options: tuple[Any, ...] = (),
    ) -> None:
        for item in items:
            if isinstance(item, Route):
                self.route(item, prefix, middleware, names, host, options)
            elif isinstance(item, Mount):
                self.mount(item, prefix, middleware, names, host, options)
            elif isinstance(item, Host):
                self.host(item, prefix, middleware, names, host, options)
            else:
                raise TypeError(f"expected Route, Mount or Host, got {item!r}")

    def add(self, **fields: Any) -> None:
        self.leaves.append(Leaf(index=len(self.leaves), **fields))

    def route(
        self,
        item: Route,
        prefix: PathPattern,
        middleware: tuple[Any, ...],
        names: tuple[str, ...],
        host: HostPattern | None,
        options: tuple[Any, ...] = (),
    ) -> None:
        full = prefix + item.pattern
        _check_host_names(host, full)
        root_alias = (prefix,) if item.path == "/" and prefix.segments else ()
        self.add(
            source=_placed(item, prefix, full, host, options),
            full_name=_join(names, item.name),
            middleware=middleware + item.middleware,
            host=host,
            prefix=prefix,
            patterns=(full, *root_alias),
            methods=item.methods,
        )

    def mount(
        self,
        item: Mount,
        prefix: PathPattern,
        middleware: tuple[Any, ...],
        names: tuple[str, ...],
        host: HostPattern | None,
        options: tuple[Any, ...] = (),
    ) -> None:
        full = prefix + item.pattern
        _check_host_names(host, full)
        inner = middleware + item.middleware
        if item.routes is not None:
            if item.name:
                self.groups.append(Group(":".join((*names, item.name)), f"mount at {full.source}", full, host))
            nested = (*options, item.options) if item.options else options
            self.walk(item.routes, full, inner, (*names, item.name) if item.name else names, host, nested)
            return
        tail = PathPattern(full.source + "/{path:path}", full.segments + (REST_SEGMENT,))
        exact = (full,) if full.segments else ()
        self.add(
            source=item if item.full_prefix == full.source else replace(item, full_prefix=full.source),
            full_name=_join(names, item.name),
            middleware=inner,
            host=host,
            prefix=full,
            patterns=(*exact, tail),
            methods=None,
        )

    def host(
        self,
        item: Host,
        prefix: PathPattern,
        middleware: tuple[Any, ...],
        names: tuple[str, ...],
        host: HostPattern | None,
        options: tuple[Any, ...] = (),
    ) -> None:
        if host is not None:
            raise ValueError(f"host {item.pattern!r} is nested inside host {host.source!r}")
        inner = middleware + item.middleware
        pattern = item.host_pattern
        if item.routes is not None:
            if item.name:
                self.groups.append(Group(":".join((*names, item.name)), f"host {item.pattern!r}", prefix, pattern))
            self.walk(item.routes, prefix, inner, (*names, item.name) if item.name else names, pattern, options)
            return
        as_mount = Mount(prefix.source, app=item.app, name=item.name, middleware=item.middleware)
        self.mount(as_mount, EMPTY, middleware, names, pattern)


def flatten(routes: Iterable[RouteLike]) -> Flat:
    """Return the leaves of a route tree in declaration order, plus mount/host names."""
    flattener = _Flattener()
    flattener.walk(routes, EMPTY, (), (), None)
    return Flat(tuple(flattener.leaves), tuple(flattener.groups))


def _placed(
    item: Route, prefix: PathPattern, full: PathPattern, host: HostPattern | None, options: tuple[Any, ...] = ()
) -> Route:
    """Return `item` with the full path, host param names and mount options of the place it was declared."""
    names = host.names if host is not None else ()
    if not prefix.segments and not names and not options:
        return item
    return replace(item, full_path=full.source, host_params=names, mount_options=options)
