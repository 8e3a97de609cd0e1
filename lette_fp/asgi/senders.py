"""Sending a Response: one sender per entity type, in one table, then the background tasks.

Every `http.response.start` message carries a fresh `list` of header pairs, whatever the body:
outer ASGI middleware (Starlette's GZip, CORS and session middleware) edits it in place.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import cast

import anyio
import anyio.to_thread

from lette_fp.asgi.files import send_file
from lette_fp.asgi.streaming import send_stream
from lette_fp.asgi.types import Message, Receive, Scope, Send
from lette_fp.http.entities import Delegate, File, Stream, WebSocketPipe
from lette_fp.http.response import Response, text
from lette_fp.pipeline import is_async_callable

Sender = Callable[[Response, Scope, Receive, Send], Awaitable[None]]
"""Sends one kind of body: `(resp, scope, receive, send)`."""

logger = logging.getLogger("lette_fp.error")

_NO_BODY_STATUS = frozenset({204, 304})

CONTENT_LENGTHS: dict[int, tuple[bytes, bytes]] = {}
"""`content-length` header pairs already made, by size (sizes under 4096); `content_length` fills it."""
_CACHED_LENGTHS = 4096


def body_allowed(status: int) -> bool:
    """Return whether a response with `status` may carry a body and a Content-Length."""
    return status >= 200 and status not in _NO_BODY_STATUS


def content_length(size: int) -> tuple[bytes, bytes]:
    """Return the `content-length` header pair for `size` bytes (cached for small sizes)."""
    length = (b"content-length", b"%d" % size)
    if size < _CACHED_LENGTHS:
        CONTENT_LENGTHS[size] = length
    return length


async def send_bytes(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Send a `bytes` body (a `bytearray` or `memoryview` one as bytes) with its Content-Length
    where a body is allowed; no body bytes for `HEAD`."""
    body = resp.body
    if type(body) is not bytes:
        body = bytes(cast(bytearray, body))
    status = resp.status
    if status >= 200 and status not in _NO_BODY_STATUS:
        size = len(body)
        headers = [*resp.headers, CONTENT_LENGTHS.get(size) or content_length(size)]
        if scope["method"] == "HEAD":
            body = b""
    else:
        headers, body = list(resp.headers), b""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_delegate(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Hand the exchange to a mounted ASGI app, adding the response's headers to its own. When the
    app raises before it starts its response, a plain 500 is sent for it; the exception goes on."""
    body = cast(Delegate, resp.body)
    child = {**scope, "root_path": body.root_path, "path_params": dict(body.params)}
    extra = resp.headers
    started = False

    async def send_with_headers(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        await send(message)

    try:
        await body.app(child, receive, send_with_headers)
    except Exception:
        if not started:
            await send_bytes(_MOUNTED_APP_FAILED, scope, receive, send)
        raise


_MOUNTED_APP_FAILED = text("Internal Server Error", status=500)
"""What the client gets when a mounted ASGI app raises before it answers."""


async def refuse_pipe(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """An `accept(...)` answer reached an HTTP request: that is a programming error (500)."""
    raise TypeError("accept() answers WebSocket handshakes; this is an HTTP request")


SENDERS: dict[type, Sender] = {
    bytes: send_bytes,
    bytearray: send_bytes,
    memoryview: send_bytes,
    Stream: send_stream,
    File: send_file,
    Delegate: send_delegate,
    WebSocketPipe: refuse_pipe,
}
"""The sender of each entity type of `lette_fp.http.entities.Entity` (the closed union)."""


def sender_for(resp: Response) -> Sender:
    """Return the sender of `resp`'s body; TypeError for a body that is no entity."""
    sender = SENDERS.get(type(resp.body))
    if sender is None:
        raise TypeError(f"a Response body must be an entity (bytes, Stream, File, ...), not {type(resp.body).__name__}")
    return sender


async def send_response(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Send `resp` (headers, then the body as its entity type says), then run its background tasks."""
    await sender_for(resp)(resp, scope, receive, send)
    if resp.background:
        await run_background(resp)


async def run_background(resp: Response) -> None:
    """Run the response's background tasks in order; an exception is logged and the rest still run."""
    for task in resp.background:
        try:
            if is_async_callable(task.fn):
                await task.fn(*task.args, **task.kwargs)
            else:
                await anyio.to_thread.run_sync(functools.partial(task.fn, *task.args, **task.kwargs))
        except Exception:
            logger.exception("background task %r failed", getattr(task.fn, "__name__", task.fn))
