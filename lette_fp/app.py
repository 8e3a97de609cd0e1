"""App: compiles routes, middleware, exception handlers and lifespan once, into an ASGI callable."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from types import CoroutineType, MappingProxyType
from typing import Any

import msgspec

from lette_fp.asgi.http import serve
from lette_fp.debug import debug_error, internal_error
from lette_fp.http.entities import Delegate
from lette_fp.http.errors import HTTPError
from lette_fp.http.request import EMPTY_MAPPING, Request
from lette_fp.http.response import Response, empty, json, redirect
from lette_fp.params.binding import bind, is_plain_sync_handler
from lette_fp.pipeline import Handler, Middleware, compose, interpret, to_handler
from lette_fp.routing import Found, MethodNotAllowed, RedirectSlash, Router

logger = logging.getLogger("lette_fp.error")

ExceptionHandler = Callable[[Request, Exception], Any]
"""`(Request, Exception) -> Response` (sync or async, or a `returns` container of a Response)."""

Lifespan = Callable[["App"], AbstractAsyncContextManager[Mapping[str, Any] | None]]
"""An async context manager factory; what it yields becomes `req.state`."""

Endpoint = tuple[Callable[[Request], Any], bool]
"""What the router hands back for a route: the handler, and whether to call it directly and
interpret what it returns (a plain sync handler, or the outermost route middleware's handler: no
adapter around it) rather than await it as an async Handler."""

DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024
_replace = msgspec.structs.replace
_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")


def http_error_response(req: Request, exc: HTTPError) -> Response:
    """Return the default answer for an HTTPError: JSON `{"detail": ...}` with its headers
    (no body for statuses that can't have one)."""
    if exc.status < 200 or exc.status in (204, 304):
        return empty(exc.status, exc.headers)
    return json({"detail": exc.detail}, status=exc.status, headers=exc.headers)


class App:
    """An ASGI application built from route data; see DESIGN.md for the shape.

    `App(routes, middleware=(), exception_handlers={}, lifespan=None, debug=False,
    redirect_slashes=True, max_body_size=10 MiB)`. Everything that depends only on configuration
    (the router, the middleware chain, the handlers' parameter binding) happens here, once.
    """

    def __init__(
        self,
        routes: Sequence[Any] = (),
        middleware: Sequence[Middleware] = (),
        exception_handlers: Mapping[int | type[BaseException], ExceptionHandler] | None = None,
        lifespan: Lifespan | None = None,
        debug: bool = False,
        redirect_slashes: bool = True,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        self.debug = debug
        self.lifespan = lifespan
        self.max_body_size = max_body_size
        self.state: Mapping[str, Any] | None = None
        handlers = dict(exception_handlers or {})
        self._status_handlers: dict[int, Handler2] = {
            k: _adapt_exception_handler(v) for k, v in handlers.items() if isinstance(k, int)
        }
        self._type_handlers: dict[type[BaseException], Handler2] = {
            k: _adapt_exception_handler(v) for k, v in handlers.items() if isinstance(k, type)
        }
        self.router = Router(
            list(routes), prepare=self._prepare, prepare_app=self._prepare_app,
            redirect_slashes=redirect_slashes,
        )
        self._has_hosts = self.router.has_hosts
        self._static_routes = self.router.static_routes
        self.handler: Handler = compose(self._handle, list(middleware))
        self.responder: Callable[[Request], Response | Awaitable[Response]] = (
            self.handler if middleware else self.dispatch
        )
        """What the edge calls per request: `dispatch` when there is no app-wide middleware (a sync
        handler's Response then needs no coroutine, and the edge maps exceptions), else the
        middleware chain."""
        self.edge_routes: tuple[Mapping[str, Mapping[str, Endpoint]], Any] | None = (
            None if middleware or self._has_hosts else (_edge_endpoints(self._static_routes), self.router.find)
        )
        """When the edge may route a request itself, before building it (no app-wide middleware, no
        hosts): every static path's endpoints by method (those outside mounts), and the trie's
        `find`; see `asgi/http.py`."""
        self._error_handler = self._status_handlers.get(500) or self._type_handlers.get(Exception)
        from lette_fp.asgi.app import make_asgi

        self._asgi = make_asgi(self)

    __call__ = serve
    """The ASGI entry point (HTTP, WebSocket and lifespan scopes): the adapter's `serve`, so an
    http request pays for no extra coroutine in between."""

    def url_path_for(self, name: str, /, **params: Any) -> str:
        """Return the path of the named route with `params` filled in (raises NoMatchFound)."""
        return str(self.router.url_path_for(name, **params))

    def reverse(self, name: str, params: Mapping[str, Any]) -> tuple[str | None, str]:
        """Return `(host, path)` of the named route: the host of an enclosing `host(...)`, or None."""
        return self.router.reverse(name, params)

    def _prepare(self, route: Any, middleware: Sequence[Middleware], full_name: str | None) -> Endpoint:
        fn = route.handler
        options = route.options
        if not middleware and "max_body_size" not in options and is_plain_sync_handler(fn):
            return (fn, True)
        names = frozenset((*_PARAM.findall(route.full_path), *route.host_params))
        if middleware and "max_body_size" not in options:
            return (middleware[0](compose(bind(fn, names), list(middleware[1:]))), True)
        handler = compose(bind(fn, names), list(middleware))
        if "max_body_size" in options:
            handler = _with_body_limit(handler, options["max_body_size"])
        return (handler, False)

    def _prepare_app(self, mount: Any, middleware: Sequence[Middleware]) -> Endpoint:
        target = mount.app

        async def delegate(req: Request) -> Response:
            return Response(200, (), Delegate(target, req.root_path, req.path_params))

        return (compose(delegate, list(middleware)), False)

    def respond(self, req: Request) -> Response | Awaitable[Response]:
        """Route `req` and run its endpoint, without the app-wide middleware: return the Response
        itself when a plain sync handler answered at once, else an awaitable of it. Exceptions
        are mapped by the exception handlers either way (re-raised when none answers)."""
        try:
            answer = self.dispatch(req)
        except Exception as exc:
            return self._settle_error(req, exc)
        if isinstance(answer, Response):
            return answer
        return self._settle(req, answer)

    def dispatch(self, req: Request) -> Response | Awaitable[Any]:
        """Route `req` and call its endpoint: return the Response a plain sync handler gave, else
        an awaitable of the answer (a Response, or what `interpret` turns into one). Exceptions
        are raised as they are: the caller maps them (`respond`, or the edge when there is no
        app-wide middleware)."""
        path = req.path
        root = req.root_path
        if root and path.startswith(root):
            path = path[len(root):] or "/"
        match: Any = None
        if not self._has_hosts:
            by_method = self._static_routes.get(path)
            if by_method is not None:
                match = by_method.get(req.method)
        if match is None:
            host = req.headers.get("host") if self._has_hosts else None
            match = self.router.match(req.method, path, host)
        if type(match) is not Found:
            return self._unrouted(req, match)
        params = match.params
        prefix = match.prefix
        if params or prefix:
            if prefix:
                attrs = req.attrs if "app_root_path" in req.attrs else MappingProxyType({**req.attrs, "app_root_path": root})
                req = req.replace(path_params=params, root_path=root + prefix, attrs=attrs)
            else:
                req = _replace(req, path_params=params)
        fn, sync = match.endpoint
        if sync:
            result = fn(req)
            if type(result) is Response or type(result) is CoroutineType:
                return result
            return interpret(result)
        return fn(req)  # type: ignore[no-any-return]

    async def _settle(self, req: Request, pending: Awaitable[Any]) -> Response:
        try:
            resp = await pending
            return resp if type(resp) is Response else await interpret(resp)
        except Exception as exc:
            resp = await self.handle_exception(req, exc)
            if resp is None:
                raise
            return resp

    async def _settle_error(self, req: Request, exc: Exception) -> Response:
        resp = await self.handle_exception(req, exc)
        if resp is None:
            raise exc
        return resp

    async def _handle(self, req: Request) -> Response:
        resp = self.respond(req)
        return resp if type(resp) is Response else await resp  # type: ignore[misc]

    _handle.__lette_async_handler__ = True  # type: ignore[attr-defined]

    def _unrouted(self, req: Request, match: Any) -> Response:
        """Answer a request no route took: 404, 405 with Allow (204 for OPTIONS), or the slash redirect."""
        if isinstance(match, MethodNotAllowed):
            allow = ", ".join(match.allow)
            if req.method == "OPTIONS":
                allow = ", ".join(sorted({*match.allow, "OPTIONS"}))
                return empty(204, {"allow": allow})
            raise HTTPError(405, headers={"allow": allow})
        if isinstance(match, RedirectSlash):
            target = match.path
            root = req.root_path
            if root:
                target = root.rstrip("/") + target
            if req.query_string:
                target += "?" + req.query_string.decode("latin-1")
            return redirect(target, 307)
        raise HTTPError(404)

    async def handle_exception(self, req: Request, exc: Exception) -> Response | None:
        """Return the answer to `exc` from the exception handlers (by status for an HTTPError,
        else by the exception's type), the default answer for an HTTPError, or None."""
        if isinstance(exc, HTTPError):
            handler = self._status_handlers.get(exc.status) or self._lookup_type(exc)
            if handler is None:
                return http_error_response(req, exc)
            return await handler(req, exc)
        handler = self._lookup_type(exc)
        return None if handler is None else await handler(req, exc)

    def _lookup_type(self, exc: BaseException) -> Handler2 | None:
        if not self._type_handlers:
            return None
        for cls in type(exc).__mro__:
            handler = self._type_handlers.get(cls)
            if handler is not None and cls is not Exception:
                return handler
        return None

    async def error_response(self, req: Request, exc: BaseException) -> Response:
        """Return the 500 for an unhandled exception: the app's 500/Exception handler, the debug
        page with `debug=True`, or a bare "Internal Server Error"."""
        if self._error_handler is not None and isinstance(exc, Exception):
            try:
                return await self._error_handler(req, exc)
            except Exception:
                logger.exception("the 500 exception handler failed")
        return debug_error(req, exc) if self.debug else internal_error(req, exc)

    def request_state(self, scope_state: Mapping[str, Any] | None) -> Mapping[str, Any]:
        """Return the read-only `req.state`: what lifespan yielded, else the server's scope state."""
        if self.state is not None:
            return self.state
        return MappingProxyType(dict(scope_state)) if scope_state else EMPTY_MAPPING


Handler2 = Callable[[Request, Exception], Awaitable[Response]]


def _adapt_exception_handler(fn: ExceptionHandler) -> Handler2:
    async def handler(req: Request, exc: Exception) -> Response:
        return await interpret(fn(req, exc))

    return handler


def _with_body_limit(handler: Handler, limit: int | None) -> Handler:
    async def limited(req: Request) -> Response:
        body = req.body
        with_limit = getattr(body, "with_limit", None)
        if with_limit is not None:
            req = req.replace(body=with_limit(limit))
        return await handler(req)

    return to_handler(limited)


def _edge_endpoints(static: Mapping[str, Mapping[str | None, Any]]) -> dict[str, dict[str, Endpoint]]:
    """Return the static table as the edge reads it: path → {method: endpoint}, keeping only the
    matches it may serve directly (no mount prefix); a path whose method is missing is left to
    `dispatch` (405, or the mounted app)."""
    return {
        path: {
            method: found.endpoint
            for method, found in by_method.items()
            if method is not None and type(found) is Found and not found.prefix
        }
        for path, by_method in static.items()
    }
