"""A WebSocket room in a few lines: `accept(channel_pipe(channels, "room"))`.

The pipe publishes every message the client sends to the channel, and sends the client every
message the channel brings (its own included), from any worker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from lette_fp.channels.channels import Channels
from lette_fp.channels.message import Gap, Message
from lette_fp.channels.subscriber import Overflow, SubscriberOverflow
from lette_fp.streams import merge
from lette_fp.ws import Close, Incoming, Outgoing, Pipe

TOO_SLOW = Close(1013, "Too slow: the channel's messages were piling up")
"""How the pipe closes a connection whose subscription overflowed (`overflow="disconnect"`)."""


def as_frame(item: Message | Gap) -> Outgoing | None:
    """The default outgoing frame: a message's data as a text frame (a binary frame when it is
    not UTF-8); a `Gap` sends nothing."""
    if isinstance(item, Gap):
        return None
    try:
        return item.text()
    except UnicodeDecodeError:
        return item.data


def channel_pipe(
    channels: Channels,
    channel: str,
    *,
    history: int = 0,
    buffer: int | None = None,
    overflow: Overflow = "disconnect",
    inbound: Callable[[str | bytes], Any] | None = None,
    outbound: Callable[[Message | Gap], Outgoing | None] = as_frame,
) -> Pipe:
    """Return a pipe joining the connection to `channel`: each client message is published
    (through `inbound` first when given; None publishes nothing), each channel message is sent
    (through `outbound`; None sends nothing). `history` messages are replayed on connecting.
    A subscription that falls `buffer` messages behind closes the socket with 1013 by default
    (`overflow="drop_oldest"` drops messages instead)."""

    async def pipe(incoming: Incoming) -> AsyncIterator[Outgoing]:
        async def publish() -> AsyncIterator[Any]:
            async for frame in incoming:
                data = inbound(frame) if inbound is not None else frame
                if data is not None:
                    await channels.publish(channel, data)
            return
            yield

        async with channels.subscribe(channel, history=history, buffer=buffer, overflow=overflow) as messages:
            try:
                async with merge(publish(), messages) as items:
                    async for item in items:
                        frame = outbound(item)
                        if frame is not None:
                            yield frame
            except SubscriberOverflow:
                yield TOO_SLOW

    return pipe
