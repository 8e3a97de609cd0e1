"""The local fan-out: which subscribers of this process listen to which channel.

Both backends deliver through a `Hub`: the memory backend as it publishes, the Redis backend as
its pub/sub connection reads. `dispatch` builds the `Message` once and offers it to every
subscriber of its channel without waiting.
"""

from __future__ import annotations

from collections.abc import Iterator

from lette_fp.channels.message import Message, id_key
from lette_fp.channels.subscriber import Subscriber


class Hub:
    """Subscribers by channel name."""

    def __init__(self) -> None:
        self._channels: dict[str, dict[Subscriber, None]] = {}

    def add(self, subscriber: Subscriber) -> list[str]:
        """Register `subscriber` on its channels; return those that had no subscriber before."""
        new = []
        for name in subscriber.names:
            members = self._channels.get(name)
            if members is None:
                members = self._channels[name] = {}
                new.append(name)
            members[subscriber] = None
        return new

    def remove(self, subscriber: Subscriber) -> list[str]:
        """Unregister `subscriber`; return the channels left without a subscriber."""
        empty = []
        for name in subscriber.names:
            members = self._channels.get(name)
            if members is None:
                continue
            members.pop(subscriber, None)
            if not members:
                del self._channels[name]
                empty.append(name)
        return empty

    def listening(self, name: str) -> bool:
        """Whether some subscriber of this process listens to `name`."""
        return name in self._channels

    def names(self) -> list[str]:
        """Every channel some subscriber listens to."""
        return list(self._channels)

    def subscribers(self) -> Iterator[Subscriber]:
        """Every subscriber, once each."""
        seen: set[int] = set()
        for members in list(self._channels.values()):
            for subscriber in list(members):
                if id(subscriber) not in seen:
                    seen.add(id(subscriber))
                    yield subscriber

    def dispatch(self, channel: str, message_id: str, data: bytes) -> int:
        """Offer the message to every subscriber of `channel`; return how many there were."""
        members = self._channels.get(channel)
        if not members:
            return 0
        key = id_key(message_id)
        message = Message(channel, message_id, data)
        for subscriber in list(members):
            subscriber.offer(key, message)
        return len(members)

    def close(self) -> None:
        """End every subscription (their iterators stop after what is queued) and forget them."""
        for subscriber in self.subscribers():
            subscriber.end()
        self._channels.clear()
