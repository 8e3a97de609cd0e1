"""Streaming bodies over ASGI: disconnects stop the source (real servers), HEAD, errors, echo."""

import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import pytest

from lette_fp import App, Event, Request, Response, get, post, sse, stream
from lette_fp.asgi.streaming import pump
from lette_fp.testing import AsyncTestClient, TestClient
from tests.servers import ServerFactory


class Probe:
    """What a streaming source reports back to the test thread."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.cleaned = threading.Event()
        self.sent = 0


def hang_up_after_first_chunk(base_url: str, path: str) -> bytes:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        if path == "/chat":
            body = b'{"prompt": "hello"}'
            sock.sendall(b"POST /chat HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        else:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        received = b""
        deadline = time.monotonic() + 5
        while b"first" not in received and time.monotonic() < deadline:
            received += sock.recv(65536)
    return received


def probe_app(probe: Probe) -> App:
    async def idle_after_first() -> AsyncIterator[bytes]:
        probe.started.set()
        try:
            yield b"first"
            while True:
                await anyio.sleep(0.05)
                probe.sent += 1
                if probe.sent % 20 == 0:
                    yield b"."
        finally:
            probe.cleaned.set()

    def sync_first() -> Iterator[bytes]:
        probe.started.set()
        try:
            yield b"first"
            while True:
                time.sleep(0.05)
                probe.sent += 1
                yield b"."
        finally:
            probe.cleaned.set()

    async def events() -> AsyncIterator[Event]:
        try:
            yield Event("first")
            await anyio.sleep(3600)
        finally:
            probe.cleaned.set()

    async def chat(req: Request) -> Response:
        req = await req.read()
        assert req.json()["prompt"] == "hello"
        return sse(events())

    return App([
        post("/chat", chat),
        get("/async", lambda req: stream(idle_after_first())),
        get("/sync", lambda req: stream(sync_first())),
        get("/sse", lambda req: sse(events(), ping=0.1)),
    ])


@pytest.mark.parametrize("path", ["/async", "/sync", "/sse", "/chat"])
def test_a_client_hanging_up_mid_stream_runs_the_cleanup(
    serve: ServerFactory, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    probe = Probe()
    with caplog.at_level(logging.INFO), serve(probe_app(probe)) as base:
        assert b"first" in hang_up_after_first_chunk(base, path)
        assert probe.cleaned.wait(5), "the generator's finally did not run after the disconnect"
        sent_at_cleanup = probe.sent
        time.sleep(0.3)
        assert probe.sent == sent_at_cleanup
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_streams_are_chunked_without_content_length(serve: ServerFactory) -> None:
    app = App([get("/", lambda req: stream(iter([b"a", "b", b"c"])))])
    with serve(app) as base, httpx.Client(base_url=base) as client:
        with client.stream("GET", "/") as resp:
            body = b"".join(resp.iter_raw())
        assert body == b"abc"
        assert "content-length" not in resp.headers
        if resp.http_version == "HTTP/1.1":
            assert resp.headers["transfer-encoding"] == "chunked"


def test_a_streamed_request_body_can_be_echoed_while_watching_for_disconnect(serve: ServerFactory) -> None:
    async def echo(req: Request) -> Response:
        return stream(req.stream(), media_type="application/octet-stream")

    def parts() -> Iterator[bytes]:
        for i in range(50):
            yield b"%04d" % i

    app = App([post("/echo", echo)])
    with serve(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        assert client.post("/echo", content=parts()).content == b"".join(parts())
        assert client.post("/echo", content=b"x" * 100_000).content == b"x" * 100_000


async def test_a_read_body_then_a_stream_sees_the_disconnect_from_the_test_client() -> None:
    cleaned = anyio.Event()

    async def tokens() -> AsyncIterator[str]:
        try:
            yield "hello"
            await anyio.sleep(3600)
        finally:
            cleaned.set()

    async def chat(req: Request) -> Response:
        req = await req.read()
        return stream(tokens())

    async with AsyncTestClient(App([post("/chat", chat)])) as client:
        with anyio.fail_after(5):
            async with client.stream("POST", "/chat", content=b'{"prompt": "hi"}') as resp:
                async for chunk in resp.aiter_raw():
                    assert chunk == b"hello"
                    break
            await cleaned.wait()


def test_head_sends_headers_and_never_starts_the_source() -> None:
    started: list[bool] = []

    async def chunks() -> AsyncIterator[bytes]:
        started.append(True)
        yield b"body"

    resp = TestClient(App([get("/", lambda req: stream(chunks()))])).head("/")
    assert resp.status_code == 200 and resp.content == b"" and not started


def test_an_error_mid_stream_reaches_the_test_unwrapped() -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"ok"
        raise ValueError("source broke")

    client = TestClient(App([get("/", lambda req: stream(failing()))]))
    with pytest.raises(ValueError, match="source broke"):
        client.get("/")


def idle_after(first: bytes, cleaned: anyio.Event) -> AsyncIterator[bytes]:
    async def source() -> AsyncIterator[bytes]:
        try:
            yield first
            await anyio.sleep(3600)
        finally:
            cleaned.set()

    return source()


@pytest.mark.parametrize("shielded", [False, True])
async def test_a_client_leaving_an_idle_source_ends_the_pump_and_the_request_goes_on(shielded: bool) -> None:
    cleaned = anyio.Event()
    gone = anyio.Event()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        gone.set()

    with anyio.fail_after(5):
        assert await pump(idle_after(b"first", cleaned), receive, send, shielded=shielded)
        await anyio.sleep(0.01)
    assert cleaned.is_set()
    assert [message["body"] for message in sent] == [b"first"]


@pytest.mark.parametrize("shielded", [False, True])
async def test_a_cancelled_request_cancels_a_stream_whose_client_stays(shielded: bool) -> None:
    cleaned = anyio.Event()

    async def receive() -> dict[str, Any]:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        pass

    with anyio.fail_after(5), anyio.move_on_after(0.05) as scope:
        await pump(idle_after(b"first", cleaned), receive, send, shielded=shielded)
    assert scope.cancelled_caught
    assert cleaned.is_set()
