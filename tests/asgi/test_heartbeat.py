"""The idle ping of a stream: none while the source keeps producing, none once the stream is over,
and a ping that finds the client gone ends the stream like a disconnect."""

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from lette_fp import App, get, sse
from lette_fp.asgi.streaming import pump
from lette_fp.testing import TestClient

PING = b": ping\n\n"
PATHS = [("asyncio", False), ("asyncio", True), ("trio", True)]
PATH_IDS = ["native", "scope", "trio"]


async def never_disconnects() -> dict[str, Any]:
    await anyio.sleep_forever()
    raise AssertionError("unreachable")


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_source_that_keeps_producing_gets_no_ping(backend: str) -> None:
    async def steady() -> AsyncIterator[str]:
        for i in range(40):
            await anyio.sleep(0.01)
            yield str(i)

    app = App([get("/", lambda req: sse(steady(), ping=0.25))])
    with TestClient(app, backend=backend) as client:
        text = client.get("/").text
    assert ": ping" not in text
    assert text == "".join(f"data: {i}\n\n" for i in range(40))


@pytest.mark.parametrize(("backend", "shielded"), PATHS, ids=PATH_IDS)
def test_a_ping_that_finds_the_client_gone_ends_the_stream_and_closes_the_source(backend: str, shielded: bool) -> None:
    closed: list[bool] = []
    sent: list[bytes] = []

    async def idle() -> AsyncIterator[bytes]:
        try:
            yield b"first"
            await anyio.sleep(3600)
            yield b"never"
        finally:
            closed.append(True)

    async def send(message: dict[str, Any]) -> None:
        if message["body"] == PING:
            raise OSError("the client left")
        sent.append(message["body"])

    async def run() -> bool:
        with anyio.fail_after(5):
            return await pump(idle(), never_disconnects, send, 0.02, PING, shielded)

    assert anyio.run(run, backend=backend) is True
    assert sent == [b"first"]
    assert closed == [True]


@pytest.mark.parametrize(("backend", "shielded"), PATHS, ids=PATH_IDS)
def test_no_ping_is_sent_once_the_stream_is_over(backend: str, shielded: bool) -> None:
    sent: list[bytes] = []

    async def slow() -> AsyncIterator[bytes]:
        yield b"a"
        await anyio.sleep(0.07)
        yield b"b"

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["body"])

    async def run() -> None:
        with anyio.fail_after(5):
            assert not await pump(slow(), never_disconnects, send, 0.02, PING, shielded)
        after = len(sent)
        await anyio.sleep(0.1)
        assert len(sent) == after

    anyio.run(run, backend=backend)
    assert sent[0] == b"a" and sent[-1] == b"b"
    assert PING in sent
