"""The ASGI callable made from a Compiled value: http, websocket and lifespan scopes."""

from __future__ import annotations

from lette_fp.asgi.compiled import Compiled
from lette_fp.asgi.http import make_http
from lette_fp.asgi.lifespan import serve_lifespan
from lette_fp.asgi.types import ASGIApp, Receive, Scope, Send
from lette_fp.asgi.websocket import make_websocket
from lette_fp.http.request import DEBUG_SCOPE_KEY


def make_asgi(compiled: Compiled) -> ASGIApp:
    """Return the ASGI callable serving `compiled`: http first (the common case costs one type
    check), then websocket and lifespan."""
    serve_websocket = make_websocket(compiled)

    async def others(scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "websocket":
            await serve_websocket(scope, receive, send)
        elif kind == "lifespan":
            await serve_lifespan(compiled, scope, receive, send)
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    serve = make_http(compiled, others)
    if not compiled.debug:
        return serve

    async def serve_debug(scope: Scope, receive: Receive, send: Send) -> None:
        scope[DEBUG_SCOPE_KEY] = True
        await serve(scope, receive, send)

    return serve_debug
