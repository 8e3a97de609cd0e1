import gzip as gzip_format
import zlib
from collections.abc import AsyncIterator

import anyio
import pytest

from lette_fp import App, Request, Response, get, text
from lette_fp.http.entities import Stream
from lette_fp.middleware import gzip
from lette_fp.testing import AsyncTestClient, TestClient

BIG = "lette_fp compresses this line. " * 100
SMALL = "tiny"


def big(req: Request) -> Response:
    return text(BIG, headers={"etag": '"v1"'})


def small(req: Request) -> Response:
    return text(SMALL)


def events(req: Request) -> Response:
    return text(BIG, media_type="text/event-stream")


def encoded(req: Request) -> Response:
    return Response(200, ((b"content-encoding", b"br"),), BIG.encode())


def streamed(req: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes | str]:
        yield "part one, "
        yield b""
        yield b"part two"

    return Response(200, ((b"content-type", b"text/plain"),), Stream(chunks()))


def short_stream(req: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"12345"

    return Response(200, ((b"content-length", b"5"),), Stream(chunks()))


app = App(
    [get("/big", big), get("/small", small), get("/events", events), get("/encoded", encoded),
     get("/stream", streamed), get("/short-stream", short_stream)],
    middleware=[gzip(minimum_size=500)],
)
GZIP = {"accept-encoding": "gzip, deflate"}


def raw_get(path: str, headers: dict[str, str]) -> tuple[dict[str, str], bytes]:
    with TestClient(app) as client, client.stream("GET", path, headers=headers) as resp:
        return dict(resp.headers), b"".join(resp.iter_raw())


def test_a_large_body_is_gzipped_for_a_client_that_accepts_it() -> None:
    headers, raw = raw_get("/big", GZIP)
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(raw) < len(BIG)
    assert gzip_format.decompress(raw) == BIG.encode()
    assert headers["etag"] == 'W/"v1"'
    assert TestClient(app).get("/big", headers=GZIP).text == BIG


def test_a_client_that_does_not_accept_gzip_gets_identity_with_vary() -> None:
    for accept in ({}, {"accept-encoding": "identity"}, {"accept-encoding": "gzip;q=0, deflate"},
                   {"accept-encoding": "br"}):
        headers, raw = raw_get("/big", {"accept-encoding": "identity", **accept})
        assert "content-encoding" not in headers, accept
        assert raw == BIG.encode()
        assert headers["vary"] == "Accept-Encoding"
        assert headers["etag"] == '"v1"'


@pytest.mark.parametrize("accept", ["*", "GZIP", "br, gzip;q=0.5", "*;q=0.1, br", "gzip;q=1.0"])
def test_accept_encoding_forms_that_accept_gzip(accept: str) -> None:
    headers, raw = raw_get("/big", {"accept-encoding": accept})
    assert headers["content-encoding"] == "gzip"
    assert gzip_format.decompress(raw) == BIG.encode()


def test_small_event_stream_and_already_encoded_bodies_are_left_alone() -> None:
    for path, body in (("/small", SMALL.encode()), ("/events", BIG.encode()), ("/encoded", BIG.encode())):
        headers, raw = raw_get(path, GZIP)
        assert raw == body, path
        assert headers.get("content-encoding") == ("br" if path == "/encoded" else None)
        assert "vary" not in headers


def test_a_streamed_body_is_gzipped_without_content_length() -> None:
    headers, raw = raw_get("/stream", GZIP)
    assert headers["content-encoding"] == "gzip"
    assert "content-length" not in headers
    assert gzip_format.decompress(raw) == b"part one, part two"
    plain_headers, plain = raw_get("/stream", {"accept-encoding": "identity"})
    assert plain == b"part one, part two"
    assert plain_headers["vary"] == "Accept-Encoding"


def test_a_stream_declared_smaller_than_the_minimum_is_left_alone() -> None:
    headers, raw = raw_get("/short-stream", GZIP)
    assert raw == b"12345"
    assert "content-encoding" not in headers


async def test_each_streamed_chunk_reaches_the_client_before_the_next_is_produced() -> None:
    release = anyio.Event()

    def slow(req: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first " * 50
            await release.wait()
            yield b"second " * 50

        return Response(200, (), Stream(chunks()))

    streaming = App([get("/", slow)], middleware=[gzip(minimum_size=10)])
    with anyio.fail_after(5):
        async with AsyncTestClient(streaming) as client, client.stream("GET", "/", headers=GZIP) as resp:
            assert resp.headers["content-encoding"] == "gzip"
            raw = resp.aiter_raw()
            inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            assert inflate.decompress(await raw.__anext__()) == b"first " * 50
            release.set()
            rest = b"".join([chunk async for chunk in raw])
            assert inflate.decompress(rest) == b"second " * 50
            assert inflate.eof


def test_background_tasks_run_after_the_last_gzipped_byte() -> None:
    log: list[str] = []

    def with_task(req: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            yield BIG.encode()
            yield BIG.encode()
            log.append("stream finished")

        return Response(200, (), Stream(chunks())).with_background(log.append, "task ran")

    def bytes_with_task(req: Request) -> Response:
        return text(BIG).with_background(log.append, "bytes task ran")

    tasks = App([get("/stream", with_task), get("/bytes", bytes_with_task)], middleware=[gzip()])
    client = TestClient(tasks)
    resp = client.get("/stream", headers=GZIP)
    assert resp.headers["content-encoding"] == "gzip"
    assert resp.text == BIG * 2
    assert log == ["stream finished", "task ran"]
    assert client.get("/bytes", headers=GZIP).text == BIG
    assert log[-1] == "bytes task ran"


def test_compresslevel_is_checked_once_at_start_up() -> None:
    with pytest.raises(ValueError, match="compresslevel"):
        gzip(compresslevel=11)


def test_only_the_first_codings_of_a_long_accept_encoding_are_read() -> None:
    from lette_fp.middleware.gzip import MAX_CODINGS, accepts_gzip

    assert accepts_gzip(b"br, " * (MAX_CODINGS - 1) + b"gzip")
    assert not accepts_gzip(b"br, " * MAX_CODINGS + b"gzip")
    assert not accepts_gzip(b"," * 1_000_000 + b"gzip")
