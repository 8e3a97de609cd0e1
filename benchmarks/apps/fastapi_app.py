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

from fastapi import Depends, FastAPI, Header, HTTPException, Query, WebSocket, WebSocketDisconnect
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
    USERS_BY_TOKEN,
    decoy_routes,
)
from benchmarks.apps.pydantic_item import ItemModel as Item


class Message(BaseModel):
    message: str


class UserOut(BaseModel):
    id: int


class Echo(BaseModel):
    q: str | None
    token: str | None


class Decoy(BaseModel):
    decoy: bool


_MESSAGE = Message(**MESSAGE)


async def plaintext() -> PlainTextResponse:
    return PlainTextResponse(PLAINTEXT)


async def hello_json() -> Message:
    return _MESSAGE


async def user(id: int) -> UserOut:
    return UserOut(id=id)


async def echo(q: str | None = None, x_token: Annotated[str | None, Header()] = None) -> Echo:
    return Echo(q=q, token=x_token)


class SearchOut(BaseModel):
    q: str
    limit: int
    tags: list[str]
    user: str


async def current_user(x_token: Annotated[str, Header()]) -> str:
    user = USERS_BY_TOKEN.get(x_token)
    if user is None:
        raise HTTPException(401, "unknown token")
    return user


async def search(
    q: str,
    user: Annotated[str, Depends(current_user)],
    limit: int = 10,
    tags: Annotated[list[str], Query()] = [],  # noqa: B006
) -> SearchOut:
    return SearchOut(q=q, limit=limit, tags=tags, user=user)


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
    app.get("/search", response_model=SearchOut)(search)
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
