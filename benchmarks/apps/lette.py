"""lette_fp: the public API with default settings.

S6 uses route-level middleware on /mw/json so the other scenarios pay nothing for it.
S5 uses the typed handler form ``def create(req, item: Item)`` when the App accepts it,
else ``await req.read()`` and ``req.json(Item)``.
"""

from __future__ import annotations

from typing import Any

import lette_fp
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
from lette_fp import App, Request, Response, accept, get, json, post, sse, text, websocket


def plaintext(req: Request) -> Response:
    return text(PLAINTEXT)


def hello_json(req: Request) -> Response:
    return json(MESSAGE)


def user(req: Request) -> Response:
    return json({"id": req.path_params["id"]})


def echo(req: Request) -> Response:
    return json({"q": req.query.get("q"), "token": req.headers.get("x-token")})


def create_typed(req: Request, item: ItemStruct) -> Response:
    return json(item)


async def create_read(req: Request) -> Response:
    req = await req.read()
    return json(req.json(ItemStruct))


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


# Scenarios this lette_fp cannot run yet (the runner shows them as FAILED with the
# reason) and what the runner should print under the tables.
MISSING: dict[str, str] = {}
NOTES: list[str] = []
if not hasattr(lette_fp, "stream"):
    MISSING["S7"] = "lette_fp exports no stream()"


def streamed(req: Request) -> Response:
    return lette_fp.stream(_chunks(), media_type="application/octet-stream")


async def _events():  # type: ignore[no-untyped-def]
    for i in range(SSE_EVENTS):
        yield str(i)


def events(req: Request) -> Response:
    return sse(_events())


async def _echo(incoming):  # type: ignore[no-untyped-def]
    async for message in incoming:
        yield message


def ws_echo(req: Request) -> Response:
    return accept(_echo)


def decoy(req: Request) -> Response:
    return json(DECOY_BODY)


def passthrough(handler: Any) -> Any:
    async def wrapped(req: Request) -> Response:
        return await handler(req)

    return wrapped


def _routes(decoys: int, create: Any) -> list[Any]:
    routes: list[Any] = [
        get("/plaintext", plaintext),
        get("/json", hello_json),
        get("/echo", echo),
        post("/items", create),
        get("/mw/json", hello_json, middleware=[passthrough, passthrough, passthrough]),
        get("/stream", streamed),
        get("/sse", events),
        websocket("/ws/echo", ws_echo),
    ]
    for kind, i in decoy_routes(decoys):
        path = f"/d{i}/items" if kind == "static" else f"/d{i}/items/{{id:int}}"
        routes.append(get(path, decoy))
    routes.append(get("/users/{id:int}", user))
    return routes


def make_app(decoys: int = 50) -> App:
    try:
        app = App(routes=_routes(decoys, create_typed))
        note = "lette_fp S5 uses the typed handler form `def create(req, item: Item)`."
    except Exception as exc:  # the typed form is not accepted (yet): fall back to read()
        app = App(routes=_routes(decoys, create_read))
        note = (
            "lette_fp S5 uses `await req.read()` + `req.json(Item)`: the typed form "
            f"`def create(req, item: Item)` was refused ({type(exc).__name__})."
        )
    if note not in NOTES:
        NOTES.append(note)
    return app
