from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest

from lette_fp import App, Close, Request, Response, accept, websocket, ws_json
from lette_fp.testing import TestClient, WebSocketClosed


class Move(msgspec.Struct):
    x: int
    y: int


async def double(values: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for value in values:
        if value == "stop":
            yield Close(4000, "stopped")
        yield {"got": value, "twice": [value, value]}


async def move(moves: AsyncIterator[Move]) -> AsyncIterator[Move]:
    async for m in moves:
        yield Move(m.x + 1, m.y + 1)


def client() -> TestClient:
    def any_json(req: Request) -> Response:
        return accept(ws_json(double))

    def typed(req: Request) -> Response:
        return accept(ws_json(move, Move))

    return TestClient(App(routes=[websocket("/any", any_json), websocket("/typed", typed)]))


def test_values_are_decoded_and_yields_encoded() -> None:
    with client().websocket_connect("/any") as ws:
        ws.send_json({"a": [1, 2.5, None]})
        assert ws.receive_json() == {"got": {"a": [1, 2.5, None]}, "twice": [{"a": [1, 2.5, None]}] * 2}
        ws.send_json("binary works too", mode="binary")
        message = ws.receive()
        assert isinstance(message, str)
        assert msgspec.json.decode(message)["got"] == "binary works too"


def test_a_yielded_close_passes_through() -> None:
    with client().websocket_connect("/any") as ws:
        ws.send_json("stop")
        with pytest.raises(WebSocketClosed) as closed:
            ws.receive()
        assert (closed.value.code, closed.value.reason) == (4000, "stopped")


@pytest.mark.parametrize("bad", ["{not json", "", '{"a": 1} trailing', "\xff"])
def test_invalid_json_closes_with_1003(bad: str) -> None:
    with client().websocket_connect("/any") as ws:
        ws.send_text(bad)
        with pytest.raises(WebSocketClosed) as closed:
            ws.receive()
        assert closed.value.code == 1003
        assert closed.value.reason.startswith("Invalid JSON")
        assert len(closed.value.reason.encode()) <= 123


def test_typed_messages_are_validated() -> None:
    with client().websocket_connect("/typed") as ws:
        ws.send_json({"x": 1, "y": 2})
        assert ws.receive_json() == {"x": 2, "y": 3}
        ws.send_json({"x": "one", "y": 2})
        with pytest.raises(WebSocketClosed) as closed:
            ws.receive()
        assert closed.value.code == 1003
        assert "$.x" in closed.value.reason


def test_a_long_decoder_message_is_cut_to_a_valid_reason() -> None:
    with client().websocket_connect("/typed") as ws:
        ws.send_text('{"x": 1, "y": 2, "' + "é" * 300 + '": 1}')
        assert ws.receive_json() == {"x": 2, "y": 3}
        ws.send_text('["' + "é" * 300)
        with pytest.raises(WebSocketClosed) as closed:
            ws.receive()
        assert closed.value.code == 1003
        assert len(closed.value.reason.encode()) <= 123


def test_json_nested_too_deeply_closes_with_1003() -> None:
    with client().websocket_connect("/any") as ws:
        ws.send_text("[" * 100_000)
        with pytest.raises(WebSocketClosed) as closed:
            ws.receive()
        assert (closed.value.code, closed.value.reason) == (1003, "Invalid JSON: nested too deeply")
