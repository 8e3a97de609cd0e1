"""`MemoryBackend`: channels inside one process, the default.

Publishing hands the message to the hub at once; each channel keeps its last `history` messages
in memory for replays and resumes. Every worker process of a server has its own: use
`RedisBackend` to join several.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from lette_fp.channels.backend import DEFAULT_HISTORY, check_history
from lette_fp.channels.hub import Hub
from lette_fp.channels.ids import IdClock
from lette_fp.channels.message import Message, id_key
from lette_fp.channels.stats import ChannelStats

"""Messages each channel keeps for replays, unless told otherwise."""


class MemoryBackend:
    """Channels in this process's memory, each keeping its last `history` messages (0: none)."""

    def __init__(self, history: int = DEFAULT_HISTORY) -> None:
        self.history_size = check_history(history)
        self._hub: Hub | None = None
        self._clock = IdClock()
        self._kept: dict[str, deque[tuple[int, Message]]] = {}
        self._trimmed: dict[str, int] = {}

    async def start(self, hub: Hub, stats: ChannelStats) -> None:
        """Deliver to `hub` from now on."""
        self._hub = hub

    async def stop(self) -> None:
        """Forget the hub (the history stays, for a restart in the same process)."""
        self._hub = None

    async def publish(self, channel: str, data: bytes) -> str:
        """Keep the message in the channel's history and hand it to the hub; return its id."""
        message_id = self._clock.next()
        if self.history_size:
            kept = self._kept.get(channel)
            if kept is None:
                kept = self._kept[channel] = deque()
            if len(kept) >= self.history_size:
                self._trimmed[channel] = kept.popleft()[0]
            kept.append((id_key(message_id), Message(channel, message_id, data)))
        else:
            self._trimmed[channel] = id_key(message_id)
        if self._hub is not None:
            self._hub.dispatch(channel, message_id, data)
        return message_id

    async def listen(self, names: Sequence[str]) -> None:
        """Nothing to do: the hub gets every message as it is published."""

    async def unlisten(self, names: Sequence[str]) -> None:
        """Nothing to do."""

    async def history(self, channel: str, count: int = 0, after: str | None = None) -> tuple[list[Message], bool]:
        """The last `count` kept messages, or every kept one after `after`; and whether some
        after `after` were already dropped from the history."""
        kept = self._kept.get(channel, ())
        if after is None:
            return [message for _, message in list(kept)[-count:]] if count else [], False
        start = id_key(after)
        newer = [message for key, message in kept if key > start]
        return newer, self._trimmed.get(channel, -1) > start
