"""A subscriber's buffer under any interleaving of offers and reads: it never holds more than its
capacity, delivers in order without duplicates, and accounts for every message it drops."""

from __future__ import annotations

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.channels.message import Gap, Message, id_key
from lette_fp.channels.stats import ChannelStats
from lette_fp.channels.subscriber import Subscriber, SubscriberOverflow

steps = st.lists(st.one_of(st.tuples(st.just("offer"), st.sampled_from(["a", "b"]), st.booleans()), st.just(("take", "", False))), max_size=200)


def drain(subscriber: Subscriber) -> list[Message | Gap]:
    taken: list[Message | Gap] = []

    async def run() -> None:
        while subscriber._queue:
            taken.append(await subscriber.next())

    anyio.run(run)
    return taken


@settings(max_examples=200, deadline=None)
@given(steps, st.integers(1, 8), st.sampled_from(["drop_oldest", "disconnect"]))
def test_bounded_ordered_and_every_drop_counted(plan: list[tuple[str, str, bool]], buffer: int, overflow: str) -> None:
    stats = ChannelStats()
    subscriber = Subscriber(("a", "b"), buffer, overflow, stats)  # type: ignore[arg-type]
    offered = 0
    duplicates = 0
    taken: list[Message | Gap] = []
    last: Message | None = None
    for n, (action, channel, repeat) in enumerate(plan):
        if action == "offer":
            message = last if repeat and last is not None else Message(channel, f"{n + 1}-0", b"x")
            if message is last:
                duplicates += 1
            else:
                offered += 1
            last = message
            subscriber.offer(id_key(message.id), message)
            assert len(subscriber._queue) - subscriber._gaps <= buffer
        elif subscriber._queue:
            taken.extend(drain_one(subscriber))
    taken.extend(drain(subscriber))
    messages = [item for item in taken if isinstance(item, Message)]
    for channel in "ab":
        keys = [id_key(m.id) for m in messages if m.channel == channel]
        assert keys == sorted(set(keys))
    if overflow == "drop_oldest":
        dropped = sum(item.dropped for item in taken if isinstance(item, Gap))
        assert dropped == subscriber.dropped == stats.dropped
        assert len(messages) + dropped == offered
    else:
        assert stats.dropped == 0
        if stats.disconnected:
            try:
                anyio.run(subscriber.next)
            except SubscriberOverflow:
                pass
            else:
                raise AssertionError("an overflowed subscription must raise")


def drain_one(subscriber: Subscriber) -> list[Message | Gap]:
    return [anyio.run(subscriber.next)]
