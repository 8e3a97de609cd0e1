"""FastAPI: typed path/query/header parameters, pydantic models, return annotations.

FastAPI's docs: declare a return type (or response_model) and FastAPI serialises
through pydantic straight to JSON bytes, which they call the fast path (ORJSONResponse
is deprecated in its favour). Middleware in FastAPI is app-wide, so S6 is measured on
a separate app (``make_mw_app``) with three pure ASGI middleware added through
``app.add_middleware``, as the "Advanced middleware" docs show.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import FastAPI, Header, WebSocket, WebSocketDisconnect
from fastapi.responses import PlainTextResponse, StreamingResponse
from fastapi.sse import EventSourceResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from benchmarks.apps.common import (
    MESSAGE,
    PLAINTEXT,
    SSE_EVENTS,
    STREAM_CHUNK,
    STREAM_CHUNKS,
    decoy_routes,
)


class Message(BaseModel):
    message: str


class UserOut(BaseModel):
    id: int


class Echo(BaseModel):
    q: str | None
    token: str | None


class Decoy(BaseModel):
    decoy: bool


class Item(BaseModel):
    id: int
    sku: str
    name: str
    description: str
    price: float
    discount: float
    currency: str
    in_stock: bool
    quantity: int
    vendor: str
    vendor_id: int
    category: str
    weight_kg: float
    tags: list[str]
    ratings: list[int]
    related_ids: list[int]
    features: list[str]


_MESSAGE = Message(**MESSAGE)


async def plaintext() -> PlainTextResponse:
    return PlainTextResponse(PLAINTEXT)


async def hello_json() -> Message:
    return _MESSAGE


async def user(id: int) -> UserOut:
    return UserOut(id=id)


async def echo(q: str | None = None, x_token: Annotated[str | None, Header()] = None) -> Echo:
    return Echo(q=q, token=x_token)


async def create_item(item: Item) -> Item:
    return item


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


async def streamed() -> StreamingResponse:
    return StreamingResponse(_chunks(), media_type="application/octet-stream")


async def events() -> AsyncIterator[int]:
    # FastAPI's SSE: a generator path operation with EventSourceResponse; each plain value is
    # sent as JSON data (an int is `data: <i>`); an idle keep-alive ping every 15 s.
    for i in range(SSE_EVENTS):
        yield i


async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


async def decoy() -> Decoy:
    return Decoy(decoy=True)


async def decoy_param(id: int) -> Decoy:
    return Decoy(decoy=True)


class PassThrough:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def make_app(decoys: int = 50) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.get("/plaintext")(plaintext)
    app.get("/json")(hello_json)
    app.get("/echo")(echo)
    app.post("/items")(create_item)
    app.get("/stream")(streamed)
    app.get("/sse", response_class=EventSourceResponse)(events)
    app.websocket("/ws/echo")(ws_echo)
    for kind, i in decoy_routes(decoys):
        if kind == "static":
            app.get(f"/d{i}/items")(decoy)
        else:
            app.get(f"/d{i}/items/{{id}}")(decoy_param)
    app.get("/users/{id}")(user)
    return app


def make_mw_app() -> Any:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.get("/mw/json")(hello_json)
    for _ in range(3):
        app.add_middleware(PassThrough)
    return app
