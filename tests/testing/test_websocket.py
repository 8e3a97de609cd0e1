"""The test clients' WebSocket sessions: what a test sees of the app's side of the connection."""

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from lette_fp import App, Request, Response, accept, websocket
from lette_fp.testing import AsyncTestClient, TestClient, WebSocketClosed, WebSocketDenied
from lette_fp.ws import Incoming

events: list[str] = []


async def echo(incoming: Incoming) -> AsyncIterator[str | bytes]:
    try:
        async for message in incoming:
            yield message
        events.append("incoming ended")
    finally:
        events.append("finally")


async def silent(incoming: Incoming) -> AsyncIterator[str]:
    async for _ in incoming:
        pass
    yield "never"


async def explode(incoming: Incoming) -> AsyncIterator[str]:
    async for _ in incoming:
        raise ValueError("pipe failure")
    yield "never"


async def accept_then_return(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "websocket.accept"})


async def close_before_accept(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "websocket.close", "code": 1000})


async def never_finishes(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    await anyio.sleep_forever()


def route(pipe: Any) -> Any:
    def handler(req: Request) -> Response:
        return accept(pipe)

    return handler


app = App(routes=[websocket("/echo", route(echo)), websocket("/silent", route(silent)), websocket("/explode", route(explode))])


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_messages_both_ways_and_a_client_close_ends_incoming(backend: str) -> None:
    events.clear()
    with TestClient(app, backend=backend) as client, client.websocket_connect("ws://testserver/echo") as ws:
        ws.send_text("text")
        assert ws.receive() == "text"
        ws.send_bytes(b"\x00")
        assert ws.receive() == b"\x00"
        ws.send_json({"n": [1]})
        assert ws.receive_json() == {"n": [1]}
        ws.send_json([True], mode="binary")
        assert ws.receive_bytes() == b"[true]"
        ws.close(4001)
    assert events == ["incoming ended", "finally"]


def test_leaving_the_block_disconnects() -> None:
    events.clear()
    with TestClient(app).websocket_connect("/echo") as ws:
        ws.send_text("x")
        assert ws.receive_text() == "x"
    assert events == ["incoming ended", "finally"]


def test_receiving_the_wrong_kind_is_an_error() -> None:
    with TestClient(app).websocket_connect("/echo") as ws:
        ws.send_bytes(b"raw")
        with pytest.raises(TypeError, match="expected a text message"):
            ws.receive_text()
        ws.send_text("words")
        with pytest.raises(TypeError, match="expected a binary message"):
            ws.receive_bytes()


def test_a_receive_that_gets_nothing_times_out() -> None:
    with TestClient(app).websocket_connect("/silent", timeout=0.2) as ws, pytest.raises(TimeoutError):
        ws.receive()


def test_a_pipe_error_closes_1011_and_is_raised_when_the_session_ends() -> None:
    with pytest.raises(ValueError, match="pipe failure"), TestClient(app).websocket_connect("/explode") as ws:
        ws.send_text("go")
        with pytest.raises(WebSocketClosed) as closed:
            ws.receive()
        assert closed.value.code == 1011
    with TestClient(app, raise_server_exceptions=False).websocket_connect("/explode") as ws:
        ws.send_text("go")
        with pytest.raises(WebSocketClosed):
            ws.receive()
        with pytest.raises(WebSocketClosed):
            ws.send_text("after the close")


def test_raw_apps_ending_or_refusing_without_the_protocol() -> None:
    with TestClient(accept_then_return).websocket_connect("/") as ws, pytest.raises(WebSocketClosed) as closed:
        ws.receive()
    assert closed.value.code == 1006
    with pytest.raises(WebSocketDenied) as denied, TestClient(close_before_accept).websocket_connect("/"):
        pass
    assert denied.value.status == 403


def test_an_app_that_ignores_the_disconnect_is_reported() -> None:
    with pytest.raises(TimeoutError, match="kept running"), TestClient(never_finishes).websocket_connect("/", timeout=0.2):
        pass


def test_a_session_is_used_inside_a_with_block() -> None:
    session = TestClient(app).websocket_connect("/echo")
    with pytest.raises(RuntimeError, match="with client.websocket_connect"):
        session.send_text("x")


async def test_the_async_session() -> None:
    events.clear()
    async with AsyncTestClient(app) as client, client.websocket_connect("/echo", subprotocols=["a"]) as ws:
        assert ws.subprotocol is None
        await ws.send_json({"async": True})
        assert await ws.receive_json() == {"async": True}
        await ws.close()
    assert events == ["incoming ended", "finally"]
