"""BlackSheep: functions bound by type annotations, response helpers, dataclass bodies.

Each app gets its own ``Router`` (BlackSheep's default router is a module global).
Path parameters are typed in the pattern (``{int:id}``), the x-token header is bound
through a named ``FromHeader`` subclass as the docs show, and S5 binds the body with
``FromJSON[dataclass]``. BlackSheep middleware is app-wide, so S6 is measured on a
separate app (``make_mw_app``) with three ``async def (request, handler)`` middleware.
"""

from __future__ import annotations

from typing import Any

from blacksheep import Application, Request, Response, Router, WebSocket, json, text
from blacksheep.contents import StreamedContent
from blacksheep.server.bindings import FromHeader, FromJSON
from blacksheep.server.sse import ServerSentEventsResponse, TextServerSentEvent
from blacksheep.server.websocket import WebSocketDisconnectError

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


class FromXToken(FromHeader[str]):
    name = "x-token"


async def plaintext() -> Response:
    return text(PLAINTEXT)


async def hello_json() -> Response:
    return json(MESSAGE)


async def user(id: int) -> Response:
    return json({"id": id})


async def echo(x_token: FromXToken, q: str | None = None) -> Response:
    return json({"q": q, "token": x_token.value})


async def create_item(item: FromJSON[ItemDataclass]) -> Response:
    return json(item.value)


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


async def streamed() -> Response:
    return Response(200, None, StreamedContent(b"application/octet-stream", _chunks))


async def _events():  # type: ignore[no-untyped-def]
    for i in range(SSE_EVENTS):
        yield TextServerSentEvent(str(i))


async def events() -> Response:
    return ServerSentEventsResponse(_events)


async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnectError:
        pass


async def decoy() -> Response:
    return json(DECOY_BODY)


async def decoy_param(id: int) -> Response:
    return json(DECOY_BODY)


async def passthrough(request: Request, handler: Any) -> Response:
    return await handler(request)


def _app() -> Application:
    return Application(router=Router(), show_error_details=False)


def make_app(decoys: int = 50) -> Application:
    app = _app()
    add_get = app.router.add_get
    add_get("/plaintext", plaintext)
    add_get("/json", hello_json)
    add_get("/echo", echo)
    app.router.add_post("/items", create_item)
    add_get("/stream", streamed)
    add_get("/sse", events)
    app.router.add_ws("/ws/echo", ws_echo)
    for kind, i in decoy_routes(decoys):
        if kind == "static":
            add_get(f"/d{i}/items", decoy)
        else:
            add_get(f"/d{i}/items/{{int:id}}", decoy_param)
    add_get("/users/{int:id}", user)
    return app


def make_mw_app() -> Application:
    app = _app()
    app.router.add_get("/mw/json", hello_json)
    app.middlewares.extend([passthrough, passthrough, passthrough])
    return app
