"""stream(): the response value, sync and async sources, str and bytes chunks."""

import threading
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest

from lette_fp import App, Request, Response, get, sse, stream
from lette_fp.asgi.threads import iterate_in_thread
from lette_fp.http.entities import Stream
from lette_fp.middleware import gzip
from lette_fp.testing import TestClient


async def numbers() -> AsyncIterator[str]:
    for i in range(3):
        yield f"{i},"


def test_stream_is_a_value_with_a_media_type_and_no_length() -> None:
    resp = stream(numbers(), media_type="text/csv", status=201, headers={"x-kind": "csv"})
    assert resp.status == 201 and isinstance(resp.body, Stream)
    assert resp.header("content-type") == "text/csv; charset=utf-8"
    assert resp.header("x-kind") == "csv" and resp.header("content-length") is None


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_and_sync_sources_of_str_and_bytes(backend: str) -> None:
    threads: list[int] = []
    loop_thread: list[int] = []

    def sync_chunks() -> Iterator[bytes | str]:
        threads.append(threading.get_ident())
        yield b"a"
        yield "é"
        yield b""
        yield b"c"

    def sync_handler(req: Request) -> Response:
        loop_thread.append(threading.get_ident())
        return stream(sync_chunks(), media_type="application/octet-stream")

    app = App([get("/async", lambda req: stream(numbers())), get("/sync", sync_handler)])
    with TestClient(app, backend=backend) as client:
        assert client.get("/async").text == "0,1,2,"
        resp = client.get("/sync")
    assert resp.content == "aéc".encode()
    assert resp.headers["content-type"] == "application/octet-stream"
    assert "content-length" not in resp.headers
    assert threads and threads[0] != loop_thread[0]


async def test_iterate_in_thread_closes_the_sync_generator_when_closed_early() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    source = iterate_in_thread(endless())
    assert [await anext(source), await anext(source)] == [0, 1]
    with anyio.fail_after(5):
        await source.aclose()
    assert closed.is_set()


def test_sync_sources_are_marked_thread_backed_and_the_mark_survives_gzip() -> None:
    async def tokens() -> AsyncIterator[str]:
        yield "a"

    assert stream(iter(["a"])).body.thread_backed  # type: ignore[union-attr]
    assert not stream(tokens()).body.thread_backed  # type: ignore[union-attr]
    assert sse(["a"], ping=None).body.thread_backed  # type: ignore[union-attr]
    assert not sse(tokens(), ping=None).body.thread_backed  # type: ignore[union-attr]

    def big(req: Request) -> Response:
        return stream(iter(["x" * 600] * 4))

    seen: list[bool] = []

    def record(handler):  # type: ignore[no-untyped-def]
        async def wrapped(req: Request) -> Response:
            resp = await handler(req)
            seen.append(resp.body.thread_backed)  # type: ignore[union-attr]
            return resp

        return wrapped

    app = App([get("/", big)], middleware=[record, gzip()])
    resp = TestClient(app).get("/", headers={"accept-encoding": "gzip"})
    assert resp.headers["content-encoding"] == "gzip" and resp.text == "x" * 2400
    assert seen == [True]
