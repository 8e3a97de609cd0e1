"""The chat room on `Channels`: messages, notices and who is online, shared by every worker.

Messages go to the `chat:said` channel, whose history is what a newcomer is shown; notices
(joined, left) go to `chat:presence`. On one worker the channels live in memory; with
`REDIS_URL` set they go through Redis, so members on different workers (or hosts) talk to each
other. Each worker counts who is online: its own members at once, the other workers' from the
notices they publish.

Each member's subscription has a bounded buffer: a member whose connection can't keep up is
dropped (its socket closed with 1013, "try again later") rather than letting memory grow.
Events are encoded to JSON once, when published, not once per member.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio
import msgspec

from lette_fp import Close
from lette_fp.channels import (
    Channels,
    ChannelsUnavailable,
    Message,
    SubscriberOverflow,
    Subscription,
)

QUEUE_SIZE = 64
"""Events a member may have waiting before it counts as too slow."""

HISTORY_SIZE = 50
"""Messages a newcomer is shown."""

SAID = "chat:said"
PRESENCE = "chat:presence"

TOO_SLOW = Close(1013, "Too slow: the room's messages were piling up")
SHUTTING_DOWN = Close(1001, "The server is shutting down")


class Said(msgspec.Struct, tag="message", tag_field="type"):
    """Someone said something."""

    user: str
    text: str
    at: str


class Joined(msgspec.Struct, tag="joined", tag_field="type"):
    """Someone came in; `online` is who is in the room now."""

    user: str
    online: list[str]


class Left(msgspec.Struct, tag="left", tag_field="type"):
    """Someone went away; `online` is who is in the room now."""

    user: str
    online: list[str]


class Welcome(msgspec.Struct, tag="welcome", tag_field="type"):
    """The first event a member gets: its name, who is here, the recent messages, and the
    process id of the worker serving it (to see several workers at work)."""

    you: str
    online: list[str]
    history: list[Said]
    worker: int


class Problem(msgspec.Struct, tag="error", tag_field="type"):
    """Sent to one member only: what was wrong with what it sent."""

    detail: str


class Notice(msgspec.Struct):
    """What goes over `chat:presence`: the event, from which member of which worker."""

    worker: str
    member: str
    event: Joined | Left


encode = msgspec.json.Encoder().encode
decode_notice = msgspec.json.Decoder(Notice).decode


class Member(msgspec.Struct, frozen=True):
    """One connection in the room: its display name and a token of its own."""

    name: str
    token: str


class Room:
    """The room on `channels`; `online` counts the members of every worker."""

    def __init__(self, channels: Channels, queue_size: int = QUEUE_SIZE, history_size: int = HISTORY_SIZE) -> None:
        self.channels = channels
        self.queue_size = queue_size
        self.history_size = history_size
        self.worker = secrets.token_hex(8)
        self.roster: Counter[str] = Counter()

    def online(self) -> list[str]:
        """The names of the members, sorted (a name twice if two members have it)."""
        return sorted(self.roster.elements())

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Room]:
        """Follow the other workers' notices for the duration of the block (a lifespan's)."""
        async with anyio.create_task_group() as group:
            await group.start(self._follow)
            try:
                yield self
            finally:
                group.cancel_scope.cancel()

    async def _follow(self, *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
        async with self.channels.subscribe(PRESENCE, buffer=10_000) as notices:
            task_status.started()
            async for item in notices:
                if isinstance(item, Message):
                    notice = decode_notice(item.data)
                    if notice.worker != self.worker:
                        self._count(notice.event)

    def _count(self, event: Joined | Left) -> None:
        if isinstance(event, Joined):
            self.roster[event.user] += 1
        else:
            self.roster[event.user] -= 1
            if self.roster[event.user] <= 0:
                del self.roster[event.user]

    async def recent(self) -> list[Message]:
        """The last `history_size` messages said."""
        return await self.channels.history(SAID, self.history_size)

    def welcome(self, member: Member, recent: list[Message]) -> str:
        """The encoded `Welcome` for `member`."""
        history = [msgspec.json.decode(message.data, type=Said) for message in recent]
        return encode(Welcome(member.name, self.online(), history, os.getpid())).decode()

    async def join(self, name: str) -> Member:
        """Count a member called `name` in, and tell everyone else it joined."""
        member = Member(name, secrets.token_hex(8))
        self.roster[name] += 1
        await self._notify(member, Joined(name, self.online()))
        return member

    async def leave(self, member: Member) -> None:
        """Count `member` out and tell everyone it left (even while being cancelled)."""
        self._count(Left(member.name, []))
        if not self.channels.started:
            return
        with anyio.CancelScope(shield=True), anyio.move_on_after(3), contextlib.suppress(ChannelsUnavailable):
            await self._notify(member, Left(member.name, self.online()))

    async def _notify(self, member: Member, event: Joined | Left) -> None:
        await self.channels.publish(PRESENCE, encode(Notice(self.worker, member.token, event)))

    async def say(self, user: str, text: str) -> None:
        """Publish a message from `user` to everyone, the sender included (and into the history)."""
        said = Said(user, text, datetime.now(UTC).isoformat(timespec="seconds"))
        await self.channels.publish(SAID, encode(said))

    @asynccontextmanager
    async def listen(self, recent: list[Message]) -> AsyncIterator[tuple[Subscription, Subscription]]:
        """Subscribe to every message said after `recent` and to the notices, for the block;
        yield both subscriptions."""
        options: dict[str, Any] = {"last_id": recent[-1].id} if recent else {"history": self.history_size}
        async with self.channels.subscribe(SAID, buffer=self.queue_size, overflow="disconnect", **options) as said, \
                self.channels.subscribe(PRESENCE, buffer=self.queue_size, overflow="disconnect") as notices:
            yield said, notices

    async def deliver(self, member: Member, items: Subscription) -> AsyncIterator[str | Close]:
        """Yield what `member` is sent of `items` (every message, the notices about someone
        else), then the `Close` that ended them: 1013 when it fell behind, 1001 at shutdown."""
        try:
            async for item in items:
                if not isinstance(item, Message):
                    continue
                if item.channel == SAID:
                    yield item.text()
                    continue
                notice = decode_notice(item.data)
                if notice.member != member.token:
                    yield encode(notice.event).decode()
        except SubscriberOverflow:
            yield TOO_SLOW
            return
        yield SHUTTING_DOWN
