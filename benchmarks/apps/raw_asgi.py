"""The floor: a hand-written ASGI app with no framework at all.

Routing is a dict lookup for static paths plus a prefix check for ``/users/``; the
decoys sit in the same dict, so they cost nothing, which is the point of a floor.
JSON goes through one pre-built msgspec encoder. S6 wraps the handler in three
pass-through ASGI middleware, applied to that route only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import msgspec

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

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_encode = msgspec.json.Encoder().encode
_decode_item = msgspec.json.Decoder(ItemStruct).decode

_JSON = b"application/json"


async def _respond(send: Send, status: int, ctype: bytes, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


_PLAIN_BODY = PLAINTEXT.encode()
_PLAIN_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(_PLAIN_BODY)).encode()),
    ],
}


async def plaintext(scope: Scope, receive: Receive, send: Send) -> None:
    await send(_PLAIN_START)
    await send({"type": "http.response.body", "body": _PLAIN_BODY})


async def hello_json(scope: Scope, receive: Receive, send: Send) -> None:
    await _respond(send, 200, _JSON, _encode(MESSAGE))


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    query = parse_qs(scope["query_string"].decode("latin-1"))
    token = None
    for name, value in scope["headers"]:
        if name == b"x-token":
            token = value.decode("latin-1")
            break
    q = query.get("q")
    await _respond(send, 200, _JSON, _encode({"q": q[0] if q else None, "token": token}))


async def create_item(scope: Scope, receive: Receive, send: Send) -> None:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    try:
        item = _decode_item(b"".join(chunks))
    except msgspec.ValidationError:
        await _respond(send, 422, b"text/plain; charset=utf-8", b"invalid item")
        return
    await _respond(send, 200, _JSON, _encode(item))


async def streamed(scope: Scope, receive: Receive, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/octet-stream")],
        }
    )
    async for chunk in _chunks():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _chunks():  # type: ignore[no-untyped-def]
    for _ in range(STREAM_CHUNKS):
        yield STREAM_CHUNK


_SSE_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")],
}


async def _numbers():  # type: ignore[no-untyped-def]
    for i in range(SSE_EVENTS):
        yield i


async def sse_events(scope: Scope, receive: Receive, send: Send) -> None:
    await send(_SSE_START)
    async for i in _numbers():
        await send({"type": "http.response.body", "body": b"data: %d\n\n" % i, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def ws_echo(scope: Scope, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            if text is not None:
                await send({"type": "websocket.send", "text": text})
            else:
                await send({"type": "websocket.send", "bytes": message["bytes"]})
        elif kind == "websocket.connect":
            await send({"type": "websocket.accept"})
        else:
            return


def _passthrough(inner: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        await inner(scope, receive, send)

    return middleware


async def _decoy(scope: Scope, receive: Receive, send: Send) -> None:
    await _respond(send, 200, _JSON, _encode(DECOY_BODY))


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await _respond(send, 404, b"text/plain; charset=utf-8", b"Not Found")


def make_app(decoys: int = 50) -> ASGIApp:
    get: dict[str, ASGIApp] = {
        "/plaintext": plaintext,
        "/json": hello_json,
        "/echo": echo,
        "/mw/json": _passthrough(_passthrough(_passthrough(hello_json))),
        "/stream": streamed,
        "/sse": sse_events,
    }
    post: dict[str, ASGIApp] = {"/items": create_item}
    param_prefixes: dict[str, ASGIApp] = {}
    for kind, i in decoy_routes(decoys):
        if kind == "static":
            get[f"/d{i}/items"] = _decoy
        else:
            param_prefixes[f"/d{i}/items/"] = _decoy

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] == "websocket":
            if scope["path"] == "/ws/echo":
                return await ws_echo(scope, receive, send)
            await receive()
            return await send({"type": "websocket.close", "code": 1008})
        path: str = scope["path"]
        routes = post if scope["method"] == "POST" else get
        handler = routes.get(path)
        if handler is not None:
            return await handler(scope, receive, send)
        if scope["method"] == "GET":
            if path.startswith("/users/"):
                tail = path[7:]
                if tail.isdigit():
                    return await _respond(send, 200, _JSON, _encode({"id": int(tail)}))
            else:
                prefix, _, tail = path.rpartition("/")
                if tail.isdigit() and prefix + "/" in param_prefixes:
                    return await param_prefixes[prefix + "/"](scope, receive, send)
        await _not_found(scope, receive, send)

    return app
