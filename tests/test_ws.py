import pytest

from lette_fp import Close, Request, Response, accept, text
from lette_fp.ws import WebSocketPipe, is_websocket, subprotocols


async def pipe(incoming):  # type: ignore[no-untyped-def]
    async for message in incoming:
        yield message


def test_accept_is_a_101_response_carrying_the_pipe() -> None:
    resp = accept(pipe, subprotocol="chat", headers={"X-Room": "lobby"})
    assert isinstance(resp, Response)
    assert resp.status == 101
    assert resp.body == WebSocketPipe(pipe, "chat")
    assert resp.header("x-room") == "lobby"
    assert accept(pipe) == Response(101, (), WebSocketPipe(pipe, None))


def test_middleware_can_change_an_accept_like_any_response() -> None:
    resp = accept(pipe).with_header("set-cookie", "a=1").with_background(print)
    assert resp.body == WebSocketPipe(pipe) and resp.header("set-cookie") == "a=1"
    assert text("denied", status=403).body != WebSocketPipe(pipe)


@pytest.mark.parametrize("code", [1000, 1001, 1003, 1008, 1011, 1014, 3000, 4999])
def test_close_accepts_codes_an_endpoint_may_send(code: int) -> None:
    assert Close(code).code == code


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000])
def test_close_refuses_reserved_and_out_of_range_codes(code: int) -> None:
    with pytest.raises(ValueError, match="close code"):
        Close(code)


def test_a_close_reason_fits_in_a_control_frame() -> None:
    assert Close(1000, "é" * 61).reason == "é" * 61
    with pytest.raises(ValueError, match="123 bytes"):
        Close(1000, "é" * 62)


def test_subprotocols_lists_what_the_client_offered_in_order() -> None:
    req = Request.build(
        "WEBSOCKET",
        headers=[("sec-websocket-protocol", "graphql-transport-ws, chat"), ("Sec-WebSocket-Protocol", " v2 ,,")],
    )
    assert subprotocols(req) == ["graphql-transport-ws", "chat", "v2"]
    assert subprotocols(Request.build("WEBSOCKET")) == []
    assert is_websocket(req) and not is_websocket(Request.build("GET"))
