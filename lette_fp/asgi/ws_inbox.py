"""Reading the client of an accepted WebSocket: `Incoming`, the pipe's view of its messages.

A task that asks `incoming` for a message while none is waiting calls the server's `receive`
itself, so a pipe reading the client costs no task switch. A watcher task reads ahead only when
nobody has been reading `incoming` for WATCH_AFTER seconds (the pipe is busy elsewhere, or only
pushes): that is how such a pipe still learns that the client left. What it reads ahead is held
within READ_AHEAD_BYTES (plus the one message that crossed it); past that it stops reading and the
rest waits in the server (backpressure). One `receive` call runs at a time.

When the client disconnects, `incoming` ends (after any message already read ahead) and
`on_disconnect` is called; `readers` then still holds the tasks that were reading `incoming`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import anyio

from lette_fp.asgi.types import Receive
from lette_fp.ws import ClientClose, Message

logger = logging.getLogger("lette_fp.error")

READ_AHEAD_BYTES = 64 * 1024
"""How much of the client's unread messages (bytes, or characters of text) the watcher holds."""
MESSAGE_COST = 64
"""What each held message counts for besides its length, so empty messages are bounded too."""
WATCH_AFTER = 0.05
"""Seconds without anyone reading `incoming` before the watcher starts reading ahead. Woken when
the last reader leaves, the watcher sleeps this long before it looks again, so a busy connection
wakes it at most twice per period and an idle one not at all."""


def _cost(message: Message) -> int:
    return len(message) + MESSAGE_COST


def current_task_getter() -> Callable[[], Any]:
    """Return the running backend's own "current task" function (cheaper than anyio's, which
    builds a TaskInfo each call); its results compare with `is`/`in` to identify tasks."""
    try:
        asyncio.current_task()
    except RuntimeError:
        import trio

        return trio.lowlevel.current_task
    return asyncio.current_task


class Inbox:
    """The state shared by the readers of `incoming` and the watcher."""

    __slots__ = (
        "_receive", "path", "buffer", "held", "receiving", "ended", "readers", "idle_since",
        "_changed", "_waiters", "_watcher_wakeup", "on_disconnect", "current_task", "client_close",
    )

    def __init__(self, receive: Receive, path: str, on_disconnect: Callable[[], None]) -> None:
        self._receive = receive
        self.path = path
        self.on_disconnect = on_disconnect
        self.buffer: deque[Message] = deque()
        self.held = 0
        self.receiving = False
        self.ended = False
        self.readers: set[Any] = set()
        self.current_task = current_task_getter()
        self.idle_since = time.monotonic()
        self._changed = anyio.Event()
        self._waiters = 0
        self._watcher_wakeup: anyio.Event | None = None
        self.client_close: ClientClose | None = None

    def take(self) -> Message:
        """Return the oldest message read ahead, giving its cost back to the budget."""
        message = self.buffer.popleft()
        self.held -= _cost(message)
        self._wake_watcher()
        return message

    def _wake_watcher(self) -> None:
        if self._watcher_wakeup is not None:
            self._watcher_wakeup.set()
            self._watcher_wakeup = None

    def _notify(self) -> None:
        if self._waiters:
            self._changed.set()
            self._changed = anyio.Event()

    async def wait_for_change(self) -> None:
        """Wait until a receive ends, a message is read ahead or the client leaves."""
        self._waiters += 1
        try:
            await self._changed.wait()
        finally:
            self._waiters -= 1

    def leave(self, task: Any) -> None:
        """Record that `task` stopped reading `incoming`; the last one out starts the idle clock."""
        readers = self.readers
        readers.discard(task)
        if not readers:
            self.idle_since = time.monotonic()
            self._wake_watcher()

    async def receive_one(self) -> Message | None:
        """Call the server's `receive` once; return the message's data, or None (not a message,
        or the client left: then `ended` is set and `on_disconnect` called)."""
        self.receiving = True
        try:
            event = await self._receive()
        except Exception:
            logger.debug("receive failed on WebSocket %s; treated as a disconnect", self.path, exc_info=True)
            event = {"type": "websocket.disconnect", "code": 1006}
        finally:
            self.receiving = False
            self._notify()
        kind = event["type"]
        if kind == "websocket.receive":
            text = event.get("text")
            return text if text is not None else event.get("bytes")
        if kind == "websocket.disconnect":
            if self.client_close is None:
                self.client_close = ClientClose(event.get("code", 1005), event.get("reason") or "")
            self.end()
        return None

    def end(self) -> None:
        """Record that the client left (once): wake the readers, then call `on_disconnect`."""
        if not self.ended:
            self.ended = True
            self._notify()
            self.on_disconnect()

    async def watch(self) -> None:
        """Read ahead whenever nobody has read `incoming` for WATCH_AFTER seconds, until the
        client leaves."""
        while not self.ended:
            if self.readers or self.receiving or self.held >= READ_AHEAD_BYTES:
                self._watcher_wakeup = anyio.Event()
                await self._watcher_wakeup.wait()
                await anyio.sleep(WATCH_AFTER)
                continue
            delay = self.idle_since + WATCH_AFTER - time.monotonic()
            if delay > 0:
                await anyio.sleep(delay)
                continue
            message = await self.receive_one()
            if message is not None:
                self.buffer.append(message)
                self.held += _cost(message)
                self._notify()


class Incoming:
    """The client's messages as an async iterator, in order; it ends when the client disconnects."""

    __slots__ = ("_inbox",)

    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    def __aiter__(self) -> Incoming:
        return self

    @property
    def client_close(self) -> ClientClose | None:
        """How the client closed (code and reason), once it has left; None before."""
        return self._inbox.client_close

    async def __anext__(self) -> Message:
        inbox = self._inbox
        if inbox.buffer:
            return inbox.take()
        if inbox.ended:
            raise StopAsyncIteration
        task = inbox.current_task()
        inbox.readers.add(task)
        try:
            while True:
                if inbox.buffer:
                    return inbox.take()
                if inbox.ended:
                    raise StopAsyncIteration
                if inbox.receiving:
                    await inbox.wait_for_change()
                    continue
                message = await inbox.receive_one()
                if message is not None:
                    return message
        finally:
            inbox.leave(task)
