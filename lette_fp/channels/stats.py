"""Counters a `Channels` keeps while it runs (read them with `channels.stats`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ChannelStats:
    """What happened since start: messages `published` through this process and `delivered` to
    its subscribers, messages `dropped` by full buffers (`overflow="drop_oldest"`), subscribers
    `disconnected` for overflowing (`overflow="disconnect"`), `gaps` reported, and `reconnects`
    to the broker."""

    published: int = 0
    delivered: int = 0
    dropped: int = 0
    disconnected: int = 0
    gaps: int = 0
    reconnects: int = 0
