"""One subscriber's bounded buffer: what the backends offer it, what its iterator takes.

The backends call `offer` synchronously as messages arrive, so publishing never waits for a
slow reader. A full buffer applies the subscription's overflow policy: `"drop_oldest"` drops the
oldest waiting message and leaves a `Gap` in its place (counted in `dropped`); `"disconnect"`
ends the subscription, whose iterator then raises `SubscriberOverflow`.

While a channel catches up (a history replay at the start, or a resume after a reconnection),
live messages of that channel are held aside; `end_catch_up` queues the replayed ones, then the
held ones newer than the replay, so there is no gap and no duplicate at the seam.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from typing import Literal

import anyio

from lette_fp.channels.message import Gap, Message, id_key
from lette_fp.channels.stats import ChannelStats

Overflow = Literal["drop_oldest", "disconnect"]
"""What a full buffer does: drop the oldest message (a `Gap` marks the hole), or end the subscription."""

OVERFLOWS: tuple[Overflow, ...] = ("drop_oldest", "disconnect")


def check_overflow(overflow: Overflow) -> Overflow:
    """Return `overflow`; ValueError naming the choices when it is not one of `OVERFLOWS`."""
    if overflow not in OVERFLOWS:
        raise ValueError(f"overflow is one of {OVERFLOWS}, not {overflow!r}")
    return overflow

Item = Message | Gap

_running_loop = asyncio._get_running_loop
"""The running asyncio loop, or None (on trio): on asyncio a subscriber waits on a bare future,
the cheapest wake-up there is (one per message per waiting subscriber is the fan-out's main
cost); elsewhere on an anyio Event."""


class SubscriberOverflow(Exception):
    """Raised by a subscription's iterator (`overflow="disconnect"`) when messages came faster
    than it read them and its buffer filled up."""


class Subscriber:
    """The buffer of one subscription to `names`, holding at most `buffer` messages (or the
    replayed history, if that is longer)."""

    __slots__ = (
        "names", "capacity", "overflow", "dropped", "_queue", "_last", "_last_id", "_held",
        "_held_dropped", "_waiter", "_error", "_ended", "_stats", "_taken", "_gaps",
    )

    def __init__(self, names: tuple[str, ...], buffer: int, overflow: Overflow, stats: ChannelStats) -> None:
        if buffer < 1:
            raise ValueError(f"a subscriber's buffer holds at least 1 message, not {buffer}")
        self.names = names
        self.capacity = buffer
        self.overflow = check_overflow(overflow)
        self.dropped = 0
        self._queue: deque[Item] = deque()
        self._last: dict[str, int] = {}
        self._last_id: dict[str, str] = {}
        self._held: dict[str, list[tuple[int, Message]]] = {}
        self._held_dropped: dict[str, int] = {}
        self._waiter: anyio.Event | asyncio.Future[None] | None = None
        self._error: BaseException | None = None
        self._ended = False
        self._stats = stats
        self._taken: dict[str, str] = {}
        self._gaps = 0

    def last_id(self, channel: str) -> str | None:
        """The id of the newest message of `channel` queued so far (None before the first)."""
        return self._last_id.get(channel)

    def start_after(self, channel: str, message_id: str) -> None:
        """Take nothing on `channel` up to `message_id` (a resume's starting point)."""
        self._last[channel] = id_key(message_id)
        self._last_id[channel] = message_id

    def offer(self, key: int, message: Message) -> None:
        """Queue a live `message` whose id orders as `key`; one not newer than the last queued
        of its channel is a duplicate and is left out."""
        if self._ended:
            return
        channel = message.channel
        if self._held and channel in self._held:
            self._hold(channel, key, message)
            return
        if key <= self._last.get(channel, -1):
            return
        if len(self._queue) - self._gaps >= self.capacity:
            if self._overflowed():
                return
            self._drop_oldest()
        self._last[channel] = key
        self._last_id[channel] = message.id
        self._queue.append(message)
        self._wake()

    def _hold(self, channel: str, key: int, message: Message) -> None:
        held = self._held[channel]
        if len(held) >= self.capacity:
            if self._overflowed():
                return
            held.pop(0)
            self._held_dropped[channel] = self._held_dropped.get(channel, 0) + 1
        held.append((key, message))

    def begin_catch_up(self, channel: str) -> None:
        """Hold live messages of `channel` aside until `end_catch_up`."""
        self._held.setdefault(channel, [])

    def end_catch_up(self, channel: str, replayed: Iterable[Message], gap: bool) -> None:
        """Queue a `Gap` (if `gap`), the `replayed` messages, then the live ones held meanwhile
        that are newer than the replay; live messages of `channel` are queued directly again."""
        held = self._held.pop(channel, [])
        dropped = self._held_dropped.pop(channel, 0)
        if self._ended:
            return
        if gap:
            self._push_gap(Gap(channel, self._last_id.get(channel)))
        for message in replayed:
            key = id_key(message.id)
            if key > self._last.get(channel, -1):
                self._last[channel] = key
                self._last_id[channel] = message.id
                self._queue.append(message)
        self.capacity = max(self.capacity, len(self._queue) - self._gaps)
        if dropped:
            self._push_gap(Gap(channel, self._last_id.get(channel), dropped))
            self.dropped += dropped
            self._stats.dropped += dropped
        for key, message in held:
            self.offer(key, message)
        self._wake()

    def mark_gap(self, channel: str) -> None:
        """Queue a `Gap` on `channel`: messages after the last one queued may never come."""
        if not self._ended:
            self._push_gap(Gap(channel, self._last_id.get(channel)))
            self._wake()

    def end(self, error: BaseException | None = None) -> None:
        """End the subscription: its iterator yields what is queued, then stops (or raises `error`)."""
        if not self._ended:
            self._ended = True
            self._error = error
            self._held.clear()
            self._wake()

    def __aiter__(self) -> Subscriber:
        return self

    async def __anext__(self) -> Item:
        """Return the next queued item, waiting for one; raise StopAsyncIteration once ended."""
        while True:
            if self._queue:
                item = self._queue.popleft()
                if type(item) is Message:
                    self._taken[item.channel] = item.id
                    self._stats.delivered += 1
                else:
                    self._gaps -= 1
                return item
            if self._ended:
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            loop = _running_loop()
            if loop is None:
                event = self._waiter = anyio.Event()
                await event.wait()
                continue
            future = self._waiter = loop.create_future()
            try:
                await future
            finally:
                if self._waiter is future:
                    self._waiter = None

    next = __anext__

    def _overflowed(self) -> bool:
        if self.overflow == "disconnect":
            self._stats.disconnected += 1
            self.end(SubscriberOverflow(f"the subscriber to {', '.join(self.names)} fell {self.capacity} messages behind"))
            return True
        return False

    def _drop_oldest(self) -> None:
        queue = self._queue
        index = 0
        while isinstance(queue[index], Gap):
            index += 1
        oldest = queue[index]
        del queue[index]
        self.dropped += 1
        self._stats.dropped += 1
        before = queue[index - 1] if index else None
        if isinstance(before, Gap) and before.channel == oldest.channel:
            queue[index - 1] = Gap(before.channel, before.after, before.dropped + 1)
        else:
            queue.insert(index, Gap(oldest.channel, self._taken.get(oldest.channel), 1))
            self._gaps += 1
            self._stats.gaps += 1

    def _push_gap(self, gap: Gap) -> None:
        self._queue.append(gap)
        self._gaps += 1
        self._stats.gaps += 1

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if isinstance(waiter, asyncio.Future):
                if not waiter.done():
                    waiter.set_result(None)
            else:
                waiter.set()
