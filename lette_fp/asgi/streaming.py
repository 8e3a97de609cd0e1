"""Sending a body in chunks while watching for the client to leave.

`pump` sends each chunk as a `more_body` message. Alongside, one task waits for `http.disconnect`
(only once the request body is consumed, see `Incoming.wait_disconnect`); when it comes, the
chunk source is cancelled and closed at once, so a generator's `finally` runs even while it is
idle. A send that fails because the client left (ASGI 2.4 `OSError`) ends the stream the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Any, cast

import anyio
import anyio.lowlevel

from lette_fp.asgi.disconnect_watch import DisconnectWatch, running_asyncio_task
from lette_fp.asgi.heartbeat import Heartbeat, TimerHeartbeat, backend_clock
from lette_fp.asgi.threads import as_async_iterable
from lette_fp.asgi.types import Receive, Scope, Send
from lette_fp.http.entities import Stream
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.response import Response
from lette_fp.http.streams import Mapped

CLOSE_TIMEOUT = 5.0
"""Seconds a chunk source's cleanup may take after the client left before it is abandoned."""


async def wait_disconnect(receive: Receive) -> None:
    """Return when the client disconnects (through `receive.wait_disconnect` when it has one)."""
    wait = getattr(receive, "wait_disconnect", None)
    if wait is not None:
        await wait()
        return
    while (await receive())["type"] != "http.disconnect":
        await anyio.lowlevel.checkpoint()


async def close_source(source: Any) -> None:
    """Close an async iterator (its `finally` runs), shielded from cancellation, bounded in time."""
    aclose = getattr(source, "aclose", None)
    if aclose is not None:
        with anyio.move_on_after(CLOSE_TIMEOUT, shield=True):
            await aclose()


def _as_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode() if isinstance(chunk, str) else bytes(chunk)


async def _send_all(source: AsyncIterator[bytes | str], send: Send) -> None:
    async for chunk in source:
        if chunk and chunk.__class__ is bytes:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        else:
            data = _as_bytes(chunk)
            if data:
                await send({"type": "http.response.body", "body": data, "more_body": True})


async def _send_encoded(source: AsyncIterator[Any], send: Send, encode: Callable[[Any], bytes]) -> None:
    async for item in source:
        data = encode(item)
        if data:
            await send({"type": "http.response.body", "body": data, "more_body": True})


async def _send_beating(source: AsyncIterator[Any], send: Send, encode: Callable[[Any], bytes], beat: Heartbeat) -> None:
    clock = beat.clock
    async for item in source:
        data = encode(item)
        if data:
            message = {"type": "http.response.body", "body": data, "more_body": True}
            if beat.pinging is not None:
                await beat.pinging.wait()
            beat.sending = True
            await send(message)
            beat.sending = False
            beat.last = clock()


def _send_chunks(
    source: AsyncIterator[Any], send: Send, encode: Callable[[Any], bytes] | None, beat: Heartbeat | None
) -> Awaitable[None]:
    """Send every chunk (`encode(item)` for each item, with `encode`) as a `more_body` message,
    keeping `beat` informed when there is one."""
    if beat is not None:
        return _send_beating(source, send, encode or _as_bytes, beat)
    if encode is not None:
        return _send_encoded(source, send, encode)
    return _send_all(source, send)


_asyncio_scope_type: type[anyio.CancelScope] | None = None


def _asyncio_cancel_scope() -> anyio.CancelScope:
    """Return a new anyio CancelScope, on asyncio. `anyio.CancelScope()` asks sniffio which
    backend runs every time (about half its cost); the class it returned once is asyncio's own
    and is called directly after that."""
    global _asyncio_scope_type
    if _asyncio_scope_type is None:
        scope = anyio.CancelScope()
        _asyncio_scope_type = type(scope)
        return scope
    return _asyncio_scope_type()


_SENT_WITHOUT_CLIENT = (OSError, ClientDisconnected)


class _Source:
    """What one pump iterates: the chunk source, the per-item encoding (for a `Mapped` body, whose
    mapping the pump does itself), and the heartbeat settings."""

    __slots__ = ("items", "encode", "interval", "ping")

    def __init__(self, chunks: AsyncIterable[Any], interval: float, ping: bytes) -> None:
        if type(chunks) is Mapped:
            self.items: AsyncIterator[Any] = aiter(chunks.source)
            self.encode: Callable[[Any], bytes] | None = chunks.encode
        else:
            self.items = aiter(chunks)
            self.encode = None
        self.interval = interval
        self.ping = ping


async def _pump_natively(task: asyncio.Task[Any], source: _Source, receive: Receive, send: Send) -> bool:
    """`pump` on asyncio, for a source that holds no shielded hand-off: a disconnect (or a ping
    that found the client gone) cancels the task the way `Task.cancel()` does, and it is then
    `uncancel`led, so the stream pays for no cancel scope."""
    watch = DisconnectWatch(task, receive, wait_disconnect)
    watch.start_soon()
    cancelling = task.cancelling()
    left = False
    exhausted = False
    failure: list[BaseException] = []
    beat = pinger = None
    if source.interval > 0:
        beat = Heartbeat(send, source.interval, source.ping, task.get_loop().time)

        def ping_failed(error: BaseException) -> None:
            failure.append(error)
            watch.client_left()

        pinger = TimerHeartbeat(beat, task.get_loop(), ping_failed)
    try:
        await _send_chunks(source.items, send, source.encode, beat)
        exhausted = True
    except _SENT_WITHOUT_CLIENT:
        left = True
    except asyncio.CancelledError:
        if not watch.fired:
            raise
        watch.fired = False
        if task.uncancel() > cancelling:
            raise
        left = True
    finally:
        if pinger is not None:
            pinger.stop()
        watch.settle()
        if watch.fired:
            task.uncancel()
            left = True
        if not exhausted:
            await close_source(source.items)
    _raise_unless_gone(failure)
    return left


def _raise_unless_gone(failure: list[BaseException]) -> None:
    if failure and not isinstance(failure[0], _SENT_WITHOUT_CLIENT):
        raise failure[0]


async def _pump_in_scope(source: _Source, receive: Receive, send: Send) -> bool:
    """`pump` on asyncio, for sources that hand work to a worker thread (sync iterators, files):
    the watcher cancels an anyio scope, so the shielded hand-off is never cut short. The watcher
    is a bare asyncio task started once the loop gets control."""
    left = False
    settled = False
    exhausted = False
    failure: list[BaseException] = []
    watcher: asyncio.Task[None] | None = None
    loop = asyncio.get_running_loop()
    try:
        with _asyncio_cancel_scope() as scope:

            def on_disconnect(task: asyncio.Task[None]) -> None:
                nonlocal left
                if not task.cancelled() and task.exception() is None and not settled:
                    left = True
                    scope.cancel()

            def start_watching() -> None:
                nonlocal watcher
                watcher = loop.create_task(wait_disconnect(receive))
                watcher.add_done_callback(on_disconnect)

            def ping_failed(error: BaseException) -> None:
                nonlocal left
                failure.append(error)
                left = True
                scope.cancel()

            beat = pinger = None
            if source.interval > 0:
                beat = Heartbeat(send, source.interval, source.ping, loop.time)
                pinger = TimerHeartbeat(beat, loop, ping_failed)
            pending_start = loop.call_soon(start_watching)
            try:
                await _send_chunks(source.items, send, source.encode, beat)
                exhausted = True
            except _SENT_WITHOUT_CLIENT:
                left = True
            finally:
                settled = True
                if pinger is not None:
                    pinger.stop()
                pending_start.cancel()
                if watcher is not None:
                    watcher.remove_done_callback(on_disconnect)
                    watcher.cancel()
    finally:
        if not exhausted:
            await close_source(source.items)
    _raise_unless_gone(failure)
    return left


def pump(
    chunks: AsyncIterable[Any],
    receive: Receive,
    send: Send,
    interval: float = 0.0,
    ping: bytes = b"",
    shielded: bool = True,
) -> Awaitable[bool]:
    """Send every chunk of `chunks` as a `more_body` body message (no final message) and return
    False; return True as soon as the client has left. With `interval`, `ping` is sent once the
    source has been idle that many seconds (see lette_fp/asgi/heartbeat.py). The source is closed
    in every case; an exception it raises propagates unchanged. A `Mapped` body is mapped here:
    its source is iterated and its `encode` applied per item.

    A disconnect interrupts the source through an anyio cancel scope, so shielded awaits in it
    finish first; with `shielded=False` (a source with no such await) it is cancelled natively on
    asyncio instead, which costs about 3 µs less per response."""
    source = _Source(chunks, interval, ping)
    task = running_asyncio_task()
    if task is not None:
        if shielded:
            return _pump_in_scope(source, receive, send)
        return _pump_natively(task, source, receive, send)
    return _pump_in_group(source, receive, send)


async def _pump_in_group(source: _Source, receive: Receive, send: Send) -> bool:
    """`pump` on trio: the watcher (and the heartbeat) in an anyio task group."""
    left = False
    error: BaseException | None = None
    try:
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                nonlocal left
                await wait_disconnect(receive)
                left = True
                group.cancel_scope.cancel()

            async def beats(beat: Heartbeat) -> None:
                nonlocal left
                try:
                    await beat.run()
                except _SENT_WITHOUT_CLIENT:
                    left = True
                    group.cancel_scope.cancel()

            group.start_soon(watch)
            beat = None
            if source.interval > 0:
                beat = Heartbeat(send, source.interval, source.ping, backend_clock())
                group.start_soon(beats, beat)
            try:
                await _send_chunks(source.items, send, source.encode, beat)
            except _SENT_WITHOUT_CLIENT:
                left = True
            except Exception as exc:
                error = exc
            finally:
                group.cancel_scope.cancel()
    finally:
        await close_source(source.items)
    if error is not None:
        raise error
    return left


async def send_stream(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Send a Stream body chunk by chunk (no Content-Length; str chunks encoded as UTF-8), stopping
    and closing the source when the client disconnects. HEAD sends the headers only."""
    body = cast(Stream, resp.body)
    chunks = as_async_iterable(body.chunks)
    await send({"type": "http.response.start", "status": resp.status, "headers": list(resp.headers)})
    if scope["method"] == "HEAD":
        await close_source(chunks)
    elif await pump(chunks, receive, send, body.ping_interval or 0.0, body.ping, body.thread_backed):
        return
    await send({"type": "http.response.body", "body": b""})
