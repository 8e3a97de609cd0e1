"""Starlette: Route/Router, plain Response classes, pure ASGI middleware.

Starlette's docs recommend pure ASGI middleware over BaseHTTPMiddleware; S6 attaches
three of them to the /mw/json route only (``Route(..., middleware=[...])``). Starlette
does no validation, so S5 builds a dataclass from ``await request.json()``.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from benchmarks.apps.common import (
    DECOY_BODY,
    MESSAGE,
    PLAINTEXT,
    SSE_EVENTS,
    STREAM_CHUNK,
    STREAM_CHUNKS,
    ItemDataclass,
    decoy_routes,
)


async def plaintext(request: Request) -> Response:
    return PlainTextResponse(PLAINTEXT)


async def hello_json(request: Request) -> Response:
    return JSONResponse(MESSAGE)


async def user(request: Request) -> Response:
    return JSONResponse({"id": request.path_params["id"]})


async def echo(request: Request) -> Response:
    return JSONResponse(
        {"q": request.query_params.get("q"), "token": request.headers.get("x-token")}
    )


async def create_item(request: Request) -> Response:
    item = ItemDataclass(**await request.json())
    # A flat dataclass: vars() is its plain dict. dataclasses.asdict() would deep-copy
    # every list (about 50 µs of this request on the reference machine).
    return JSONResponse(vars(item))


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


async def streamed(request: Request) -> Response:
    return StreamingResponse(_chunks(), media_type="application/octet-stream")


async def _events():  # type: ignore[no-untyped-def]
    for i in range(SSE_EVENTS):
        yield f"data: {i}\n\n"


async def events(request: Request) -> Response:
    # Starlette has no SSE helper (sse-starlette is a separate package): a StreamingResponse
    # of preformatted events, with no idle ping.
    return StreamingResponse(
        _events(), media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    async for message in websocket.iter_text():
        await websocket.send_text(message)


async def decoy(request: Request) -> Response:
    return JSONResponse(DECOY_BODY)


class PassThrough:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def make_app(decoys: int = 50) -> Starlette:
    routes: list[Any] = [
        Route("/plaintext", plaintext),
        Route("/json", hello_json),
        Route("/echo", echo),
        Route("/items", create_item, methods=["POST"]),
        Route(
            "/mw/json",
            hello_json,
            middleware=[Middleware(PassThrough), Middleware(PassThrough), Middleware(PassThrough)],
        ),
        Route("/stream", streamed),
        Route("/sse", events),
        WebSocketRoute("/ws/echo", ws_echo),
    ]
    for kind, i in decoy_routes(decoys):
        path = f"/d{i}/items" if kind == "static" else f"/d{i}/items/{{id:int}}"
        routes.append(Route(path, decoy))
    routes.append(Route("/users/{id:int}", user))
    return Starlette(routes=routes)
