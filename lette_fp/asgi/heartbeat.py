"""The idle ping of a streamed response: `ping` goes out once the source has been idle for
`interval` seconds, and only then.

The pump tells the `Heartbeat` about each chunk with three stores and a clock read (no lock, no
trip through the event loop): `sending` is set around its `send`, `last` is when the send
returned. The heartbeat looks at that state only when the interval may have run out: on asyncio
a timer callback (a task is started only to send a ping), elsewhere one task that sleeps. A ping
is sent only while the pump waits on its source (`sending` is false); while one is in flight,
`pinging` is set and the pump waits for it before its next send, so two sends never overlap.
After a send that itself took longer than the interval, the next look is an interval later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import anyio

from lette_fp.asgi.types import Send

Done = asyncio.Event | anyio.Event
"""Set when a ping went: asyncio's own Event where a timer callback makes it, else anyio's."""


def backend_clock() -> Callable[[], float]:
    """Return the running backend's own clock (asyncio's loop time, or trio's)."""
    try:
        return asyncio.get_running_loop().time
    except RuntimeError:
        import trio

        return trio.current_time


class Heartbeat:
    """`Heartbeat(send, interval, ping, clock)`: the shared state of one stream and its pinger;
    `clock` is the running backend's own clock (the one its sleeps use)."""

    __slots__ = ("send", "interval", "message", "clock", "last", "sending", "pinging")

    def __init__(self, send: Send, interval: float, ping: bytes, clock: Callable[[], float]) -> None:
        self.send = send
        self.interval = interval
        self.message = {"type": "http.response.body", "body": ping, "more_body": True}
        self.clock = clock
        self.last = clock()
        self.sending = False
        self.pinging: Done | None = None

    def due_in(self) -> float:
        """Return how many seconds until a ping is due (0 or less: now)."""
        if self.sending:
            return self.interval
        return self.last + self.interval - self.clock()

    def ping(self, done: Done) -> Coroutine[Any, Any, None]:
        """Mark a ping in flight (at once, so the pump waits for it from now on) and return the
        coroutine that sends it, then sets `done`."""
        self.pinging = done
        return self._send_ping(done)

    async def _send_ping(self, done: Done) -> None:
        try:
            await self.send(dict(self.message))
        finally:
            self.pinging = None
            self.last = self.clock()
            done.set()

    async def run(self) -> None:
        """Ping whenever due, until cancelled (a failing send raises out of it)."""
        while True:
            delay = self.due_in()
            if delay > 0:
                await anyio.sleep(delay)
            else:
                await self.ping(anyio.Event())


class TimerHeartbeat:
    """A Heartbeat driven by asyncio timer callbacks: nothing runs between the looks, and a task
    exists only while a ping is being sent. `on_failure(exc)` is called when a ping's send raises."""

    __slots__ = ("beat", "loop", "on_failure", "timer", "task", "stopped")

    def __init__(self, beat: Heartbeat, loop: asyncio.AbstractEventLoop, on_failure: Callable[[BaseException], Any]) -> None:
        self.beat = beat
        self.loop = loop
        self.on_failure = on_failure
        self.task: asyncio.Task[None] | None = None
        self.stopped = False
        self.timer = loop.call_later(beat.interval, self._look)

    def _look(self) -> None:
        if self.stopped:
            return
        delay = self.beat.due_in()
        if delay > 0:
            self.timer = self.loop.call_later(delay, self._look)
            return
        task = self.task = self.loop.create_task(self.beat.ping(asyncio.Event()))
        task.add_done_callback(self._pinged)

    def _pinged(self, task: asyncio.Task[None]) -> None:
        self.task = None
        if self.stopped or task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self.on_failure(error)
            return
        self.timer = self.loop.call_later(self.beat.interval, self._look)

    def stop(self) -> None:
        """Stop pinging: no more looks, a ping in flight is cancelled."""
        self.stopped = True
        self.timer.cancel()
        if self.task is not None:
            self.task.cancel()
