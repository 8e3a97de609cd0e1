"""Server-sent events from a subscription: `channel_sse(channels, "news", req=req)`.

Every message is an event whose id is the message id, so a reconnecting EventSource sends the
last one it saw as `Last-Event-ID`, and the stream resumes after it (from the history the
backend still keeps; a `Gap` event says when that is not enough).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from lette_fp.channels.channels import Channels
from lette_fp.channels.message import Gap, Message, parse_id
from lette_fp.channels.subscriber import Overflow, SubscriberOverflow
from lette_fp.http.request import Request
from lette_fp.http.response import HeadersArg, Response
from lette_fp.sse import Event, sse


def as_event(item: Message | Gap) -> Event | None:
    """The default event: a message's data with the message's id (no event type, so an
    EventSource's `onmessage` gets it); a `Gap` is an event of type `gap` whose data names the channel and the
    last id before the hole."""
    if isinstance(item, Gap):
        return Event({"channel": item.channel, "after": item.after, "dropped": item.dropped}, event="gap")
    return Event(item.data, id=item.id)


def channel_sse(
    channels: Channels,
    *names: str,
    req: Request | None = None,
    last_id: str | None = None,
    history: int = 0,
    buffer: int | None = None,
    overflow: Overflow = "disconnect",
    render: Callable[[Message | Gap], Event | None] = as_event,
    ping: float | None = 15.0,
    headers: HeadersArg = None,
) -> Response:
    """Return a `text/event-stream` response of the messages on `names`, each rendered by
    `render` (None skips it). With `req`, a valid `Last-Event-ID` header resumes after that id
    (`last_id` does the same directly); otherwise `history` messages are replayed first.

    A subscription that falls `buffer` messages behind ends the stream by default
    (`overflow="disconnect"`): the client reconnects and resumes from its last id.
    """
    if req is not None and last_id is None:
        last_id = req.headers.get("last-event-id")
    resume = parse_id(last_id)

    async def events() -> AsyncIterator[Any]:
        options: dict[str, Any] = {"buffer": buffer, "overflow": overflow}
        if resume is not None:
            options["last_id"] = resume
        else:
            options["history"] = history
        try:
            async with channels.subscribe(*names, **options) as messages:
                async for item in messages:
                    event = render(item)
                    if event is not None:
                        yield event
        except SubscriberOverflow:
            return

    return sse(events(), ping=ping, headers=headers)
