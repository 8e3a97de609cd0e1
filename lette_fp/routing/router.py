"""The compiled router: route data in, ``match`` and ``url_path_for`` out.

``Router(routes, prepare=..., prepare_app=...)`` is built once, when the app starts:
mounts and hosts are flattened, conflicts raise ``RouteConflict``, every leaf is prepared
once, and each host (plus the host-less rest) gets a static dict and a segment trie.

Precedence, for one path:

1. Host routes first, in declaration order, against the Host value without its port,
   lowercased; if a host matches but its routes give NOT_FOUND, fall through to the
   routes without a host.
2. Within a table, segment by segment: a literal segment beats a param at the same
   position; params (single, mixed ``{a}.{b}`` and ``path`` tails alike) are tried in the
   order they were first declared at that position; a failing branch backtracks.
3. The first path match that has the method wins; a static path is thus checked first.
   An app mount answers every method, websockets included. Patterns equal but for param
   names share a slot, and its methods are merged.
4. No match with the method but some path match for HTTP: ``MethodNotAllowed`` with the
   sorted methods of the first path match. HEAD is answered by GET unless declared.
   "WEBSOCKET" matches only websocket routes and app mounts, never causes a 405, and
   websocket-only paths are NOT_FOUND for HTTP methods.
5. Still nothing: if ``redirect_slashes``, the method is not "WEBSOCKET" and the path
   with its trailing slash toggled (added; or removed, except for "/") would match some
   HTTP method, ``RedirectSlash``; else ``NOT_FOUND``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic

from .conflicts import check
from .errors import NoMatchFound
from .flatten import Leaf, flatten
from .patterns import HostPattern, normalize_host
from .results import NOT_FOUND, E, Found, Match, NotFound, RedirectSlash
from .routes import Mount, Route, RouteLike
from .table import PathTable
from .urls import Reverse, reverse


class Router(Generic[E]):
    """Routes compiled for matching and url building (built once, immutable after).

    ``prepare(route, middleware, full_name)`` is called once per route, in declaration order
    (``route.full_path`` then includes the enclosing mount prefixes), with the middleware of the
    enclosing mounts and hosts (outermost first) then the route's own; ``prepare_app(mount,
    middleware)`` likewise for each app mount (``mount.full_prefix`` then has the mount prefixes; a host
    whose target is an app counts as a mount at ""). What they return is the endpoint a
    ``Found`` carries. With ``prepare_options(route, middleware, allow)``, a path whose routes
    declare no OPTIONS answers it through the endpoint made for the path's first route
    (``allow``: the methods there); without it, OPTIONS is a 405 like any other undeclared
    method. Conflicts are checked before anything is prepared.
    """

    __slots__ = ("_default", "_find", "_hosts", "_redirect_slashes", "_reverse", "_static", "has_hosts")

    def __init__(
        self,
        routes: Iterable[RouteLike],
        *,
        prepare: Callable[[Route, tuple[Any, ...], str | None], E],
        prepare_app: Callable[[Mount, tuple[Any, ...]], E],
        prepare_options: Callable[[Route, tuple[Any, ...], tuple[str, ...]], E] | None = None,
        redirect_slashes: bool = True,
    ) -> None:
        flat = flatten(routes)
        check(flat)
        prepared: list[tuple[Leaf, E]] = []
        for leaf in flat.leaves:
            source = leaf.source
            if isinstance(source, Route):
                endpoint = prepare(source, leaf.middleware, leaf.full_name)
            else:
                endpoint = prepare_app(source, leaf.middleware)
            prepared.append((leaf, endpoint))
        options = None
        if prepare_options is not None:
            make_options = prepare_options

            def options(leaf: Leaf, allow: tuple[str, ...]) -> E:
                assert isinstance(leaf.source, Route)
                return make_options(leaf.source, leaf.middleware, allow)

        groups: dict[str | None, tuple[HostPattern | None, list[tuple[Leaf, E]]]] = {}
        for leaf, endpoint in prepared:
            key = leaf.host.key if leaf.host else None
            groups.setdefault(key, (leaf.host, []))[1].append((leaf, endpoint))
        self._hosts = tuple(
            (pattern, PathTable(items, options)) for pattern, items in groups.values() if pattern
        )
        self._default = PathTable(groups.get(None, (None, []))[1], options)
        self._static = self._default.static
        self._find = self._default.find
        self._redirect_slashes = redirect_slashes
        self._reverse: dict[str, Reverse] = {
            leaf.full_name: reverse(leaf) for leaf in flat.leaves if leaf.full_name
        }
        for group in flat.groups:
            optional = frozenset(group.host.names) if group.host else frozenset()
            self._reverse[group.name] = Reverse(group.name, group.prefix, optional, True, group.host)
        self.has_hosts: bool = bool(self._hosts)
        """True when some route is under a host: only then does ``match`` use ``host``."""

    def match(self, method: str, path: str, host: str | None = None) -> Match[E]:
        """Return the match for ``method`` ("WEBSOCKET" for websockets), ``path``, ``host``.

        ``host`` is the raw Host header value (port and case are ignored), or None.
        Returns ``Found``, ``MethodNotAllowed``, ``RedirectSlash`` or ``NOT_FOUND``.
        """
        if host is not None and self._hosts:
            return self._match_with_hosts(method, path, host)
        by_method = self._static.get(path)
        if by_method is not None:
            hit = by_method.get(method)
            if hit is not None:
                return hit  # type: ignore[no-any-return]
        elif self._find is not None:
            found = self._find(path, method)
            if found is not None:
                return found
        result = self._default.slow_match(method, path, by_method, by_method is None)
        if result is NOT_FOUND and self._redirect_slashes and method != "WEBSOCKET":
            return self._redirect(path, None)
        return result

    def _match_with_hosts(self, method: str, path: str, host: str) -> Match[E]:
        name = normalize_host(host)
        for pattern, table in self._hosts:
            host_params = pattern.match(name)
            if host_params is None:
                continue
            result = table.match(method, path)
            if result is NOT_FOUND:
                continue
            if isinstance(result, Found) and host_params:
                return Found(result.endpoint, {**host_params, **result.params}, result.prefix)
            return result
        result = self._default.match(method, path)
        if result is NOT_FOUND and self._redirect_slashes and method != "WEBSOCKET":
            return self._redirect(path, name)
        return result

    def _redirect(self, path: str, host: str | None) -> RedirectSlash | NotFound:
        if path.endswith("/"):
            if path == "/":
                return NOT_FOUND
            toggled = path[:-1]
        else:
            toggled = path + "/"
        if self._default.matches_any(toggled):
            return RedirectSlash(toggled)
        if host is not None:
            for pattern, table in self._hosts:
                if pattern.match(host) is not None and table.matches_any(toggled):
                    return RedirectSlash(toggled)
        return NOT_FOUND

    def url_path_for(self, name: str, /, **params: object) -> str:
        """Return the path of the route, app mount or named mount called ``name`` with ``params``.

        Names inside named mounts and hosts are "mount:child". For an app mount, or a named
        mount (or host) of routes, pass ``path`` to append. Host routes give the path only (host
        params are optional here). Raises ``NoMatchFound`` for an unknown name or params that do
        not fit.
        """
        return self._builder(name).build(params)

    def reverse(self, name: str, params: Mapping[str, object]) -> tuple[str | None, str]:
        """Return ``(host, path)`` of the route, mount or host called ``name``: ``host`` is
        ``name[:port]`` when it is under a ``host(...)`` (a pattern with params needs them all
        given), else None. Raises ``NoMatchFound`` as ``url_path_for`` does."""
        return self._builder(name).reverse(params)

    def _builder(self, name: str) -> Reverse:
        builder = self._reverse.get(name)
        if builder is None:
            close = difflib.get_close_matches(name, self._reverse, n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise NoMatchFound(f"no route named {name!r}{hint}")
        return builder
