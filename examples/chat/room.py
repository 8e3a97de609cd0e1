"""The chat room: who is in it, the recent messages, and the fan-out of every event to every member.

Each member has a bounded queue. Publishing never waits: an event that does not fit in a
member's queue means that member's connection is too slow to keep up, and it is dropped (its
socket is closed with 1013, "try again later") rather than letting the room's memory grow.
Events are encoded to JSON once, when published, not once per member.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import anyio
import msgspec

from lette_fp import Close

QUEUE_SIZE = 64
"""Events a member may have waiting before it counts as too slow."""

HISTORY_SIZE = 50
"""Messages a newcomer is shown."""

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
    """The first event a member gets: its name, who is here, and the recent messages."""

    you: str
    online: list[str]
    history: list[Said]


class Problem(msgspec.Struct, tag="error", tag_field="type"):
    """Sent to one member only: what was wrong with what it sent."""

    detail: str


encode = msgspec.json.Encoder().encode


class Member:
    """One connection in the room: its name and its bounded queue of encoded events."""

    def __init__(self, name: str, queue_size: int) -> None:
        self.name = name
        self._send, self._receive = anyio.create_memory_object_stream[str](max_buffer_size=queue_size)
        self.ended: Close | None = None

    def offer(self, event: str) -> bool:
        """Queue `event` without waiting; return False when the queue is full or closed."""
        try:
            self._send.send_nowait(event)
        except (anyio.WouldBlock, anyio.ClosedResourceError, anyio.BrokenResourceError):
            return False
        return True

    def end(self, close: Close) -> None:
        """Stop the member's events: once the queued ones are delivered, `close` is the last."""
        if self.ended is None:
            self.ended = close
        self._send.close()

    async def events(self) -> AsyncIterator[str | Close]:
        """Yield the member's events as they are published, then the `Close` that ended them."""
        with self._receive:
            async for event in self._receive:
                yield event
        yield self.ended or SHUTTING_DOWN


class Room:
    """The members and the last `history_size` messages. One per process: every worker of a
    multi-process server has its own room (a shared broker, e.g. Redis pub/sub, would join them)."""

    def __init__(self, queue_size: int = QUEUE_SIZE, history_size: int = HISTORY_SIZE) -> None:
        self.queue_size = queue_size
        self.members: list[Member] = []
        self.history: deque[Said] = deque(maxlen=history_size)

    def online(self) -> list[str]:
        """The names of the members, sorted."""
        return sorted(member.name for member in self.members)

    @contextmanager
    def join(self, name: str) -> Iterator[Member]:
        """Add a member called `name` for the duration of the block: everyone else is told it
        joined, and that it left when the block ends (however it ends)."""
        member = Member(name, self.queue_size)
        self.members.append(member)
        self.publish(Joined(name, self.online()), skip=member)
        try:
            yield member
        finally:
            member.end(SHUTTING_DOWN)
            if member in self.members:
                self.members.remove(member)
                self.publish(Left(name, self.online()))

    def welcome(self, member: Member) -> str:
        """The encoded `Welcome` for `member`."""
        return encode(Welcome(member.name, self.online(), list(self.history))).decode()

    def say(self, user: str, text: str) -> None:
        """Publish a message from `user` to everyone, the sender included, and keep it in the history."""
        said = Said(user, text, datetime.now(UTC).isoformat(timespec="seconds"))
        self.history.append(said)
        self.publish(said)

    def publish(self, event: msgspec.Struct, skip: Member | None = None) -> None:
        """Queue `event` for every member but `skip`; drop the members whose queue is full."""
        data = encode(event).decode()
        slow = [member for member in self.members if member is not skip and not member.offer(data)]
        for member in slow:
            member.end(TOO_SLOW)
            self.members.remove(member)
        for member in slow:
            self.publish(Left(member.name, self.online()))

    def close(self) -> None:
        """End every member's connection (1001): the server is going away."""
        for member in self.members:
            member.end(SHUTTING_DOWN)
        self.members.clear()
