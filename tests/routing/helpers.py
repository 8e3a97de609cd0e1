"""Compiling route tables in tests: handlers are plain strings, endpoints are the handlers."""

from __future__ import annotations

from typing import Any

from lette_fp.routing import Mount, Route, RouteLike, Router


def prepare(route: Route, middleware: tuple[Any, ...], full_name: str | None) -> Any:
    """Return the route's handler as its endpoint."""
    return route.handler


def prepare_app(mount: Mount, middleware: tuple[Any, ...]) -> Any:
    """Return the mounted app as its endpoint."""
    return mount.app


def compile_routes(routes: list[RouteLike], **options: Any) -> Router[Any]:
    """Return a Router whose endpoints are the handlers and apps themselves."""
    return Router(routes, prepare=prepare, prepare_app=prepare_app, **options)
