"""The idle ping under any timing of source and client: every chunk arrives once, in order; sends
never overlap; and a ping goes out only once the stream has been quiet for the whole interval,
never while a chunk is being sent."""

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.asgi.streaming import pump
from lette_fp.http.streams import Mapped

INTERVAL = 0.01
TICK = 0.005
PING = b": ping\n\n"

# Per chunk: ticks the source waits before yielding it, and ticks the client takes to accept it.
steps = st.lists(st.tuples(st.sampled_from([0, 0, 1, 3, 5]), st.sampled_from([0, 0, 0, 1, 3])), max_size=8)


class Client:
    """Accepts body messages, each after its scripted delay, recording when each send ran."""

    def __init__(self, delays: list[int]) -> None:
        self.delays = delays
        self.bodies: list[bytes] = []
        self.sends: list[tuple[float, float, bytes]] = []
        self.in_flight = 0
        self.overlapped = False

    async def receive(self) -> dict[str, Any]:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(self, message: dict[str, Any]) -> None:
        self.in_flight += 1
        self.overlapped |= self.in_flight > 1
        start = anyio.current_time()
        body = message["body"]
        if body != PING:
            delay = self.delays[len(self.bodies)]
            self.bodies.append(body)
            await anyio.sleep(delay * TICK)
        self.sends.append((start, anyio.current_time(), body))
        self.in_flight -= 1


@pytest.mark.parametrize(
    ("backend", "shielded"), [("asyncio", False), ("asyncio", True), ("trio", True)], ids=["native", "scope", "trio"]
)
@settings(max_examples=30, deadline=None)
@given(script=steps, mapped=st.booleans())
def test_pings_only_fill_quiet_intervals(backend: str, shielded: bool, mapped: bool, script: list[tuple[int, int]]) -> None:
    chunks = [b"%d" % i for i in range(len(script))]
    client = Client([delay for _, delay in script])

    async def source() -> AsyncIterator[bytes]:
        for (wait, _), chunk in zip(script, chunks, strict=True):
            await anyio.sleep(wait * TICK)
            yield chunk

    async def run() -> tuple[bool, float]:
        started = anyio.current_time()
        body: Any = Mapped(source(), bytes) if mapped else source()
        with anyio.fail_after(10):
            left = await pump(body, client.receive, client.send, INTERVAL, PING, shielded)
        return left, started

    left, started = anyio.run(run, backend=backend)
    assert not left
    assert client.bodies == chunks
    assert not client.overlapped
    quiet_since = started
    for start, end, body in client.sends:
        if body == PING:
            assert start - quiet_since >= INTERVAL
        quiet_since = end
