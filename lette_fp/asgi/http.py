"""Serving one HTTP request: build the Request, run the pipeline, send the Response."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from types import CoroutineType
from typing import TYPE_CHECKING, Any

from lette_fp.asgi.body import Incoming
from lette_fp.asgi.send import CONTENT_LENGTHS, Receive, Scope, Send, content_length, send_response
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.request import EMPTY_MAPPING, Request
from lette_fp.http.response import Response
from lette_fp.pipeline import interpret

if TYPE_CHECKING:
    from lette_fp.app import App

logger = logging.getLogger("lette_fp.error")

RAISE_SERVER_EXCEPTIONS = "lette_fp.raise_server_exceptions"
"""Scope key the test client sets to have unhandled exceptions re-raised after the 500 is sent."""


def request_from_scope(app: App, scope: Scope, method: str, body: bytes | Incoming, scheme: str) -> Request:
    """Return the Request for an http or websocket `scope` (`scheme` when the scope names none).
    `serve` builds the same Request inline from a scope that has every key (uvicorn's and
    hypercorn's do), and calls this for one that leaves some to their defaults."""
    state = app.state
    if state is None:
        scope_state = scope.get("state")
        state = app.request_state(scope_state) if scope_state else EMPTY_MAPPING
    return Request(
        method,
        scope["path"],
        scope.get("root_path", ""),
        scope.get("query_string", b""),
        scope["headers"],
        scope.get("client"),
        scope.get("server"),
        scope.get("scheme", scheme),
        scope.get("http_version", "1.1"),
        EMPTY_MAPPING,
        state,
        EMPTY_MAPPING,
        body,
        app,
    )


async def serve(app: App, scope: Scope, receive: Receive, send: Send) -> None:
    """`App.__call__`, the ASGI entry point. An `http` scope is served here: build the Request, run
    `app.responder`, send the Response. Any other scope goes to the app's `asgi/app.py` callable.

    Without app-wide middleware, hosts or a root path, a request that a static route or the trie
    takes directly (no mount prefix) is routed here first: the Request is built once with its
    path params and the endpoint called as `App.dispatch` would; anything else (404, 405, slash
    redirects, mounts) goes through `app.responder`, which routes it again."""
    if scope["type"] != "http":
        await app._asgi(scope, receive, send)
        return
    method = scope["method"]
    path = scope["path"]
    headers = scope["headers"]
    body = Incoming(receive, headers, app.max_body_size)
    endpoint = None
    gone: ClientDisconnected | None = None
    state = app.state
    try:
        if state is None:
            scope_state = scope["state"]
            state = app.request_state(scope_state) if scope_state else EMPTY_MAPPING
        root_path = scope["root_path"]
        query_string = scope["query_string"]
        client = scope["client"]
        server = scope["server"]
        scheme = scope["scheme"]
        http_version = scope["http_version"]
    except KeyError:
        req = request_from_scope(app, scope, method, body, "http")
    else:
        params: Mapping[str, Any] = EMPTY_MAPPING
        routes = app.edge_routes
        if routes is not None and not root_path:
            by_method = routes[0].get(path)
            if by_method is not None:
                endpoint = by_method.get(method)
            elif routes[1] is not None:
                try:
                    found = routes[1](path, method)
                except Exception:
                    found = None  # a converter failed: `dispatch` routes again, inside the error handling
                if found is not None and not found.prefix:
                    endpoint = found.endpoint
                    params = found.params
        req = Request(
            method, path, root_path, query_string, headers, client, server, scheme, http_version,
            params, state, EMPTY_MAPPING, body, app,
        )
    try:
        resp = app.responder(req) if endpoint is None else endpoint[0](req)
        if type(resp) is not Response:
            if endpoint is not None and endpoint[1] and type(resp) is not CoroutineType:
                resp = interpret(resp)  # what a sync handler returned: a container or None
            resp = await resp  # type: ignore[misc]
            if type(resp) is not Response:
                resp = await interpret(resp)
    except ClientDisconnected as exc:
        gone = exc
        return
    except Exception as exc:
        handled = await app.handle_exception(req, exc)
        if handled is not None:
            await send_response(handled, scope, body, send)
            return
        logger.error("Exception in %s %s", req.method, req.path, exc_info=exc)
        resp = await app.error_response(req, exc)
        await send_response(resp, scope, body, send)
        if scope.get(RAISE_SERVER_EXCEPTIONS):
            raise
        return
    else:
        entity = resp.body
        status = resp.status
        if type(entity) is bytes and not resp.background and (status == 200 or (status > 200 and status != 204 and status != 304)):
            # `bytes_messages`, inlined: the common case costs no call
            size = len(entity)
            length = CONTENT_LENGTHS.get(size) or content_length(size)
            await send({"type": "http.response.start", "status": status, "headers": [*resp.headers, length]})
            await send({"type": "http.response.body", "body": entity if method != "HEAD" else b""})
        else:
            await send_response(resp, scope, body, send)
    finally:
        shared = body.shared_state
        if shared is not None:
            if shared.cleanups is not None:
                body.release()
            if shared.deferred is not None:
                await body.run_deferred(gone or sys.exc_info()[1])


def make_http(app: App) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Return the ASGI callable for `http` scopes of `app`."""
    return functools.partial(serve, app)
