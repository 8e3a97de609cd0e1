"""The ASGI callable made from a Compiled value: dispatch on the scope's type."""

from __future__ import annotations

from lette_fp.asgi.compiled import Compiled
from lette_fp.asgi.http import serve_http
from lette_fp.asgi.lifespan import serve_lifespan
from lette_fp.asgi.types import ASGIApp, Receive, Scope, Send
from lette_fp.asgi.websocket import make_websocket
from lette_fp.http.request import DEBUG_SCOPE_KEY


def make_asgi(compiled: Compiled) -> ASGIApp:
    """Return the ASGI callable serving `compiled`: http, websocket and lifespan scopes."""
    serve_websocket = make_websocket(compiled)
    debug = compiled.debug

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if debug:
            scope[DEBUG_SCOPE_KEY] = True
        if kind == "http":
            await serve_http(compiled, scope, receive, send)
        elif kind == "websocket":
            await serve_websocket(scope, receive, send)
        elif kind == "lifespan":
            await serve_lifespan(compiled, scope, receive, send)
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    return asgi
