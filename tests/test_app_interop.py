"""lette_fp with Starlette: Starlette's ASGI middleware through `App(asgi_middleware=...)` on a real
uvicorn, a Starlette app mounted in lette_fp, and lette_fp mounted in Starlette."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from lette_fp import App, Request, Response, file, get, mount, sse, stream, text
from lette_fp.asgi.types import Receive, Scope, Send
from lette_fp.testing import AsyncTestClient
from tests.servers import run_uvicorn

ORIGIN = "https://front.example"
TEXT = ("lette_fp and starlette, side by side. " * 60).encode()
FILE_DATA = bytes(range(256)) * 40
GZIP = {"accept-encoding": "gzip", "origin": ORIGIN}


async def chunks() -> AsyncIterator[bytes]:
    for start in range(0, len(TEXT), 300):
        yield TEXT[start : start + 300]


def remember_login(app: Any) -> Any:
    """A tiny ASGI middleware inside SessionMiddleware: `/login?k=v` writes `scope["session"]["k"]`."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/login":
            scope["session"]["k"] = scope["query_string"].decode().removeprefix("k=")
        await app(scope, receive, send)

    return middleware


def session_value(req: Request) -> Response:
    return text(str(req.scope["session"].get("k")))


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(FILE_DATA)
    return path


@pytest.fixture
def starlette_wrapped(data_file: Path) -> Iterator[str]:
    """A lette_fp app inside Starlette's GZip, CORS and session middleware, on a real uvicorn."""
    app = App(
        routes=[
            get("/bytes", lambda req: Response(200, ((b"content-type", b"text/plain"),), TEXT)),
            get("/stream", lambda req: stream(chunks())),
            get("/sse", lambda req: sse(["one", {"two": 2}, "three" * 200], ping=None)),
            get("/file", lambda req: file(data_file, media_type="application/octet-stream")),
            get("/login", session_value),
            get("/session", session_value),
        ],
        asgi_middleware=[
            Middleware(CORSMiddleware, allow_origins=[ORIGIN], allow_methods=["GET"]),
            Middleware(SessionMiddleware, secret_key="a test secret", https_only=False),
            remember_login,
            # innermost, so it edits lette_fp's own start message (CORS and sessions copy theirs);
            # text/event-stream is excluded by default: include it so SSE goes through gzip too
            Middleware(GZipMiddleware, minimum_size=16, exclude_content_types=()),
        ],
    )
    with run_uvicorn(app) as base:
        yield base


SSE_BODY = b'data: one\n\ndata: {"two":2}\n\ndata: ' + b"three" * 200 + b"\n\n"


@pytest.mark.parametrize(
    ("path", "original"),
    [("/bytes", TEXT), ("/stream", TEXT), ("/sse", SSE_BODY), ("/file", FILE_DATA)],
    ids=["bytes", "stream", "sse", "file"],
)
def test_gzip_and_cors_over_each_kind_of_body(starlette_wrapped: str, path: str, original: bytes) -> None:
    with httpx.Client(base_url=starlette_wrapped, timeout=10) as client, client.stream("GET", path, headers=GZIP) as resp:
        raw = b"".join(resp.iter_raw())
    assert resp.status_code == 200
    assert resp.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in resp.headers["vary"].lower()
    assert gzip.decompress(raw) == original
    assert len(raw) < len(original)
    assert resp.headers["access-control-allow-origin"] == ORIGIN
    if "content-length" in resp.headers:
        assert int(resp.headers["content-length"]) == len(raw)


def test_a_range_of_a_file_comes_through_whole_and_uncompressed(starlette_wrapped: str) -> None:
    headers = {**GZIP, "range": "bytes=100-2099"}
    with httpx.Client(base_url=starlette_wrapped, timeout=10) as client, client.stream("GET", "/file", headers=headers) as resp:
        raw = b"".join(resp.iter_raw())
    assert resp.status_code == 206
    # Starlette's GZipMiddleware leaves partial responses alone (Content-Range counts identity bytes)
    assert "content-encoding" not in resp.headers
    assert raw == FILE_DATA[100:2100]
    assert resp.headers["content-range"] == f"bytes 100-2099/{len(FILE_DATA)}"
    assert resp.headers["content-length"] == "2000"
    assert resp.headers["access-control-allow-origin"] == ORIGIN


def test_without_accept_encoding_bodies_come_through_as_they_are(starlette_wrapped: str) -> None:
    with httpx.Client(base_url=starlette_wrapped, timeout=10, headers={"accept-encoding": "identity"}) as client:
        for path, original in [("/bytes", TEXT), ("/stream", TEXT), ("/sse", SSE_BODY), ("/file", FILE_DATA)]:
            resp = client.get(path)
            assert "content-encoding" not in resp.headers, path
            assert resp.content == original, path


def test_a_cors_preflight_is_answered_by_the_cors_middleware(starlette_wrapped: str) -> None:
    resp = httpx.options(
        starlette_wrapped + "/bytes",
        headers={"origin": ORIGIN, "access-control-request-method": "GET"},
        timeout=10,
    )
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == ORIGIN
    assert "GET" in resp.headers["access-control-allow-methods"]
    other = httpx.get(starlette_wrapped + "/bytes", headers={"origin": "https://elsewhere.example"}, timeout=10)
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_a_handler_reads_the_session_starlette_put_in_the_scope(starlette_wrapped: str) -> None:
    with httpx.Client(base_url=starlette_wrapped, timeout=10) as client:
        assert client.get("/session").text == "None"
        login = client.get("/login", params={"k": "alice"})
        assert login.text == "alice"
        assert "session=" in login.headers["set-cookie"]
        assert client.get("/session").text == "alice"
    assert httpx.get(starlette_wrapped + "/session", timeout=10).text == "None"


# ---- a Starlette app mounted in lette_fp, and lette_fp mounted in Starlette ----


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request as StarRequest
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    async def item(request: StarRequest) -> JSONResponse:
        return JSONResponse({
            "params": request.path_params,
            "path": request.url.path,
            "root_path": request.scope["root_path"],
            "link": str(request.url_for("item", n=7)),
        })

    async def numbers(request: StarRequest) -> StreamingResponse:
        async def gen() -> AsyncIterator[bytes]:
            for n in range(5):
                yield b"%d," % n

        return StreamingResponse(gen(), media_type="text/plain")

    return Starlette(routes=[Route("/items/{n:int}", item, name="item"), Route("/numbers", numbers)])


def lette_app() -> App:
    def item(req: Request) -> Response:
        return Response(200, ((b"content-type", b"application/json"),), _json({
            "params": dict(req.path_params),
            "path": req.path,
            "root_path": req.root_path,
            "link": str(req.url_for("item", id=7)),
            "route": req.scope.get("route"),
        }))

    async def numbers() -> AsyncIterator[bytes]:
        for n in range(5):
            yield b"%d," % n

    return App(routes=[get("/items/{id:int}", item, name="item"), get("/numbers", lambda req: stream(numbers()))])


def _json(value: Any) -> bytes:
    import msgspec

    return msgspec.json.encode(value)


def lette_outside() -> App:
    return App(routes=[get("/", lambda req: text("lette_fp root")), mount("/star", starlette_app())])


def starlette_outside() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route

    async def root(request: Any) -> PlainTextResponse:
        return PlainTextResponse("starlette root")

    return Starlette(routes=[Route("/", root), Mount("/lette", app=lette_app())])


async def test_a_starlette_app_mounted_in_lette_fp() -> None:
    async with AsyncTestClient(lette_outside()) as client:
        assert (await client.get("/")).text == "lette_fp root"
        resp = await client.get("/star/items/3")
        assert resp.json() == {
            "params": {"n": 3}, "path": "/star/items/3", "root_path": "/star",
            "link": "http://testserver/star/items/7",
        }
        assert (await client.get("/star/numbers")).text == "0,1,2,3,4,"
        assert (await client.get("/star/items/x")).status_code == 404
        assert (await client.get("/elsewhere")).status_code == 404


async def test_lette_fp_mounted_in_starlette() -> None:
    async with AsyncTestClient(starlette_outside()) as client:
        assert (await client.get("/")).text == "starlette root"
        resp = await client.get("/lette/items/3")
        assert resp.json() == {
            "params": {"id": 3}, "path": "/lette/items/3", "root_path": "/lette",
            "link": "http://testserver/lette/items/7", "route": "/items/{id:int}",
        }
        assert (await client.get("/lette/numbers")).text == "0,1,2,3,4,"
        missing = await client.get("/lette/items/x")
        assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}


async def test_lette_fp_under_a_starlette_mount_with_a_param_sees_the_outer_param() -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    outside = Starlette(routes=[Mount("/t/{tenant}", app=lette_app())])
    async with AsyncTestClient(outside) as client:
        resp = await client.get("/t/acme/items/5")
    assert resp.json()["params"] == {"tenant": "acme", "id": 5}


async def test_a_proxy_root_path_reaches_both_through_either_mount() -> None:
    # the test client puts root_path in front of the path, as a proxy stripping nothing would
    async with AsyncTestClient(lette_outside(), root_path="/proxy") as client:
        resp = await client.get("/star/items/3")
        assert resp.json()["root_path"] == "/proxy/star"
        assert resp.json()["link"] == "http://testserver/proxy/star/items/7"
    async with AsyncTestClient(starlette_outside(), root_path="/proxy") as client:
        resp = await client.get("/lette/items/3")
        assert resp.json()["root_path"] == "/proxy/lette"
        assert resp.json()["link"] == "http://testserver/proxy/lette/items/7"


@pytest.mark.parametrize("outside", [lette_outside, starlette_outside], ids=["starlette-in-lette_fp", "lette_fp-in-starlette"])
def test_mounts_both_ways_on_a_real_uvicorn(outside: Any) -> None:
    inner = "/star" if outside is lette_outside else "/lette"
    with run_uvicorn(outside()) as base, httpx.Client(base_url=base, timeout=10) as client:
        resp = client.get(inner + "/items/3")
        assert resp.status_code == 200
        assert resp.json()["path"] == inner + "/items/3"
        assert resp.json()["link"] == f"{base}{inner}/items/7"
        with client.stream("GET", inner + "/numbers") as streamed:
            assert streamed.headers["transfer-encoding"] == "chunked"
            assert b"".join(streamed.iter_bytes()) == b"0,1,2,3,4,"
