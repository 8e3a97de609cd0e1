"""Litestar: typed handlers, msgspec Structs for bodies, ASGIMiddleware for S6.

Litestar's docs name msgspec Structs the fastest way to model data; it decodes the
S5 body straight into the Struct. S6 attaches three ``ASGIMiddleware`` subclasses (the
style the docs recommend since 2.15) to the /mw/json handler only. POST handlers
default to 201 in Litestar; S5 sets ``status_code=200`` so every app answers alike.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Litestar, MediaType, WebSocket, get, post, websocket
from litestar.middleware import ASGIMiddleware
from litestar.params import Parameter
from litestar.response import ServerSentEvent, Stream
from litestar.types import ASGIApp, Receive, Scope, Send

from benchmarks.apps.common import (
    DECOY_BODY,
    MESSAGE,
    PLAINTEXT,
    SSE_EVENTS,
    STREAM_CHUNK,
    STREAM_CHUNKS,
    ItemStruct,
    decoy_routes,
)


class PassThrough(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        await next_app(scope, receive, send)


@get("/plaintext", media_type=MediaType.TEXT)
async def plaintext() -> str:
    return PLAINTEXT


@get("/json")
async def hello_json() -> dict[str, str]:
    return MESSAGE


@get("/mw/json", middleware=[PassThrough(), PassThrough(), PassThrough()])
async def mw_json() -> dict[str, str]:
    return MESSAGE


@get("/users/{id:int}")
async def user(id: int) -> dict[str, int]:
    return {"id": id}


@get("/echo")
async def echo(
    q: str | None = None,
    x_token: Annotated[str | None, Parameter(header="x-token")] = None,
) -> dict[str, str | None]:
    return {"q": q, "token": x_token}


@post("/items", status_code=200)
async def create_item(data: ItemStruct) -> ItemStruct:
    return data


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


@get("/stream")
async def streamed() -> Stream:
    return Stream(_chunks(), media_type="application/octet-stream")


async def _events():  # type: ignore[no-untyped-def]
    for i in range(SSE_EVENTS):
        yield str(i)


@get("/sse")
async def events() -> ServerSentEvent:
    return ServerSentEvent(_events())


@websocket("/ws/echo")
async def ws_echo(socket: WebSocket) -> None:
    await socket.accept()
    async for message in socket.iter_data(mode="text"):
        await socket.send_text(message)


async def decoy() -> dict[str, bool]:
    return DECOY_BODY


async def decoy_param(id: int) -> dict[str, bool]:
    return DECOY_BODY


def make_app(decoys: int = 50) -> Litestar:
    handlers: list[Any] = [plaintext, hello_json, echo, create_item, mw_json, streamed, events, ws_echo]
    for kind, i in decoy_routes(decoys):
        if kind == "static":
            handlers.append(get(f"/d{i}/items")(decoy))
        else:
            handlers.append(get(f"/d{i}/items/{{id:int}}")(decoy_param))
    handlers.append(user)
    return Litestar(route_handlers=handlers, openapi_config=None)
