"""The client's close code and reason reach the pipe: `client_close(incoming)` once it has ended."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from lette_fp import App, ClientClose, Request, Response, accept, client_close, websocket
from lette_fp.testing import TestClient
from lette_fp.ws import Incoming
from tests.servers import run_uvicorn

seen: list[ClientClose | None] = []


async def recorder(incoming: Incoming) -> AsyncIterator[str]:
    seen.append(client_close(incoming))
    async for message in incoming:
        yield message
    seen.append(client_close(incoming))


def handler(req: Request) -> Response:
    return accept(recorder)


app = App(routes=[websocket("/ws", handler)])


@pytest.mark.parametrize(("code", "reason"), [(1001, "Going Away"), (1000, ""), (4321, "custom é")])
def test_the_pipe_sees_the_close_code_and_reason_the_client_sent(code: int, reason: str) -> None:
    seen.clear()
    with TestClient(app).websocket_connect("/ws") as ws:
        ws.send_text("ping")
        assert ws.receive() == "ping"
        ws.close(code, reason)
    assert seen == [None, ClientClose(code, reason)]


def test_client_close_of_an_iterator_lette_fp_did_not_make_is_none() -> None:
    async def other() -> AsyncIterator[str]:
        yield "x"

    assert client_close(other()) is None


def test_the_close_reaches_the_pipe_through_uvicorn() -> None:
    """Uvicorn passes the client's close frame on; hypercorn 0.18 reports 1006 in its place."""
    import websockets

    async def talk(url: str) -> None:
        async with websockets.connect(url) as ws:
            await ws.send("hi")
            assert await ws.recv() == "hi"
            await ws.close(1001, "Going Away")

    seen.clear()
    with run_uvicorn(app) as base:
        asyncio.run(talk(base.replace("http://", "ws://") + "/ws"))
        for _ in range(100):
            if len(seen) == 2:
                break
            asyncio.run(asyncio.sleep(0.02))
    assert seen == [None, ClientClose(1001, "Going Away")]
