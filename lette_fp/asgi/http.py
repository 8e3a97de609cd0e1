"""Serving one HTTP request: build the Request, run the pipeline, send the Response."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from lette_fp.asgi.body import Incoming
from lette_fp.asgi.send import Receive, Scope, Send, send_response
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.request import EMPTY_MAPPING, Request

if TYPE_CHECKING:
    from lette_fp.app import App

logger = logging.getLogger("lette_fp.error")

RAISE_SERVER_EXCEPTIONS = "lette_fp.raise_server_exceptions"
"""Scope key the test client sets to have unhandled exceptions re-raised after the 500 is sent."""


def make_http(app: App) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Return the ASGI callable for `http` scopes of `app` (configuration read once, here)."""
    handler = app.handler
    limit = app.max_body_size

    async def serve_http(scope: Scope, receive: Receive, send: Send) -> None:
        headers = scope["headers"]
        state = app.state
        if state is None:
            scope_state = scope.get("state")
            state = app.request_state(scope_state) if scope_state else EMPTY_MAPPING
        body = Incoming(receive, headers, limit)
        req = Request(
            scope["method"],
            scope["path"],
            scope.get("root_path", ""),
            scope.get("query_string", b""),
            headers,
            scope.get("client"),
            scope.get("server"),
            scope.get("scheme", "http"),
            scope.get("http_version", "1.1"),
            EMPTY_MAPPING,
            state,
            EMPTY_MAPPING,
            body,
            app,
        )
        try:
            resp = await handler(req)
        except ClientDisconnected:
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
            await send_response(resp, scope, body, send)
        finally:
            shared = body.shared_state
            if shared is not None and shared.cleanups is not None:
                body.release()

    return serve_http
