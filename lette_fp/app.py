"""App: route data and configuration, compiled once into a `Compiled` value and its ASGI callable.

The composed handler is a straight line: app middleware, then the router stage (one
`Router.match`), then each route's mount and route middleware, then its endpoint (adapted once
by `lette_fp.params.adapt`). An `HTTPError`, or an exception an `exception_handlers` entry maps,
becomes a Response right around where it was raised: the endpoint answers its own, each
middleware is handed a guarded next handler, and the outermost layer (or the router's 404/405)
is answered by its caller, a guard or the edge; so every middleware sees errors from inside it as
Responses. What nothing maps reaches the edge: the 500 is sent, then the exception goes on to the
server.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import msgspec

from lette_fp.asgi.app import make_asgi
from lette_fp.asgi.compiled import Compiled, LifespanContext
from lette_fp.asgi.threads import ThreadRunner
from lette_fp.asgi.types import ASGIApp, Receive, Scope, Send
from lette_fp.exception_handlers import ExceptionHandler, ExceptionHandlers, http_error_response
from lette_fp.http.entities import Delegate
from lette_fp.http.errors import HTTPError
from lette_fp.http.request import Request
from lette_fp.http.response import Response, empty, redirect
from lette_fp.params import adapt
from lette_fp.params.options import merge_options
from lette_fp.params.state import StateKeys
from lette_fp.pipeline import AnyHandler, ErrorAnswer, Handler, Middleware, guard, guarded_layers
from lette_fp.routing import Found, MethodNotAllowed, RedirectSlash, Router
from lette_fp.routing.routes import Mount, Route

if TYPE_CHECKING:
    from lette_fp.openapi.config import OpenAPI

__all__ = ["App", "Endpoint", "ExceptionHandler", "Lifespan", "http_error_response"]

Lifespan = Callable[["App"], AbstractAsyncContextManager[Mapping[str, Any] | None]]
"""An async context manager factory, given the App; what it yields becomes `req.state`."""

DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024
_replace = msgspec.structs.replace
_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")


class Endpoint(msgspec.Struct, frozen=True, gc=False):
    """What the router hands back for a route: its handler (the endpoint adapted, inside its
    mount and route middleware, the outermost unguarded) and the route's full template, mount
    prefixes included."""

    handler: AnyHandler
    template: str


class App:
    """An ASGI application built from route data; see DESIGN.md for the shape.

    `App(routes, middleware=(), exception_handlers={}, lifespan=None, debug=False,
    redirect_slashes=True, max_body_size=10 MiB, asgi_middleware=(), dependencies=(),
    thread_limit=None, resolvers=(), overrides=None, openapi=None)`. Everything that depends only on
    configuration (the router, the middleware chain, the handlers' parameters) is compiled here,
    once, into `app.compiled`. `middleware` are lette_fp middleware (functions from handler to
    handler); `asgi_middleware` are ASGI middleware (`app -> app` callables or Starlette
    `Middleware(cls, ...)` values) around the whole app, first outermost. `dependencies` are
    guards (`Depends(...)`) for every route; `thread_limit` bounds the worker threads of
    `blocking=True` handlers and providers; `resolvers` add parameter sources; `overrides`
    replace providers (see `with_overrides`); `openapi=OpenAPI(title=..., version=...)` serves the
    App's OpenAPI document (computed here, once) and a Swagger UI page (`lette_fp.openapi`).

    `app(scope, receive, send)` is the ASGI entry point (HTTP, WebSocket and lifespan scopes):
    `__call__` is a slot holding the ASGI callable compiled for this App, so the server calls
    it with no frame in between.
    """

    __slots__ = ("__call__", "__dict__")
    __call__: ASGIApp

    def __init__(
        self,
        routes: Sequence[Any] = (),
        middleware: Sequence[Middleware] = (),
        exception_handlers: Mapping[int | type[BaseException], ExceptionHandler] | None = None,
        lifespan: Lifespan | None = None,
        debug: bool = False,
        redirect_slashes: bool = True,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        asgi_middleware: Sequence[Any] = (),
        dependencies: Sequence[Any] = (),
        thread_limit: int | None = None,
        resolvers: Sequence[Any] = (),
        overrides: Mapping[Any, Any] | None = None,
        openapi: OpenAPI | None = None,
    ) -> None:
        routes = tuple(routes)
        self._config: dict[str, Any] = {
            "routes": routes, "middleware": middleware, "exception_handlers": exception_handlers,
            "lifespan": lifespan, "debug": debug, "redirect_slashes": redirect_slashes,
            "max_body_size": max_body_size, "asgi_middleware": asgi_middleware,
            "dependencies": dependencies, "thread_limit": thread_limit, "resolvers": resolvers,
            "overrides": dict(overrides or {}), "openapi": openapi,
        }
        self.state_keys = StateKeys()
        self._params: dict[str, Any] = {
            "dependencies": tuple(dependencies), "run_sync": ThreadRunner(thread_limit),
            "resolvers": tuple(resolvers), "overrides": self._config["overrides"],
            "require_state": self.state_keys.require,
        }
        for mw in middleware:
            refuse_asgi_middleware(mw)
        self.routes: tuple[Any, ...] = routes
        """The route data as given (what `lette_fp.openapi.schema` documents)."""
        served = None
        if openapi is not None:  # only Apps that serve a document import lette_fp.openapi
            from lette_fp.openapi.serving import Served

            served = Served(openapi)
            routes = (*routes, *served.routes)
        self.debug = debug
        self.lifespan = lifespan
        self.max_body_size = max_body_size
        errors = ExceptionHandlers(exception_handlers, debug)
        self._answer: ErrorAnswer = errors.answer
        self.router: Router[Endpoint] = Router(
            list(routes), prepare=self._prepare, prepare_app=self._prepare_app,
            prepare_options=self._prepare_options, redirect_slashes=redirect_slashes,
        )
        stage = router_stage(self.router)
        handler = guarded_layers(guard(stage, errors.answer), middleware, errors.answer) if middleware else stage
        self.compiled = Compiled(
            handler=handler,
            answer=errors.at_edge,
            lifespan=self._lifespan_context() if lifespan is not None else None,
            max_body_size=max_body_size,
            urls=self.router,
            route_of=route_of(self.router),
            server_error=errors.server_error,
            debug=debug,
        )
        self.__call__ = wrap_asgi(make_asgi(self.compiled), asgi_middleware)
        self.openapi: dict[str, Any] | None = None
        """The OpenAPI document this App serves (`App(openapi=OpenAPI(...))`), else None."""
        if served is not None:
            served.build(self)
            self.openapi = served.document

    @property
    def route_options(self) -> Mapping[str, Any]:
        """The options every route's endpoint is adapted under before its mounts' and its own
        (the App's `dependencies`, `resolvers`, `overrides`, ...)."""
        return MappingProxyType(self._params)

    def url_path_for(self, name: str, /, **params: Any) -> str:
        """Return the path of the named route with `params` filled in (raises NoMatchFound)."""
        return str(self.router.url_path_for(name, **params))

    def with_overrides(self, overrides: Mapping[Any, Any]) -> App:
        """Return a new App with each provider in `overrides` replaced by its value everywhere in
        the dependency graph (`{get_session: fake_session}`); this App is unchanged."""
        return App(**{**self._config, "overrides": {**self._config["overrides"], **overrides}})

    def _lifespan_context(self) -> LifespanContext:
        lifespan = self.lifespan
        assert lifespan is not None
        keys = self.state_keys

        @asynccontextmanager
        async def checked() -> AsyncIterator[Mapping[str, Any] | None]:
            async with lifespan(self) as state:
                keys.check(state or {})  # a State(key) the lifespan does not provide fails startup
                yield state

        return checked

    def _layered(self, endpoint: Handler, middleware: Sequence[Middleware]) -> AnyHandler:
        """`endpoint` (whose errors are already Responses) inside its mount and route
        middleware, each handed a guarded next handler."""
        return guarded_layers(endpoint, middleware, self._answer) if middleware else endpoint

    def _prepare(self, route: Route, middleware: tuple[Any, ...], full_name: str | None) -> Endpoint:
        names = frozenset((*_PARAM.findall(route.full_path), *route.host_params))
        options = route.options
        merged = self._params
        for inner in (*route.mount_options, options):
            merged = merge_options(merged, inner)
        handler = self._layered(adapt(route.handler, path_params=names, options=merged, errors=self._answer), middleware)
        if "max_body_size" in options:
            handler = with_body_limit(handler, options["max_body_size"])
        return Endpoint(handler, route.full_path)

    def _prepare_app(self, mount: Mount, middleware: tuple[Any, ...]) -> Endpoint:
        return Endpoint(self._layered(guard(delegate_to(mount.app), self._answer), middleware), mount.full_prefix or "/")

    def _prepare_options(self, route: Route, middleware: tuple[Any, ...], allow: tuple[str, ...]) -> Endpoint:
        return Endpoint(self._layered(guard(answer_options(allow), self._answer), middleware), route.full_path)


def router_stage(router: Router[Endpoint]) -> AnyHandler:
    """Return the handler that routes a request (one `Router.match`), records the route's
    template and params in the ASGI scope (`scope["route"]`, `scope["path_params"]`, as
    Starlette's router does) and hands the request to its endpoint.

    It is a plain function returning what the endpoint returns (its awaitable): it awaits nothing
    itself. Its own answers (the slash redirect) are Responses; 404, 405 and a failing converter
    are raised, for its caller to answer as it answers the endpoint's outermost middleware."""
    match = router.match
    has_hosts = router.has_hosts

    def route(req: Request) -> Any:
        path = req.path
        root = req.root_path
        if root and path.startswith(root):
            path = path[len(root):] or "/"
        found = match(req.method, path, req.headers.get("host") if has_hosts else None)
        if type(found) is not Found:
            return unrouted(req, found)
        endpoint = found.endpoint
        params = found.params
        scope = req._scope
        if scope is not None:
            scope["route"] = endpoint.template
            outer = scope.setdefault("path_params", params)
            if outer is not params:
                if outer:
                    params = {**outer, **params}
                scope["path_params"] = params
        prefix = found.prefix
        if prefix:
            attrs = req.attrs if "app_root_path" in req.attrs else MappingProxyType({**req.attrs, "app_root_path": root})
            req = _replace(req, path_params=params, root_path=root + prefix, attrs=attrs)
        elif params:
            req = _replace(req, path_params=params)
        return endpoint.handler(req)

    return route


def unrouted(req: Request, match: Any) -> Response:
    """Answer a request no route took: the slash redirect, or raise HTTPError 405 (with Allow)
    or 404."""
    if isinstance(match, RedirectSlash):
        target = match.path
        root = req.root_path
        if root:
            target = root.rstrip("/") + target
        if req.query_string:
            target += "?" + req.query_string.decode("latin-1")
        return redirect(target, 307)
    if isinstance(match, MethodNotAllowed):
        raise HTTPError(405, headers={"allow": ", ".join(match.allow)})
    raise HTTPError(404)


def route_of(router: Router[Endpoint]) -> Callable[[str, str, str | None], str | None]:
    """Return `route_of(method, path, host)`: the full template of the route `router` would
    give that request (None when none would), for tracing and metrics."""

    def template(method: str, path: str, host: str | None = None) -> str | None:
        found = router.match(method, path, host)
        return found.endpoint.template if type(found) is Found else None

    return template


def answer_options(allow: tuple[str, ...]) -> Handler:
    """Return the endpoint answering OPTIONS where no route declares it: 204 with `Allow`."""
    answer = empty(204, {"allow": ", ".join(allow)})

    async def options(req: Request) -> Response:
        return answer

    return options


def delegate_to(target: ASGIApp) -> Handler:
    """Return the endpoint of an app mount: a `Delegate` body, so the edge hands the exchange to
    `target` with the mount's root path and params."""

    async def delegate(req: Request) -> Response:
        return Response(200, (), Delegate(target, req.root_path, req.path_params))

    return delegate


def with_body_limit(handler: AnyHandler, limit: int | None) -> AnyHandler:
    """Return `handler` reading the request body within `limit` bytes (a route's `max_body_size`);
    it returns what `handler` returns."""

    def limited(req: Request) -> Any:
        with_limit = getattr(req.body, "with_limit", None)
        if with_limit is not None:
            req = _replace(req, body=with_limit(limit))
        return handler(req)

    return limited


def wrap_asgi(app: ASGIApp, middleware: Sequence[Any]) -> ASGIApp:
    """Return `app` inside ASGI `middleware`, the first outermost: each an `app -> app` callable
    or a Starlette `Middleware(cls, *args, **kwargs)` value.

    The result is always an `async def` function: servers tell ASGI 3 apps by that (uvicorn
    would take a middleware instance for ASGI 2, hypercorn for WSGI)."""
    for mw in reversed(middleware):
        app = mw.cls(app, *mw.args, **mw.kwargs) if _is_starlette_middleware(mw) else mw(app)
    if inspect.iscoroutinefunction(app):
        return app
    outer = app

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        await outer(scope, receive, send)

    return asgi


def _is_starlette_middleware(obj: Any) -> bool:
    return all(hasattr(obj, name) for name in ("cls", "args", "kwargs")) and inspect.isclass(obj.cls)


def _takes_asgi_call(fn: Any) -> bool:
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False
    return params[-3:] == ["scope", "receive", "send"]


def refuse_asgi_middleware(mw: Any) -> None:
    """Raise TypeError when `mw`, passed in `App(middleware=...)`, is ASGI middleware: a Starlette
    `Middleware(...)` value, a class whose instances are ASGI apps, or such an instance."""
    if _is_starlette_middleware(mw):
        what = f"Middleware({mw.cls.__name__}, ...)"
    elif inspect.isclass(mw) and _takes_asgi_call(mw.__call__):
        what = mw.__name__
    elif not inspect.isfunction(mw) and not inspect.isclass(mw) and _takes_asgi_call(type(mw).__call__):
        what = f"a {type(mw).__name__} instance"
    else:
        return
    raise TypeError(
        f"{what} is ASGI middleware (it wraps an ASGI app): pass it in App(asgi_middleware=[...]). "
        "App(middleware=[...]) takes lette_fp middleware, functions from handler to handler."
    )
