"""`RedisBackend`: channels shared by every worker and host connected to one Redis.

Publishing runs one small Lua script, atomically: `XADD` the message to the channel's stream
(trimmed to about `history` entries; `MAXLEN 0` without history, which still hands out the id),
with the id of the entry before it (so a resume knows whether trimming made a gap), then
`PUBLISH` the id and the data. So the order of the pub/sub messages is the order of the
ids, and a replay (`XREVRANGE`, `XRANGE`) continues the live messages exactly.

Each process holds one pub/sub connection, subscribed to the channels its subscribers listen to,
and a reader task dispatching to them. When the connection breaks (Redis restarted, a network
fault), the reader reconnects with a bounded exponential backoff, subscribes again, and every
subscriber resumes from the last id it queued: from the stream when the channel keeps a history
(nothing is lost that the history still holds), with a `Gap` when it keeps none.

Needs redis-py (`pip install 'lette-fp[redis]'`) and asyncio: redis-py's asyncio client does
not run on trio.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import anyio.abc

from lette_fp.channels.backend import DEFAULT_HISTORY, ChannelsUnavailable, check_history
from lette_fp.channels.hub import Hub
from lette_fp.channels.message import Message, id_key
from lette_fp.channels.stats import ChannelStats

try:
    import redis.asyncio as aioredis
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import RedisError, ResponseError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from redis.retry import Retry
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise ImportError("RedisBackend needs redis-py: pip install 'lette-fp[redis]'") from exc

logger = logging.getLogger("lette_fp.channels")

PUBLISH_SCRIPT = """
local id
if ARGV[1] == '0' then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '0', '*', 'd', ARGV[2])
else
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  local prev = '0-0'
  if last[1] then prev = last[1][1] end
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'd', ARGV[2], 'p', prev)
end
redis.call('PUBLISH', ARGV[3], id .. '\\n' .. ARGV[2])
return id
"""

RETRIES = 8
"""Attempts of a command before `ChannelsUnavailable` (about 3 s of waiting in all)."""

_CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


def redacted(url: str) -> str:
    """Return `url` without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


class RedisBackend:
    """Channels on the Redis at `url` (`redis://host:port/db`, `rediss://` for TLS, `unix://`).

    `history` is how many messages each channel's stream keeps (0: none, then a reconnection
    reports a `Gap`); `prefix` starts every key and pub/sub channel name; `max_backoff` bounds
    the wait between reconnection attempts, in seconds; `connect_timeout` bounds each attempt.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        history: int = DEFAULT_HISTORY,
        prefix: str = "lette:",
        max_backoff: float = 2.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.history_size = check_history(history)
        self.prefix = prefix
        self.max_backoff = max_backoff
        self.connect_timeout = connect_timeout
        self._client: Any = None
        self._listener: Any = None
        self._pubsub: Any = None
        self._script: Any = None
        self._hub: Hub | None = None
        self._stats = ChannelStats()
        self._group: anyio.abc.TaskGroup | None = None
        self._confirmed: dict[str, anyio.Event] = {}
        self._seen: dict[str, str] = {}
        self._generation = 0
        self._write_lock: anyio.Lock | None = None

    # -- names ------------------------------------------------------------------------------

    def stream_key(self, channel: str) -> str:
        """The Redis key of `channel`'s stream."""
        return f"{self.prefix}stream:{channel}"

    def pubsub_name(self, channel: str) -> str:
        """The Redis pub/sub channel `channel` is published on."""
        return f"{self.prefix}channel:{channel}"

    # -- life -------------------------------------------------------------------------------

    async def start(self, hub: Hub, stats: ChannelStats) -> None:
        """Connect to Redis (raising `ChannelsUnavailable` with the reason when it can't be
        reached) and start the reader task."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("RedisBackend needs asyncio: redis-py's asyncio client does not run on trio") from None
        self._hub = hub
        self._stats = stats
        self._write_lock = anyio.Lock()
        options: dict[str, Any] = {
            "socket_connect_timeout": self.connect_timeout,
            "socket_keepalive": True,
            "health_check_interval": 0,
        }
        self._client = aioredis.Redis.from_url(self.url, retry=Retry(NoBackoff(), 0), **options)
        self._listener = aioredis.Redis.from_url(self.url, retry=Retry(NoBackoff(), 0), **options)
        try:
            await self._client.ping()
        except (RedisError, OSError) as exc:
            await self._close_clients()
            raise ChannelsUnavailable(f"Redis at {redacted(self.url)} is unreachable: {exc}") from exc
        self._script = self._client.register_script(PUBLISH_SCRIPT)
        self._pubsub = self._listener.pubsub()
        await self._pubsub.connect()
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        self._group.start_soon(self._read)

    async def stop(self) -> None:
        """Stop the reader and close the connections."""
        if self._group is not None:
            self._group.cancel_scope.cancel()
            await self._group.__aexit__(None, None, None)
            self._group = None
        if self._pubsub is not None:
            await self._pubsub.aclose()
            self._pubsub = None
        await self._close_clients()
        self._confirmed.clear()
        self._seen.clear()

    async def _close_clients(self) -> None:
        for client in (self._client, self._listener):
            if client is not None:
                await client.aclose()
        self._client = self._listener = None

    # -- publishing -------------------------------------------------------------------------

    async def publish(self, channel: str, data: bytes) -> str:
        """Append to the stream and publish, in one script; return the stream id. A Redis
        that stays unreachable through the client's retries raises `ChannelsUnavailable`."""
        if self._script is None:
            raise RuntimeError("the RedisBackend is not started")
        raw = await self._retrying(
            self._script, keys=[self.stream_key(channel)], args=[self.history_size, data, self.pubsub_name(channel)]
        )
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def _retrying(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        """Run `command`, again after a connection error (a connection of the pool that a Redis
        restart closed, a short outage) with a growing wait, for at most `RETRIES` attempts;
        then raise `ChannelsUnavailable`."""
        delay = 0.02
        for attempt in range(RETRIES):
            try:
                return await command(*args, **kwargs)
            except _CONNECTION_ERRORS as exc:
                if attempt == RETRIES - 1:
                    raise ChannelsUnavailable(f"Redis at {redacted(self.url)} is unreachable: {exc}") from exc
            await anyio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- subscribing ------------------------------------------------------------------------

    async def listen(self, names: Sequence[str]) -> None:
        """Subscribe the pub/sub connection to `names` and wait for Redis to confirm."""
        events = []
        fresh = []
        for name in names:
            event = self._confirmed.get(name)
            if event is None:
                event = self._confirmed[name] = anyio.Event()
                fresh.append(name)
            events.append(event)
        if fresh:
            await self._command("subscribe", [self.pubsub_name(name) for name in fresh])
        for event in events:
            await event.wait()
        if self.history_size:
            for name in fresh:
                latest = await self._latest_id(name)
                seen = self._seen.get(name)
                if latest is not None and (seen is None or id_key(latest) > id_key(seen)):
                    self._seen[name] = latest

    async def unlisten(self, names: Sequence[str]) -> None:
        """Unsubscribe the pub/sub connection from `names`."""
        gone = [self.pubsub_name(name) for name in names if self._confirmed.pop(name, None) is not None]
        if gone:
            await self._command("unsubscribe", gone)

    async def _command(self, verb: str, channels: list[str]) -> None:
        assert self._write_lock is not None
        async with self._write_lock:
            try:
                await getattr(self._pubsub, verb)(*channels)
            except _CONNECTION_ERRORS:
                logger.debug("%s of %s waits for the reconnection", verb, channels)

    async def history(self, channel: str, count: int = 0, after: str | None = None) -> tuple[list[Message], bool]:
        """The last `count` entries of the channel's stream, or every entry after `after`; and,
        for `after`, whether Redis already trimmed an entry newer than it."""
        key = self.stream_key(channel)
        if after is None:
            if not count:
                return [], False
            entries = await self._retrying(self._client.xrevrange, key, count=count)
            entries.reverse()
            return self._messages(channel, entries), False
        entries = await self._retrying(self._client.xrange, key, min=f"({after}")
        if entries:
            previous = entries[0][1].get(b"p")
            return self._messages(channel, entries), previous is not None and id_key(previous.decode()) > id_key(after)
        return [], await self._generated_after(key, after)

    async def _generated_after(self, key: str, after: str) -> bool:
        """Whether the stream handed out an id newer than `after` (of an entry now trimmed)."""
        try:
            info = await self._retrying(self._client.xinfo_stream, key)
        except ResponseError:
            return False
        last = info.get("last-generated-id")
        if last is None:
            return False
        return id_key(last.decode() if isinstance(last, bytes) else str(last)) > id_key(after)

    @staticmethod
    def _messages(channel: str, entries: list[Any]) -> list[Message]:
        return [
            Message(channel, raw_id.decode(), fields.get(b"d", b""))
            for raw_id, fields in entries
        ]

    # -- the reader -------------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            try:
                await self._pump()
            except _CONNECTION_ERRORS as exc:
                logger.warning("lost the Redis pub/sub connection (%s); reconnecting", exc)
            self._stats.reconnects += 1
            self._hold_all()
            await self._reconnect()
            assert self._group is not None
            self._group.start_soon(self._catch_up_all, self._generation)

    async def _pump(self) -> None:
        pubsub = self._pubsub
        hub = self._hub
        assert hub is not None
        seen = self._seen
        offset = len(self.prefix) + len("channel:")
        while True:
            message = await pubsub.get_message(timeout=None)
            if message is None:
                await anyio.sleep(0)
                continue
            kind = message["type"]
            raw_name = message["channel"]
            name = (raw_name.decode() if isinstance(raw_name, bytes) else str(raw_name))[offset:]
            if kind == "message":
                raw_id, _, data = message["data"].partition(b"\n")
                message_id = raw_id.decode()
                seen[name] = message_id
                hub.dispatch(name, message_id, data)
            elif kind == "subscribe":
                event = self._confirmed.get(name)
                if event is not None:
                    event.set()

    def _hold_all(self) -> None:
        """Hold every subscriber's live messages until it has caught up after the reconnection."""
        hub = self._hub
        assert hub is not None
        self._generation += 1
        for subscriber in hub.subscribers():
            for name in subscriber.names:
                subscriber.begin_catch_up(name)
        for event in self._confirmed.values():
            event.set()
        self._confirmed = {name: anyio.Event() for name in hub.names()}

    async def _reconnect(self) -> None:
        """Open a new pub/sub connection and subscribe it again, waiting a bounded, growing,
        jittered time between attempts."""
        backoff = 0.05
        while True:
            await anyio.sleep(backoff * (0.5 + random.random() / 2))
            backoff = min(backoff * 2, self.max_backoff)
            assert self._write_lock is not None
            async with self._write_lock:
                old, self._pubsub = self._pubsub, self._listener.pubsub()
                with anyio.CancelScope(shield=True), contextlib.suppress(*_CONNECTION_ERRORS):
                    await old.aclose()
                try:
                    await self._pubsub.connect()
                    names = [self.pubsub_name(name) for name in self._confirmed]
                    if names:
                        await self._pubsub.subscribe(*names)
                except _CONNECTION_ERRORS as exc:
                    logger.info("Redis still unreachable (%s); next try within %.2fs", exc, backoff)
                    continue
            logger.warning("reconnected to Redis at %s", redacted(self.url))
            return

    async def _catch_up_all(self, generation: int) -> None:
        """Once Redis confirmed the subscriptions again, resume every subscriber after the last
        id it queued: from the stream, or with a Gap when the channels keep no history."""
        hub = self._hub
        assert hub is not None
        for event in list(self._confirmed.values()):
            await event.wait()
        for subscriber in list(hub.subscribers()):
            for name in subscriber.names:
                if generation != self._generation:
                    return
                if self.history_size == 0:
                    subscriber.end_catch_up(name, (), gap=True)
                    continue
                after = subscriber.last_id(name) or self._seen.get(name) or "0-0"
                try:
                    replayed, gap = await self.history(name, after=after)
                except ChannelsUnavailable:
                    logger.warning("could not replay %s after a reconnection: reporting a gap", name)
                    replayed, gap = [], True
                if generation == self._generation:
                    subscriber.end_catch_up(name, replayed, gap)

    async def _latest_id(self, channel: str) -> str | None:
        entries = await self._retrying(self._client.xrevrange, self.stream_key(channel), count=1)
        return entries[0][0].decode() if entries else None
