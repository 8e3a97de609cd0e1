"""The sender table: `bytearray` and `memoryview` bodies are sent as `bytes` with their byte length."""

from __future__ import annotations

from array import array
from typing import Any

import httpx
import pytest

from lette_fp import App, Request, Response, get, mount, on_response
from lette_fp.asgi.types import Message
from lette_fp.testing import AsyncTestClient
from tests.drive import http_scope

PLAIN = ((b"content-type", b"application/octet-stream"),)
WORDS = array("H", [1, 2, 515, 65535])

BODIES: list[tuple[str, Any, bytes]] = [
    ("bytearray", bytearray(b"a bytearray body"), b"a bytearray body"),
    ("empty-bytearray", bytearray(), b""),
    ("memoryview", memoryview(b"a memoryview body"), b"a memoryview body"),
    ("memoryview-slice", memoryview(b"0123456789")[2:7], b"23456"),
    # a view of 2-byte items: its len() counts items, Content-Length must count bytes
    ("memoryview-of-uint16", memoryview(WORDS), WORDS.tobytes()),
]


def app_with(body: Any, status: int = 200) -> App:
    return App(routes=[get("/", lambda req: Response(status, PLAIN, body))])


async def call(app: App, method: str = "GET") -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(http_scope("/", method), receive, send)
    return sent


@pytest.mark.parametrize(("body", "expected"), [(b, e) for _, b, e in BODIES], ids=[n for n, _, _ in BODIES])
async def test_the_body_goes_out_as_bytes_with_its_byte_length(body: Any, expected: bytes) -> None:
    start, message = await call(app_with(body))
    assert start["status"] == 200
    assert dict(start["headers"])[b"content-length"] == str(len(expected)).encode()
    assert type(message["body"]) is bytes and message["body"] == expected
    assert not message.get("more_body", False)


@pytest.mark.parametrize(("body", "expected"), [(b, e) for _, b, e in BODIES], ids=[n for n, _, _ in BODIES])
async def test_through_an_http_client(body: Any, expected: bytes) -> None:
    async with AsyncTestClient(app_with(body)) as client:
        resp = await client.get("/")
    assert resp.content == expected
    assert resp.headers["content-length"] == str(len(expected))


async def test_head_sends_the_length_and_no_body() -> None:
    start, message = await call(app_with(memoryview(WORDS)), "HEAD")
    assert dict(start["headers"])[b"content-length"] == str(len(WORDS.tobytes())).encode()
    assert message["body"] == b""


@pytest.mark.parametrize("status", [204, 304])
async def test_a_status_without_a_body_sends_none(status: int) -> None:
    start, message = await call(app_with(bytearray(b"ignored"), status))
    assert start["status"] == status
    assert b"content-length" not in dict(start["headers"])
    assert message["body"] == b""


async def test_middleware_sees_and_keeps_the_body() -> None:
    def check(req: Request, resp: Response) -> Response:
        return resp.with_header("x-size", str(len(bytes(resp.body))))  # type: ignore[arg-type]

    app = App(routes=[get("/", lambda req: Response(200, PLAIN, bytearray(b"kept")))], middleware=[on_response(check)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        resp = await client.get("/")
    assert resp.content == b"kept" and resp.headers["x-size"] == "4" and resp.headers["content-length"] == "4"


async def test_a_mounted_app_raising_before_it_answers_is_a_500_and_raised_on() -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("the mounted app broke")

    async def half_done(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("broke after starting")

    app = App(routes=[mount("/broken", broken), mount("/half", half_done)])
    async with AsyncTestClient(app) as client:
        with pytest.raises(RuntimeError, match="the mounted app broke"):
            await client.get("/broken/x")
        with pytest.raises(RuntimeError, match="broke after starting"):
            await client.get("/half/x")
    async with AsyncTestClient(app, raise_server_exceptions=False) as client:
        resp = await client.get("/broken/x")
        assert (resp.status_code, resp.text) == (500, "Internal Server Error")
