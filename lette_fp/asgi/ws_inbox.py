"""Reading the client of an accepted WebSocket: `Incoming`, the pipe's view of its messages.

A task that asks `incoming` for a message while none is waiting calls the server's `receive`
itself, so a pipe reading the client costs no task switch (and, per message, a flag and a
counter). A watcher task reads ahead only when nobody has read `incoming` for WATCH_AFTER seconds
(at most twice that: the pipe is busy elsewhere, or only pushes): that is how such a pipe still
learns that the client left. What it reads ahead is held within READ_AHEAD_BYTES (plus the one
message that crossed it); past that it stops reading and the rest waits in the server
(backpressure). One `receive` call runs at a time.

When the client disconnects, `incoming` ends (after any message already read ahead) and
`on_disconnect` is called; there `inbox.reading(task)` tells whether a task was reading `incoming`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import anyio

from lette_fp.asgi.types import Message as ASGIMessage
from lette_fp.asgi.types import Receive
from lette_fp.ws import ClientClose, Message

logger = logging.getLogger("lette_fp.error")

READ_AHEAD_BYTES = 64 * 1024
"""How much of the client's unread messages (bytes, or characters of text) the watcher holds."""
MESSAGE_COST = 64
"""What each held message counts for besides its length, so empty messages are bounded too."""
WATCH_AFTER = 0.05
"""Seconds without anyone reading `incoming` before the watcher starts reading ahead. Woken when
a receive ends, the watcher sleeps this long before it looks again, so a busy connection wakes it
at most twice per period and one waiting on its client not at all."""


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
    """The state shared by the readers of `incoming` and the watcher.

    A reader that finds no receive running calls the server's `receive` itself and keeps no
    other record: `receiving` is set around the call and `reads` counts the calls that ended.
    Only a reader that must wait for someone else's receive is entered in `waiting`. The watcher
    reads ahead once `reads` stood still for a whole WATCH_AFTER with nobody reading."""

    __slots__ = (
        "server_receive", "path", "buffer", "held", "receiving", "ended", "waiting", "reads",
        "_changed", "waiters", "watcher_wakeup", "on_disconnect", "current_task", "watcher",
        "client_close",
    )

    def __init__(self, receive: Receive, path: str, on_disconnect: Callable[[], None]) -> None:
        self.server_receive = receive
        self.path = path
        self.on_disconnect = on_disconnect
        self.buffer: deque[Message] = deque()
        self.held = 0
        self.receiving = False
        self.ended = False
        self.waiting: set[Any] = set()
        self.reads = 0
        self.current_task = current_task_getter()
        self.watcher: Any = None
        self._changed = anyio.Event()
        self.waiters = 0
        self.watcher_wakeup: anyio.Event | None = None
        self.client_close: ClientClose | None = None

    def reading(self, task: Any) -> bool:
        """Return whether `task` is reading `incoming`: waiting in it, or (called from
        `on_disconnect`, which runs in the task whose receive saw the client leave) receiving."""
        if task in self.waiting:
            return True
        return task is self.current_task() and task is not self.watcher

    def take(self) -> Message:
        """Return the oldest message read ahead, giving its cost back to the budget."""
        message = self.buffer.popleft()
        self.held -= _cost(message)
        self._wake_watcher()
        return message

    def _wake_watcher(self) -> None:
        if self.watcher_wakeup is not None:
            self.watcher_wakeup.set()
            self.watcher_wakeup = None

    def _notify(self) -> None:
        if self.waiters:
            self._changed.set()
            self._changed = anyio.Event()

    async def wait_for_change(self) -> None:
        """Wait until a receive ends, a message is read ahead or the client leaves."""
        self.waiters += 1
        try:
            await self._changed.wait()
        finally:
            self.waiters -= 1

    async def receive_one(self) -> Message | None:
        """Call the server's `receive` once; return the message's data, or None (not a message,
        or the client left: then `ended` is set and `on_disconnect` called)."""
        self.receiving = True
        try:
            event = await self.server_receive()
        except Exception:
            event = self.failed_receive()
        finally:
            self.receiving = False
            self.reads += 1
            if self.waiters or self.watcher_wakeup is not None:
                self.received()
        return self.data_of(event)

    def failed_receive(self) -> ASGIMessage:
        """Log why `receive` raised (at debug level) and return the disconnect it counts as."""
        logger.debug("receive failed on WebSocket %s; treated as a disconnect", self.path, exc_info=True)
        return {"type": "websocket.disconnect", "code": 1006}

    def received(self) -> None:
        """Tell whoever waits that a receive ended: the readers waiting for it, the watcher."""
        self._notify()
        self._wake_watcher()

    def data_of(self, event: ASGIMessage) -> Message | None:
        """Return the message in `event`, or None (after `end()` if it is the disconnect)."""
        kind = event["type"]
        if kind == "websocket.receive":
            text: Message | None = event.get("text")
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
        self.watcher = self.current_task()
        seen = -1
        while not self.ended:
            if self.receiving or self.waiting or self.held >= READ_AHEAD_BYTES:
                self.watcher_wakeup = anyio.Event()
                await self.watcher_wakeup.wait()
                seen = self.reads
                await anyio.sleep(WATCH_AFTER)
                continue
            if self.reads != seen:
                seen = self.reads
                await anyio.sleep(WATCH_AFTER)
                continue
            message = await self.receive_one()
            seen = self.reads
            if message is not None:
                self.buffer.append(message)
                self.held += _cost(message)
                self._notify()

    async def next_when_free(self) -> Message:
        """The slow path of `incoming`: wait (entered in `waiting`) while another task receives,
        then take what it read ahead or receive in turn."""
        task = self.current_task()
        self.waiting.add(task)
        try:
            while True:
                if self.buffer:
                    return self.take()
                if self.ended:
                    raise StopAsyncIteration
                if self.receiving:
                    await self.wait_for_change()
                    continue
                message = await self.receive_one()
                if message is not None:
                    return message
        finally:
            self.waiting.discard(task)
            if not self.waiting:
                self._wake_watcher()


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
        if inbox.receiving or inbox.ended:
            return await inbox.next_when_free()
        # `inbox.receive_one()`, written out: this is the path of every message a pipe reads.
        inbox.receiving = True
        try:
            event = await inbox.server_receive()
        except Exception:
            event = inbox.failed_receive()
        finally:
            inbox.receiving = False
            inbox.reads += 1
            if inbox.waiters or inbox.watcher_wakeup is not None:
                inbox.received()
        if event["type"] == "websocket.receive":
            text: Message | None = event.get("text")
            if text is not None:
                return text
        message = inbox.data_of(event)
        if message is not None:
            return message
        return await inbox.next_when_free()
