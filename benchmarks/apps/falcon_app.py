"""Falcon (ASGI): resource classes with async responders, ``resp.media`` for JSON.

Falcon's middleware is not wrapper-shaped: a component's ``process_request`` and
``process_response`` are called around the responder. That is Falcon's recommended
(and only app-level) middleware style, so S6 uses three pass-through components on a
separate app (``make_mw_app``) because components are app-wide. S5 builds a dataclass
from ``await req.get_media()``.
"""

from __future__ import annotations

from typing import Any

import falcon
import falcon.asgi

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

Req = falcon.asgi.Request
Resp = falcon.asgi.Response


class Plaintext:
    async def on_get(self, req: Req, resp: Resp) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = PLAINTEXT


class HelloJson:
    async def on_get(self, req: Req, resp: Resp) -> None:
        resp.media = MESSAGE


class User:
    async def on_get(self, req: Req, resp: Resp, id: int) -> None:
        resp.media = {"id": id}


class Echo:
    async def on_get(self, req: Req, resp: Resp) -> None:
        resp.media = {"q": req.get_param("q"), "token": req.get_header("x-token")}


class Items:
    async def on_post(self, req: Req, resp: Resp) -> None:
        item = ItemDataclass(**await req.get_media())
        # A flat dataclass: vars() is its plain dict (dataclasses.asdict() deep-copies).
        resp.media = vars(item)


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


class Streamed:
    async def on_get(self, req: Req, resp: Resp) -> None:
        resp.content_type = "application/octet-stream"
        resp.stream = _chunks()


async def _events():  # type: ignore[no-untyped-def]
    for i in range(SSE_EVENTS):
        yield falcon.asgi.SSEvent(text=str(i))


class Events:
    async def on_get(self, req: Req, resp: Resp) -> None:
        resp.sse = _events()


class WsEcho:
    async def on_websocket(self, req: Req, ws: falcon.asgi.WebSocket) -> None:
        await ws.accept()
        try:
            while True:
                await ws.send_text(await ws.receive_text())
        except falcon.WebSocketDisconnected:
            pass


class Decoy:
    async def on_get(self, req: Req, resp: Resp, **params: Any) -> None:
        resp.media = DECOY_BODY


class PassThrough:
    async def process_request(self, req: Req, resp: Resp) -> None:
        pass

    async def process_response(
        self, req: Req, resp: Resp, resource: object, req_succeeded: bool
    ) -> None:
        pass


def make_app(decoys: int = 50) -> falcon.asgi.App:
    app = falcon.asgi.App()
    app.add_route("/plaintext", Plaintext())
    app.add_route("/json", HelloJson())
    app.add_route("/echo", Echo())
    app.add_route("/items", Items())
    app.add_route("/stream", Streamed())
    app.add_route("/sse", Events())
    app.add_route("/ws/echo", WsEcho())
    decoy = Decoy()
    for kind, i in decoy_routes(decoys):
        path = f"/d{i}/items" if kind == "static" else f"/d{i}/items/{{id:int}}"
        app.add_route(path, decoy)
    app.add_route("/users/{id:int}", User())
    return app


def make_mw_app() -> falcon.asgi.App:
    app = falcon.asgi.App(middleware=[PassThrough(), PassThrough(), PassThrough()])
    app.add_route("/mw/json", HelloJson())
    return app
