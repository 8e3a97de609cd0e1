"""`Channels`: publish to named channels, subscribe to them, on a memory or a Redis backend.

```
channels = Channels(RedisBackend(os.environ["REDIS_URL"]))   # or Channels() for one process
app = App(routes, lifespan=channels.lifespan(my_lifespan))     # then req.state["channels"]
```
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType
from typing import Any

from lette_fp.channels.backend import Backend, check_history
from lette_fp.channels.hub import Hub
from lette_fp.channels.memory import MemoryBackend
from lette_fp.channels.message import Gap, Message, encode_data, parse_id
from lette_fp.channels.stats import ChannelStats
from lette_fp.channels.subscriber import Overflow, Subscriber, check_overflow

MAX_NAME_LENGTH = 256
"""The longest channel name."""

Lifespan = Callable[[Any], AbstractAsyncContextManager[Mapping[str, Any] | None]]
"""`lifespan(app) -> async context manager yielding a state mapping` (as `App(lifespan=...)` takes)."""


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a channel name is a non-empty str of at most {MAX_NAME_LENGTH} characters, not {name!r}")
    return name


class Channels:
    """Named pub/sub channels on `backend` (a `MemoryBackend` when none is given).

    `buffer` and `overflow` are the defaults of `subscribe`. Start and stop it with
    `async with channels:`, or in the App's lifespan with `channels.lifespan(...)`.
    """

    def __init__(self, backend: Backend | None = None, *, buffer: int = 256, overflow: Overflow = "drop_oldest") -> None:
        self.backend: Backend = backend if backend is not None else MemoryBackend()
        self.buffer = buffer
        self.overflow: Overflow = check_overflow(overflow)
        self.stats = ChannelStats()
        self._hub: Hub | None = None

    @classmethod
    def from_url(cls, url: str | None, **options: Any) -> Channels:
        """Return Channels on Redis at `url` (`redis://`, `rediss://`, `unix://`), or in memory
        when `url` is None or empty: `Channels.from_url(os.environ.get("REDIS_URL"))`."""
        if not url:
            return cls(**options)
        from lette_fp.channels.redis_backend import RedisBackend

        return cls(RedisBackend(url), **options)

    @property
    def started(self) -> bool:
        """Whether the channels are running (between `start` and `stop`)."""
        return self._hub is not None

    async def start(self) -> None:
        """Start the backend (connect to Redis); raises `ChannelsUnavailable` when it can't."""
        if self._hub is not None:
            raise RuntimeError("these Channels are already started")
        hub = Hub()
        self.stats = ChannelStats()
        await self.backend.start(hub, self.stats)
        self._hub = hub

    async def stop(self) -> None:
        """End every subscription (their iterators stop) and stop the backend."""
        hub, self._hub = self._hub, None
        if hub is not None:
            hub.close()
            await self.backend.stop()

    async def __aenter__(self) -> Channels:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def lifespan(self, inner: Lifespan | None = None, *, key: str = "channels") -> Lifespan:
        """Return a lifespan for `App(lifespan=...)` that starts these channels, then enters
        `inner` (the app's own lifespan, if any), and yields `inner`'s state with the channels
        added under `key`; leaving it leaves `inner`, then stops the channels."""

        @asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[Mapping[str, Any]]:
            async with self:
                if inner is None:
                    yield {key: self}
                    return
                async with inner(app) as state:
                    yield {**(state or {}), key: self}

        return lifespan

    def _running(self) -> Hub:
        if self._hub is None:
            raise RuntimeError(
                "these Channels are not started: use `async with channels:`, or "
                "App(lifespan=channels.lifespan(...))"
            )
        return self._hub

    async def publish(self, channel: str, data: Any) -> str:
        """Publish `data` (bytes, str, or any value msgspec encodes as JSON) on `channel`, to
        every subscriber on every worker; return the message id."""
        self._running()
        message_id = await self.backend.publish(_check_name(channel), encode_data(data))
        self.stats.published += 1
        return message_id

    async def history(self, channel: str, count: int) -> list[Message]:
        """Return the last `count` messages the backend keeps for `channel`, oldest first."""
        self._running()
        messages, _ = await self.backend.history(_check_name(channel), count=count)
        return messages

    def subscribe(
        self,
        *names: str,
        history: int = 0,
        last_id: str | None = None,
        buffer: int | None = None,
        overflow: Overflow | None = None,
    ) -> Subscription:
        """Return an async context manager yielding an async iterator of the `Message`s
        published on `names` (and `Gap` markers where some may be missing).

        `history=N` first replays the last N messages of each channel; `last_id` replays every
        message after that id still kept (a malformed id is ignored). Replayed and live
        messages meet with no gap and no duplicate. At most `buffer` messages wait (or the
        replay, if longer); past that, `overflow` applies: `"drop_oldest"` or `"disconnect"`.
        """
        if not names:
            raise ValueError("subscribe to at least one channel")
        check_history(history)
        return Subscription(
            self, tuple(_check_name(name) for name in names), history, parse_id(last_id),
            self.buffer if buffer is None else buffer, self.overflow if overflow is None else overflow,
        )

    async def stream(self, *names: str, **options: Any) -> AsyncIterator[Message | Gap]:
        """Yield what `subscribe(*names, **options)` brings, as one async generator (a GraphQL
        subscription resolver can return it); closing the generator ends the subscription."""
        async with self.subscribe(*names, **options) as messages:
            async for item in messages:
                yield item


class Subscription:
    """An open subscription: `async with channels.subscribe(...) as messages: async for ...`.

    `dropped` counts the messages its full buffer dropped.
    """

    def __init__(
        self, channels: Channels, names: tuple[str, ...], history: int, last_id: str | None, buffer: int, overflow: Overflow
    ) -> None:
        self._channels = channels
        self.names = names
        self._history = history
        self._last_id = last_id
        self._subscriber = Subscriber(names, buffer, overflow, channels.stats)
        self._hub: Hub | None = None

    @property
    def dropped(self) -> int:
        """How many messages this subscription's buffer dropped."""
        return self._subscriber.dropped

    async def open(self) -> Subscription:
        """Open the subscription without `async with` (e.g. in a GraphQL subscribe resolver);
        `aclose()` ends it. Returns the subscription."""
        return await self.__aenter__()

    async def aclose(self) -> None:
        """End the subscription (what leaving `async with` does)."""
        await self._leave()

    async def __aenter__(self) -> Subscription:
        hub = self._channels._running()
        subscriber = self._subscriber
        backend = self._channels.backend
        replay = self._history > 0 or self._last_id is not None
        for name in self.names:
            if self._last_id is not None:
                subscriber.start_after(name, self._last_id)
            if replay:
                subscriber.begin_catch_up(name)
        self._hub = hub
        fresh = hub.add(subscriber)
        try:
            await backend.listen(fresh)
            if replay:
                for name in self.names:
                    messages, gap = await backend.history(name, count=self._history, after=self._last_id)
                    subscriber.end_catch_up(name, messages, gap)
        except BaseException:
            await self._leave()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._leave()

    async def _leave(self) -> None:
        hub, self._hub = self._hub, None
        self._subscriber.end()
        if hub is not None and self._channels._hub is hub:
            empty = hub.remove(self._subscriber)
            if empty:
                await self._channels.backend.unlisten(empty)

    def __aiter__(self) -> AsyncIterator[Message | Gap]:
        return self._subscriber

    async def __anext__(self) -> Message | Gap:
        return await self._subscriber.next()
