"""Route data: immutable values describing what to route where, built by small functions.

``get/post/put/patch/delete/route/websocket`` build a ``Route``; ``mount`` builds a
``Mount`` (a prefix over more routes, or over an opaque ASGI app); ``host`` builds a
``Host`` (routes or an app reached only under a host name). Handlers, middleware and apps
are opaque here: the router hands back whatever the app's ``prepare`` made of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pyrsistent import pmap
from pyrsistent.typing import PMap

from .patterns import HostPattern, PathPattern, parse_host, parse_path, parse_prefix

WEBSOCKET = "WEBSOCKET"


@dataclass(frozen=True, slots=True)
class Route:
    """One handler at one path for some methods (or for websockets, method "WEBSOCKET").

    ``full_path`` is ``path`` with the enclosing mount prefixes in front, and ``host_params``
    the param names of an enclosing ``host`` pattern: the router fills both in when it flattens
    mounts and hosts, so ``prepare`` sees them; they default to ``path`` and ``()``.
    """

    path: str
    handler: Any
    methods: tuple[str, ...]
    name: str | None = None
    middleware: tuple[Any, ...] = ()
    options: PMap[str, Any] = field(default_factory=lambda: pmap({}))
    kind: Literal["http", "websocket"] = "http"
    full_path: str = ""
    host_params: tuple[str, ...] = ()
    pattern: PathPattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", parse_path(self.path))
        if not self.full_path:
            object.__setattr__(self, "full_path", self.path)
        if not self.methods:
            raise ValueError(f"route {self.path!r} has no methods")
        if self.kind == "websocket" and self.methods != (WEBSOCKET,):
            raise ValueError(f"websocket route {self.path!r} must have methods ('WEBSOCKET',)")
        if self.kind == "http" and WEBSOCKET in self.methods:
            raise ValueError(f"route {self.path!r}: use websocket() for websocket routes")


@dataclass(frozen=True, slots=True)
class Mount:
    """A prefix over more routes (``routes``) or over an opaque ASGI app (``app``).

    ``prefix`` is normalised: no trailing "/", "" for the root. ``full_prefix`` is ``prefix``
    with the enclosing mount prefixes in front: the router fills it in for app mounts when it
    flattens the tree, so ``prepare_app`` sees it; it defaults to ``prefix``.
    """

    prefix: str
    routes: tuple[Route | Mount | Host, ...] | None = None
    app: Any = None
    name: str | None = None
    middleware: tuple[Any, ...] = ()
    full_prefix: str = ""
    pattern: PathPattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = parse_prefix(self.prefix)
        object.__setattr__(self, "prefix", pattern.source)
        object.__setattr__(self, "pattern", pattern)
        if not self.full_prefix:
            object.__setattr__(self, "full_prefix", pattern.source)
        if (self.routes is None) == (self.app is None):
            raise ValueError(f"mount {self.prefix!r} needs exactly one of routes or app")
        if self.app is not None and "path" in {p.name for p in pattern.params}:
            raise ValueError(f"mount {self.prefix!r}: an app mount cannot have a 'path' param")
        _check_children(self.routes, f"mount {self.prefix!r}")


@dataclass(frozen=True, slots=True)
class Host:
    """Routes (``routes``) or an opaque ASGI app (``app``) reached only under a host name."""

    pattern: str
    routes: tuple[Route | Mount | Host, ...] | None = None
    app: Any = None
    name: str | None = None
    middleware: tuple[Any, ...] = ()
    host_pattern: HostPattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "host_pattern", parse_host(self.pattern))
        if (self.routes is None) == (self.app is None):
            raise ValueError(f"host {self.pattern!r} needs exactly one of routes or app")
        _check_children(self.routes, f"host {self.pattern!r}")


RouteLike = Route | Mount | Host


def _check_children(routes: tuple[RouteLike, ...] | None, owner: str) -> None:
    for child in routes or ():
        if not isinstance(child, Route | Mount | Host):
            raise TypeError(f"{owner}: expected Route, Mount or Host, got {child!r}")


def _methods(methods: Iterable[str]) -> tuple[str, ...]:
    if isinstance(methods, str):
        methods = (methods,)
    return tuple(dict.fromkeys(m.upper() for m in methods))


def route(
    path: str,
    handler: Any,
    methods: Iterable[str] = ("GET",),
    *,
    name: str | None = None,
    middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a ``Route`` for ``handler`` at ``path`` answering ``methods`` (upper-cased).

    ``options`` are kept on the route as an immutable mapping for the app to read.
    """
    return Route(path, handler, _methods(methods), name, tuple(middleware), pmap(options))


def get(
    path: str, handler: Any, *, name: str | None = None, middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a GET ``Route`` (HEAD is answered too unless declared elsewhere at the path)."""
    return route(path, handler, ("GET",), name=name, middleware=middleware, **options)


def post(
    path: str, handler: Any, *, name: str | None = None, middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a POST ``Route``."""
    return route(path, handler, ("POST",), name=name, middleware=middleware, **options)


def put(
    path: str, handler: Any, *, name: str | None = None, middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a PUT ``Route``."""
    return route(path, handler, ("PUT",), name=name, middleware=middleware, **options)


def patch(
    path: str, handler: Any, *, name: str | None = None, middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a PATCH ``Route``."""
    return route(path, handler, ("PATCH",), name=name, middleware=middleware, **options)


def delete(
    path: str, handler: Any, *, name: str | None = None, middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a DELETE ``Route``."""
    return route(path, handler, ("DELETE",), name=name, middleware=middleware, **options)


def websocket(
    path: str, handler: Any, *, name: str | None = None, middleware: Sequence[Any] = (),
    **options: Any,
) -> Route:
    """Return a websocket ``Route`` (kind "websocket", matched only by method "WEBSOCKET")."""
    return Route(
        path, handler, (WEBSOCKET,), name, tuple(middleware), pmap(options), "websocket"
    )


def _split_target(target: Any, owner: str) -> tuple[tuple[RouteLike, ...] | None, Any]:
    if isinstance(target, Sequence) and not isinstance(target, str | bytes):
        return tuple(target), None
    if target is None:
        raise ValueError(f"{owner}: target is None")
    return None, target


def mount(
    prefix: str, target: Any, *, name: str | None = None, middleware: Sequence[Any] = ()
) -> Mount:
    """Return a ``Mount`` of ``target`` under ``prefix``.

    A sequence target is a list of routes (flattened at compile time); anything else is
    an ASGI app, matched at ``prefix``, ``prefix/`` and ``prefix/anything``.
    """
    routes, app = _split_target(target, f"mount {prefix!r}")
    return Mount(prefix, routes, app, name, tuple(middleware))


def host(
    pattern: str, target: Any, *, name: str | None = None, middleware: Sequence[Any] = ()
) -> Host:
    """Return a ``Host``: ``target`` (routes or an ASGI app) served only for that host.

    ``pattern`` may hold str params (``{sub}.example.org``, no dots inside a param);
    matching ignores the port and case of the Host value.
    """
    routes, app = _split_target(target, f"host {pattern!r}")
    return Host(pattern, routes, app, name, tuple(middleware))

