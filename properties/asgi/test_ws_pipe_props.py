"""Pipes under any traffic: echo keeps every message in order; whatever a pipe yields and wherever
the client disconnects, exactly the frames yielded before the disconnect are sent and the pipe's
generator is always finalised."""

from collections.abc import AsyncIterator
from typing import Any
from unittest import mock

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Request, Response, accept, websocket
from lette_fp.asgi import ws_inbox
from lette_fp.ws import Incoming
from tests.asgi.ws_fake import FakeClient

BACKENDS = ["asyncio", "trio"]

messages = st.lists(st.one_of(st.text(max_size=300), st.binary(max_size=300)), max_size=30)
big_messages = st.lists(
    st.one_of(st.text(min_size=1000, max_size=70_000), st.binary(min_size=1000, max_size=70_000)), max_size=3
)


def app_for(pipe: Any) -> App:
    def handler(req: Request) -> Response:
        return accept(pipe)

    return App(routes=[websocket("/ws", handler)])


async def echo(incoming: Incoming) -> AsyncIterator[str | bytes]:
    async for message in incoming:
        yield message


async def slow_echo(incoming: Incoming) -> AsyncIterator[str | bytes]:
    count = 0
    async for message in incoming:
        count += 1
        if count % 5 == 1:
            await anyio.sleep(0.004)
        yield message


@pytest.mark.parametrize(
    ("pipe", "watch_after"),
    [(echo, ws_inbox.WATCH_AFTER), (slow_echo, 0.0005)],
    ids=["reading", "read-ahead"],
)
@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=60, deadline=None)
@given(sent=st.one_of(messages, big_messages))
def test_echo_returns_every_message_in_order(backend: str, pipe: Any, watch_after: float, sent: list[str | bytes]) -> None:
    client = FakeClient(sent, hold_open=True, leave_after_frames=len(sent) or None)
    if not sent:
        client.leave()
    with mock.patch.object(ws_inbox, "WATCH_AFTER", watch_after):
        anyio.run(client.run, app_for(pipe), backend=backend)
    assert client.frames == sent


op = st.one_of(
    st.tuples(st.just("yield"), st.one_of(st.text(max_size=20), st.binary(max_size=20))),
    st.tuples(st.just("read"), st.none()),
    st.tuples(st.just("pause"), st.none()),
    st.tuples(st.just("wait"), st.none()),
)


@pytest.mark.parametrize("watch_after", [ws_inbox.WATCH_AFTER, 0.0005], ids=["watcher-late", "watcher-eager"])
@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=150, deadline=None)
@given(
    ops=st.lists(op, max_size=40),
    client_messages=st.lists(st.text(max_size=5), max_size=10),
    leave_after_frames=st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
)
def test_exactly_the_frames_yielded_before_the_disconnect_are_sent(
    backend: str,
    watch_after: float,
    ops: list[tuple[str, Any]],
    client_messages: list[str],
    leave_after_frames: int | None,
) -> None:
    client = FakeClient(client_messages, leave_after_frames=leave_after_frames)
    yielded: list[tuple[str | bytes, bool]] = []
    finalised: list[bool] = []

    async def pipe(incoming: Incoming) -> AsyncIterator[str | bytes]:
        try:
            for kind, value in ops:
                if kind == "yield":
                    yielded.append((value, client.gone))
                    yield value
                elif kind == "read":
                    await anext(incoming, None)
                elif kind == "wait":
                    await anyio.sleep(0.001)
                else:
                    await anyio.sleep(0)
        finally:
            finalised.append(True)

    async def serve() -> list[bool]:
        await client.run(app_for(pipe))
        return list(finalised)

    with mock.patch.object(ws_inbox, "WATCH_AFTER", watch_after):
        finalised_when_served = anyio.run(serve, backend=backend)
    assert client.frames == [frame for frame, gone in yielded if not gone]
    assert finalised_when_served == [True]
    if not client.gone:
        assert client.close == (1000, "")
