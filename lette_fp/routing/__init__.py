"""Routing: route data (``get``, ``mount``, ``host``...), compiled once into a ``Router``.

See ``lette_fp.routing.router`` for the precedence rules and ``Router`` for compilation.
"""

from .converters import Converter, register_converter
from .errors import NoMatchFound, RouteConflict
from .results import NOT_FOUND, Found, Match, MethodNotAllowed, NotFound, RedirectSlash
from .router import Router
from .routes import (
    Host,
    Mount,
    Route,
    RouteLike,
    delete,
    get,
    host,
    mount,
    patch,
    post,
    put,
    route,
    websocket,
)

__all__ = [
    "NOT_FOUND",
    "Converter",
    "Found",
    "Host",
    "Match",
    "MethodNotAllowed",
    "Mount",
    "NoMatchFound",
    "NotFound",
    "RedirectSlash",
    "Route",
    "RouteConflict",
    "RouteLike",
    "Router",
    "delete",
    "get",
    "host",
    "mount",
    "patch",
    "post",
    "put",
    "register_converter",
    "route",
    "websocket",
]
