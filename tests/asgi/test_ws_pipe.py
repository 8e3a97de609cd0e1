"""Running pipes: how a connection ends, disconnects, errors and backpressure, with a scripted client."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from lette_fp import App, Close, Request, Response, accept, websocket
from lette_fp.asgi.ws_inbox import MESSAGE_COST, READ_AHEAD_BYTES, WATCH_AFTER
from lette_fp.streams import merge
from lette_fp.ws import Incoming
from tests.asgi.ws_fake import FakeClient


def app_for(pipe: Any) -> App:
    def handler(req: Request) -> Response:
        return accept(pipe)

    return App(routes=[websocket("/ws", handler)])


async def test_an_ending_pipe_closes_with_1000_after_its_messages() -> None:
    async def pipe(incoming: Incoming) -> AsyncIterator[str | bytes]:
        yield "one"
        yield b"two"

    client = FakeClient(hold_open=True)
    await client.run(app_for(pipe))
    assert client.frames == ["one", b"two"]
    assert client.close == (1000, "")


async def test_yielding_close_sends_that_code_and_stops_the_pipe() -> None:
    after_close: list[str] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str | Close]:
        yield "bye"
        yield Close(4001, "go away")
        after_close.append("ran on")

    client = FakeClient(hold_open=True)
    await client.run(app_for(pipe))
    assert client.frames == ["bye"]
    assert client.close == (4001, "go away")
    assert after_close == []


async def test_a_raising_pipe_closes_with_1011_and_is_raised_for_the_server(caplog: pytest.LogCaptureFixture) -> None:
    finalised: list[bool] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str]:
        try:
            yield "first"
            raise LookupError("pipe exploded")
        finally:
            finalised.append(True)

    client = FakeClient(hold_open=True)
    with caplog.at_level(logging.ERROR, logger="lette_fp"), pytest.raises(LookupError, match="pipe exploded"):
        await client.run(app_for(pipe))
    assert client.frames == ["first"]
    assert client.close == (1011, "")
    assert finalised == [True]
    assert caplog.records == [], "lette_fp logs nothing itself: the server logs what the app raises"


@pytest.mark.parametrize("bad", [42, None, {"a": 1}])
async def test_yielding_something_unsendable_closes_with_1011(bad: object, caplog: pytest.LogCaptureFixture) -> None:
    async def pipe(incoming: Incoming) -> AsyncIterator[object]:
        yield bad

    client = FakeClient(hold_open=True)
    with pytest.raises(TypeError, match="yield str, bytes or Close"):
        await client.run(app_for(pipe))
    assert client.close == (1011, "")


async def test_a_pipe_that_is_not_an_async_iterator_closes_with_1011(caplog: pytest.LogCaptureFixture) -> None:
    async def not_a_generator(incoming: Incoming) -> str:
        return "oops"

    client = FakeClient(hold_open=True)
    with pytest.raises(TypeError, match="not an async iterator"):
        await client.run(app_for(not_a_generator))
    assert client.close == (1011, "")


async def test_disconnect_ends_incoming_and_the_code_after_the_loop_runs() -> None:
    steps: list[str] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str]:
        try:
            async for message in incoming:
                steps.append(f"got {message}")
            steps.append("incoming ended")
            yield "too late"
        finally:
            steps.append("finally")

    client = FakeClient(["a", "b"])
    await client.run(app_for(pipe))
    assert steps == ["got a", "got b", "incoming ended", "finally"]
    assert client.frames == []
    assert client.close is None


async def test_disconnect_cancels_a_pipe_waiting_elsewhere() -> None:
    steps: list[str] = []
    never = anyio.Event()

    async def pipe(incoming: Incoming) -> AsyncIterator[str]:
        try:
            yield "hello"
            await never.wait()
            yield "unreachable"
        finally:
            steps.append("finally")

    client = FakeClient([])
    await client.run(app_for(pipe))
    assert client.frames == ["hello"]
    assert steps == ["finally"]


async def ticks(steps: list[str]) -> AsyncIterator[str]:
    """Yield "tick" every 10 ms until closed; note the close in `steps`."""
    try:
        while True:
            await anyio.sleep(0.01)
            yield "tick"
    finally:
        steps.append("ticks closed")


async def test_disconnect_cancels_a_merge_of_incoming_and_a_timer() -> None:
    steps: list[str] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str | bytes]:
        try:
            async for item in merge(incoming, ticks(steps)):
                yield item
        finally:
            steps.append("pipe closed")

    client = FakeClient(hold_open=True, leave_after_frames=3)
    await client.run(app_for(pipe))
    assert client.frames == ["tick", "tick", "tick"]
    assert sorted(steps) == ["pipe closed", "ticks closed"]


async def test_a_merge_the_pipe_leaves_open_is_cancelled_when_the_connection_ends() -> None:
    steps: list[str] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str | bytes]:
        items = merge(incoming, ticks(steps))
        yield await items.__anext__()

    client = FakeClient(hold_open=True)
    await client.run(app_for(pipe))
    assert client.frames == ["tick"]
    assert client.close == (1000, "")
    assert steps == ["ticks closed"]


async def test_a_failing_send_closes_the_pipe() -> None:
    steps: list[str] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str]:
        try:
            n = 0
            while True:
                n += 1
                yield str(n)
        finally:
            steps.append("finally")

    client = FakeClient(hold_open=True, leave_after_frames=5)
    await client.run(app_for(pipe))
    assert client.frames == ["1", "2", "3", "4", "5"]
    assert steps == ["finally"]


@pytest.mark.parametrize("size", [0, 10, 10_000, 200_000])
async def test_a_busy_pipe_is_read_ahead_of_only_within_a_bounded_budget(size: int) -> None:
    taken: list[str | bytes] = []
    release = anyio.Event()

    async def slow_reader(incoming: Incoming) -> AsyncIterator[str]:
        async for message in incoming:
            taken.append(message)
            if len(taken) == 2:
                await release.wait()
        yield "done"

    client = FakeClient([b"x" * size] * 3000)
    async with anyio.create_task_group() as group:
        group.start_soon(client.run, app_for(slow_reader))
        with anyio.fail_after(5):
            while len(taken) < 2 or client.delivered == len(taken):
                await anyio.sleep(0.01)
        await anyio.sleep(WATCH_AFTER * 3)
        held = client.delivered - len(taken)
        assert held >= 1
        assert held * (size + MESSAGE_COST) <= READ_AHEAD_BYTES + size + MESSAGE_COST
        release.set()
    assert client.delivered == 3000 and len(taken) == 3000


async def test_a_pipe_that_never_reads_still_learns_the_client_left() -> None:
    steps: list[str] = []

    async def push_only(incoming: Incoming) -> AsyncIterator[str]:
        try:
            yield "news"
            await anyio.sleep_forever()
        finally:
            steps.append("finally")

    client = FakeClient(["ignored"] * 10)
    await client.run(app_for(push_only))
    assert client.frames == ["news"]
    assert steps == ["finally"]


async def test_the_pipe_is_pulled_only_as_fast_as_the_client_takes_messages() -> None:
    pulled: list[int] = []
    sending = anyio.Event()
    unblock = anyio.Event()

    async def fast_writer(incoming: Incoming) -> AsyncIterator[str]:
        for n in range(1000):
            pulled.append(n)
            yield str(n)

    class SlowClient(FakeClient):
        async def send(self, message: dict[str, Any]) -> None:
            if message["type"] == "websocket.send" and len(self.frames) == 3:
                sending.set()
                await unblock.wait()
            await super().send(message)

    client = SlowClient(hold_open=True)
    async with anyio.create_task_group() as group:
        group.start_soon(client.run, app_for(fast_writer))
        with anyio.fail_after(5):
            await sending.wait()
        await anyio.sleep(0.05)
        assert len(pulled) == 4
        unblock.set()
    assert len(client.frames) == 1000


async def test_background_tasks_of_the_accept_run_after_the_close() -> None:
    events: list[str] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str]:
        yield "x"

    async def after() -> None:
        events.append(f"background after {len(client.sent)} messages")

    def handler(req: Request) -> Response:
        return accept(pipe).with_background(after)

    client = FakeClient(hold_open=True)
    await client.run(App(routes=[websocket("/ws", handler)]))
    assert [m["type"] for m in client.sent] == ["websocket.accept", "websocket.send", "websocket.close"]
    assert events == ["background after 3 messages"]
