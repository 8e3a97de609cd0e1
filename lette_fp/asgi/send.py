"""Sending a Response: the body's type decides how it is written."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

import anyio
import anyio.to_thread

from lette_fp.asgi.files import send_file
from lette_fp.asgi.streaming import send_stream
from lette_fp.http.entities import Delegate, Stream
from lette_fp.http.files import File
from lette_fp.http.response import Response
from lette_fp.http.streams import HeartbeatStream
from lette_fp.pipeline import is_async_callable

Scope = MutableMapping[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Sender = Callable[[Response, Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("lette_fp.error")

_NO_BODY_STATUS = frozenset({204, 304})
_senders: dict[type, Sender] = {}


def register_sender(entity_type: type, sender: Sender) -> None:
    """Teach the adapter to send bodies of `entity_type` (e.g. files) with `sender`."""
    _senders[entity_type] = sender


def body_allowed(status: int) -> bool:
    """Return whether a response with `status` may carry a body and a Content-Length."""
    return status >= 200 and status not in _NO_BODY_STATUS


CONTENT_LENGTHS: dict[int, tuple[bytes, bytes]] = {}
"""`content-length` header pairs already made, by size (sizes under 4096); `content_length` fills it."""
_CACHED_LENGTHS = 4096


def content_length(size: int) -> tuple[bytes, bytes]:
    """Return the `content-length` header pair for `size` bytes (cached for small sizes)."""
    length = (b"content-length", b"%d" % size)
    if size < _CACHED_LENGTHS:
        CONTENT_LENGTHS[size] = length
    return length


def bytes_messages(resp: Response, body: bytes, method: str) -> tuple[Message, Message]:
    """Return the `http.response.start` and `http.response.body` messages of `resp`, whose body
    is `body` bytes: Content-Length added where a body is allowed, no body bytes for `HEAD`."""
    status = resp.status
    if status >= 200 and status not in _NO_BODY_STATUS:
        size = len(body)
        length = CONTENT_LENGTHS.get(size) or content_length(size)
        headers: Any = [*resp.headers, length]
        if method == "HEAD":
            body = b""
    else:
        headers, body = resp.headers, b""
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


def send_response(resp: Response, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
    """Return the awaitable that sends `resp` (headers, then the body as its entity type says),
    then runs its background tasks."""
    if resp.background:
        return _send_then_run_background(resp, scope, receive, send)
    return send_entity(resp, scope, receive, send)


def send_entity(resp: Response, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
    """Return the awaitable that sends `resp`'s headers and body (not its background tasks)."""
    body = resp.body
    if type(body) is bytes:
        return _send_bytes(resp, body, scope["method"], send)
    sender = _senders.get(type(body))
    if sender is None:
        raise TypeError(f"no sender for a body of type {type(body).__name__}")
    return sender(resp, scope, receive, send)


async def _send_bytes(resp: Response, body: bytes, method: str, send: Send) -> None:
    start, end = bytes_messages(resp, body, method)
    await send(start)
    await send(end)


async def _send_then_run_background(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    await send_entity(resp, scope, receive, send)
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


async def send_delegate(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Hand the exchange to a mounted ASGI app, adding the response's headers to its own."""
    body = cast(Delegate, resp.body)
    child = {**scope, "root_path": body.root_path, "path_params": dict(body.params)}
    extra = resp.headers
    if extra:

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await body.app(child, receive, send_with_headers)
    else:
        await body.app(child, receive, send)


register_sender(Stream, send_stream)
register_sender(HeartbeatStream, send_stream)
register_sender(File, send_file)
register_sender(Delegate, send_delegate)
