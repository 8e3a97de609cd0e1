"""The protocol a backend keeps: publish, make a channel's messages reach the hub, replay history.

A backend is started with the `Hub` of its `Channels`, and delivers every message published to
a channel the hub listens to by `hub.dispatch(channel, id, data)`, in id order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lette_fp.channels.hub import Hub
from lette_fp.channels.message import Message
from lette_fp.channels.stats import ChannelStats

DEFAULT_HISTORY = 1000
"""Messages each channel keeps for replay unless told otherwise (on Redis approximately, as
`MAXLEN ~`)."""


def check_history(history: int) -> int:
    """Return `history`, a number of messages; ValueError when it is negative."""
    if history < 0:
        raise ValueError(f"history is a number of messages, not {history}")
    return history


class Backend(Protocol):
    """What `Channels` needs of a message broker."""

    async def start(self, hub: Hub, stats: ChannelStats) -> None:
        """Connect; raise `ChannelsUnavailable` when the broker can't be reached."""

    async def stop(self) -> None:
        """Disconnect and stop every background task."""

    async def publish(self, channel: str, data: bytes) -> str:
        """Publish `data` on `channel` and return its message id."""

    async def listen(self, names: Sequence[str]) -> None:
        """Return once every message published on `names` from now on reaches the hub."""

    async def unlisten(self, names: Sequence[str]) -> None:
        """Stop delivering `names` (the hub has no subscriber left for them)."""

    async def history(self, channel: str, count: int = 0, after: str | None = None) -> tuple[list[Message], bool]:
        """Return the last `count` messages of `channel`, or (with `after`) every message newer
        than the id `after` that is still kept, oldest first; and whether messages newer than
        `after` were trimmed from the history already (a gap)."""


class ChannelsUnavailable(RuntimeError):
    """The broker can't be reached (at start-up, or while publishing after the retries)."""
