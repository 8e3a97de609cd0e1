"""Publishing and subscribing, on every backend: order, encoding, history and resume with no gap
and no duplicate at the seam, bounded buffers and their overflow policies, start and stop."""

from __future__ import annotations

import anyio
import msgspec
import pytest

from lette_fp.channels import Gap, Message, SubscriberOverflow
from tests.channels.conftest import MakeChannels


class Point(msgspec.Struct):
    x: int
    y: int


async def take(messages: object, n: int, timeout: float = 5.0) -> list[Message | Gap]:
    out: list[Message | Gap] = []
    with anyio.fail_after(timeout):
        async for item in messages:  # type: ignore[attr-defined]
            out.append(item)
            if len(out) == n:
                break
    return out


async def test_a_subscriber_gets_every_message_in_order_with_its_id(make_channels: MakeChannels) -> None:
    async with make_channels() as channels, channels.subscribe("news") as messages:
        ids = [await channels.publish("news", f"item {n}") for n in range(5)]
        got = await take(messages, 5)
    assert [m.text() for m in got if isinstance(m, Message)] == [f"item {n}" for n in range(5)]
    assert [m.id for m in got if isinstance(m, Message)] == ids
    assert len(set(ids)) == 5


async def test_bytes_str_and_structs_are_sent_as_bytes_utf8_and_json(make_channels: MakeChannels) -> None:
    async with make_channels() as channels, channels.subscribe("data") as messages:
        await channels.publish("data", b"\x00\xff")
        await channels.publish("data", "héllo")
        await channels.publish("data", Point(1, 2))
        raw, text, point = await take(messages, 3)
    assert isinstance(raw, Message) and raw.data == b"\x00\xff"
    assert isinstance(text, Message) and text.text() == "héllo"
    assert isinstance(point, Message) and point.json(Point) == Point(1, 2) and point.json() == {"x": 1, "y": 2}


async def test_one_subscription_to_several_channels_says_which_each_came_from(make_channels: MakeChannels) -> None:
    async with make_channels() as channels, channels.subscribe("a", "b") as messages:
        await channels.publish("a", "1")
        await channels.publish("c", "not subscribed")
        await channels.publish("b", "2")
        got = await take(messages, 2)
    assert [(m.channel, m.data) for m in got if isinstance(m, Message)] == [("a", b"1"), ("b", b"2")]


async def test_every_subscriber_gets_its_own_copy(make_channels: MakeChannels) -> None:
    async with make_channels() as channels, channels.subscribe("room") as first, channels.subscribe("room") as second:
        await channels.publish("room", "hi")
        assert [m.data for m in await take(first, 1)] == [m.data for m in await take(second, 1)] == [b"hi"]  # type: ignore[union-attr]


async def test_history_replays_the_last_messages_then_live_ones(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        for n in range(5):
            await channels.publish("log", str(n))
        async with channels.subscribe("log", history=3) as messages:
            await channels.publish("log", "5")
            got = await take(messages, 4)
    assert [m.text() for m in got if isinstance(m, Message)] == ["2", "3", "4", "5"]


async def test_no_gap_and_no_duplicate_where_the_replay_meets_live_messages(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        total = 200

        async def publisher() -> None:
            for n in range(total):
                await channels.publish("seq", str(n))
                if n % 10 == 0:
                    await anyio.sleep(0)

        async with anyio.create_task_group() as group:
            group.start_soon(publisher)
            await anyio.sleep(0)
            async with channels.subscribe("seq", history=total, buffer=total) as messages:
                numbers: list[int] = []
                with anyio.fail_after(10):
                    async for item in messages:
                        assert isinstance(item, Message)
                        numbers.append(int(item.text()))
                        if numbers[-1] == total - 1:
                            break
    assert numbers == list(range(numbers[0], total))


async def test_last_id_resumes_after_that_message(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        ids = [await channels.publish("feed", str(n)) for n in range(5)]
        async with channels.subscribe("feed", last_id=ids[1]) as messages:
            got = await take(messages, 3)
        assert [m.text() for m in got if isinstance(m, Message)] == ["2", "3", "4"]
        async with channels.subscribe("feed", last_id="not an id", history=1) as messages:
            await channels.publish("feed", "5")
            got = await take(messages, 2)
        assert [m.text() for m in got if isinstance(m, Message)] == ["4", "5"]


async def test_resuming_from_before_the_history_reports_a_gap(make_channels: MakeChannels) -> None:
    async with make_channels(history=3) as channels:
        ids = [await channels.publish("short", str(n)) for n in range(200)]
        async with channels.subscribe("short", last_id=ids[0]) as messages:
            first = (await take(messages, 1))[0]
    assert isinstance(first, Gap) and first.channel == "short" and first.after == ids[0]


async def test_a_slow_subscriber_drops_the_oldest_and_is_told_how_many(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        async with channels.subscribe("fast", buffer=4, overflow="drop_oldest") as messages:
            ids = [await channels.publish("fast", str(n)) for n in range(10)]
            with anyio.fail_after(5):
                while channels.stats.dropped < 6:
                    await anyio.sleep(0.01)
            got = await take(messages, 5)
            assert messages.dropped == 6
        assert channels.stats.dropped == 6
    gap, *rest = got
    assert gap == Gap("fast", None, 6)
    assert [m.id for m in rest if isinstance(m, Message)] == ids[6:]


async def test_a_slow_subscriber_with_disconnect_gets_an_error_after_what_it_buffered(make_channels: MakeChannels) -> None:
    async with make_channels() as channels, channels.subscribe("fast", buffer=3, overflow="disconnect") as messages:
        for n in range(5):
            await channels.publish("fast", str(n))
        with anyio.fail_after(5):
            while channels.stats.disconnected < 1:
                await anyio.sleep(0.01)
        got = await take(messages, 3)
        with pytest.raises(SubscriberOverflow, match="fell 3 messages behind"):
            await messages.__anext__()
    assert [m.text() for m in got if isinstance(m, Message)] == ["0", "1", "2"]


async def test_stopping_ends_the_subscriptions(make_channels: MakeChannels) -> None:
    channels = make_channels()
    await channels.start()
    async with channels.subscribe("x") as messages:
        await channels.publish("x", "last")
        await take(messages, 1)
        await channels.stop()
        with anyio.fail_after(5):
            assert [item async for item in messages] == []


async def test_channels_that_are_not_started_say_how_to_start_them(make_channels: MakeChannels) -> None:
    channels = make_channels()
    with pytest.raises(RuntimeError, match="not started.*lifespan"):
        await channels.publish("x", "hello")


async def test_bad_arguments_are_refused_at_once(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        with pytest.raises(ValueError, match="channel name"):
            await channels.publish("", "x")
        with pytest.raises(ValueError, match="overflow"):
            channels.subscribe("x", overflow="block")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="buffer"):
            channels.subscribe("x", buffer=0)
        with pytest.raises(ValueError, match="at least one"):
            channels.subscribe()


async def test_stream_is_a_generator_over_a_subscription(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        stream = channels.stream("gen", history=1)
        await channels.publish("gen", "first")
        first = await stream.__anext__()
        await channels.publish("gen", "second")
        second = await stream.__anext__()
        await stream.aclose()  # type: ignore[attr-defined]
    assert [first.data, second.data] == [b"first", b"second"]  # type: ignore[union-attr]
