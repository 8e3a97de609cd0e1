"""Watching for a streaming client to leave, on asyncio, for the price of a few list operations.

A `DisconnectWatch` belongs to one streamed response. It starts waiting for `http.disconnect` only
once the event loop gets control (a stream that sends every chunk without waiting never pays for a
watcher task), and when the client leaves it cancels the pumping task natively. The watches begun
since the loop last ran are started together by one `call_soon` callback per loop turn; a watch
settled before that (the stream finished) is dropped again at once, so nothing is kept alive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec

from lette_fp.asgi.types import Receive

WaitDisconnect = Callable[[Receive], Coroutine[Any, Any, None]]

_pending: dict[asyncio.AbstractEventLoop, list[DisconnectWatch]] = {}


def running_asyncio_task() -> asyncio.Task[Any] | None:
    """Return the asyncio task running this code, or None when no asyncio loop runs it (trio)."""
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


class DisconnectWatch(msgspec.Struct):
    """`DisconnectWatch(task, receive, wait)`: once started, `wait(receive)` runs in its own task;
    when it returns before `settle()`, `task` is cancelled and `fired` is set. A Struct, so that
    building one (once per streamed response) costs little."""

    task: asyncio.Task[Any]
    receive: Receive
    wait: WaitDisconnect
    watcher: asyncio.Task[None] | None = None
    fired: bool = False
    settled: bool = False

    def start_soon(self) -> None:
        """Have the watcher started when the loop next gets control (unless settled by then)."""
        loop = self.task.get_loop()
        pending = _pending.get(loop)
        if pending is None:
            _pending[loop] = [self]
            loop.call_soon(_start_pending, loop)
        else:
            pending.append(self)

    def start(self) -> None:
        """Start the watcher task now (nothing once settled)."""
        if not self.settled:
            watcher = self.task.get_loop().create_task(self.wait(self.receive))
            watcher.add_done_callback(self._on_disconnect)
            self.watcher = watcher

    def _on_disconnect(self, watcher: asyncio.Task[None]) -> None:
        if not watcher.cancelled() and watcher.exception() is None:
            self.client_left()

    def client_left(self) -> None:
        """Act as the disconnect does, now (a send elsewhere found the client gone): cancel the
        task and set `fired`, once, and not once settled."""
        if not self.settled and not self.fired:
            self.fired = True
            self.task.cancel()

    def settle(self) -> None:
        """Stop watching: the stream is over. A watcher not yet started never will be."""
        self.settled = True
        pending = _pending.get(self.task.get_loop())
        if pending and pending[-1] is self:
            pending.pop()
        watcher = self.watcher
        if watcher is not None:
            watcher.remove_done_callback(self._on_disconnect)
            watcher.cancel()


def _start_pending(loop: asyncio.AbstractEventLoop) -> None:
    for watch in _pending.pop(loop, ()):
        watch.start()
