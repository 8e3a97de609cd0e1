"""The ASGI entry point of an App: dispatch on the scope's type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from lette_fp.asgi.http import make_http
from lette_fp.asgi.lifespan import serve_lifespan
from lette_fp.asgi.send import Receive, Scope, Send

if TYPE_CHECKING:
    from lette_fp.app import App

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_websocket_factory: Callable[[App], ASGIApp] | None = None


def register_websocket(factory: Callable[[App], ASGIApp]) -> None:
    """Install the factory that serves `websocket` scopes (the websocket module does this)."""
    global _websocket_factory
    _websocket_factory = factory


def make_asgi(app: App) -> ASGIApp:
    """Return `app`'s ASGI callable: http straight to the pipeline, websocket and lifespan aside."""
    serve_http = make_http(app)
    serve_websocket = _websocket_factory(app) if _websocket_factory is not None else None

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await serve_http(scope, receive, send)
        elif kind == "websocket":
            if serve_websocket is None:
                await send({"type": "websocket.close", "code": 1008})
                return
            await serve_websocket(scope, receive, send)
        elif kind == "lifespan":
            await serve_lifespan(app, scope, receive, send)
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    return asgi
