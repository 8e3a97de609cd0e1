"""End to end: the ASGI adapter under a real uvicorn and a real hypercorn, hit with httpx and raw sockets."""

import contextlib
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest

from lette_fp import App, Request, Response, get, json, post, text
from tests.servers import ServerFactory, free_port


def hello(req: Request) -> Response:
    return json({"hello": "world", "host": req.url.hostname, "path": req.url.path, "q": req.query.get("q")})


async def echo(req: Request) -> Response:
    req = await req.read()
    return text(req.text())


def boom(req: Request) -> Response:
    raise RuntimeError("secret")


@contextlib.asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
    yield {"name": "from lifespan"}


def state(req: Request) -> Response:
    return text(req.state["name"])


app = App(
    routes=[get("/", hello), post("/echo", echo), get("/boom", boom), get("/state", state), get("/users/{id:int}", hello)],
    lifespan=lifespan,
)


def raw_request(base_url: str, data: bytes) -> bytes:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"connection: close" not in b"".join(chunks).lower():
                    break
        return b"".join(chunks)


def test_requests_through_a_real_server(serve: ServerFactory) -> None:
    with serve(app) as base, httpx.Client(base_url=base) as client:
        resp = client.get("/?q=1")
        assert resp.json() == {"hello": "world", "host": "127.0.0.1", "path": "/", "q": "1"}
        assert client.post("/echo", content="posted").text == "posted"
        assert client.get("/state").text == "from lifespan"
        assert client.head("/").content == b""
        assert client.get("/missing").status_code == 404
        failed = client.get("/boom")
        assert failed.status_code == 500 and failed.text == "Internal Server Error"


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET /%zz%ff HTTP/1.1",
        b"GET /users/%C0%AF HTTP/1.1",
        b"GET /?q=%ff%fe&%%%=1 HTTP/1.1",
        b"GET /" + b"a" * 6000 + b" HTTP/1.1",
        b"GET //evil.com/x HTTP/1.1",
    ],
)
def test_bad_input_is_a_4xx_never_a_500(serve: ServerFactory, request_line: bytes) -> None:
    with serve(app) as base:
        reply = raw_request(base, request_line + b"\r\nHost: bad host/\xff\r\nConnection: close\r\n\r\n")
    status = int(reply.split(b" ", 2)[1])
    assert status < 500


def test_bogus_host_does_not_become_the_url_host(serve: ServerFactory) -> None:
    with serve(app) as base:
        reply = raw_request(base, b"GET / HTTP/1.1\r\nHost: evil.com/@x\r\nConnection: close\r\n\r\n")
    assert b"200" in reply.split(b"\r\n", 1)[0]
    assert b'"host":"127.0.0.1"' in reply


def test_failing_startup_stops_uvicorn(tmp_path) -> None:  # type: ignore[no-untyped-def]
    module = tmp_path / "failing_app.py"
    module.write_text(textwrap.dedent("""
        import contextlib
        from lette_fp import App

        @contextlib.asynccontextmanager
        async def lifespan(app):
            raise RuntimeError("database unreachable")
            yield

        app = App(lifespan=lifespan)
    """))
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "failing_app:app", "--port", str(free_port()), "--host", "127.0.0.1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode != 0
    assert "database unreachable" in result.stderr


def test_an_error_after_the_response_started_closes_the_connection(serve: ServerFactory) -> None:
    from lette_fp import stream

    async def failing():  # type: ignore[no-untyped-def]
        yield b"first part"
        raise RuntimeError("source broke")

    broken = App(routes=[get("/", lambda req: stream(failing()))])
    with serve(broken) as base, httpx.Client(base_url=base, timeout=5) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/")
        assert client.get("/missing").status_code == 404


def fields(req: Request) -> Response:
    return json(
        {"scheme": req.scheme, "root": req.root_path, "client": req.client, "server": req.server, "version": req.http_version}
    )


async def call(asgi_app: App, scope: dict[str, object]) -> dict[str, object]:
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await asgi_app(scope, receive, send)
    return msgspec.json.decode(sent[1]["body"])  # type: ignore[no-any-return,arg-type]


async def test_a_scope_without_its_optional_keys_gets_the_asgi_defaults() -> None:
    asgi_app = App([get("/f", fields)])
    minimal = {"type": "http", "method": "GET", "path": "/f", "query_string": b"", "headers": [], "http_version": "2"}
    assert await call(asgi_app, minimal) == {
        "scheme": "http", "root": "", "client": None, "server": None, "version": "2",
    }
    full = {
        **minimal, "scheme": "https", "root_path": "", "client": ["10.0.0.1", 5], "server": ["example.org", 443],
        "http_version": "1.1", "state": {},
    }
    assert await call(asgi_app, full) == {
        "scheme": "https", "root": "", "client": ["10.0.0.1", 5], "server": ["example.org", 443], "version": "1.1",
    }


def state_of(req: Request) -> Response:
    return json(dict(req.state))


async def test_without_a_lifespan_req_state_is_the_scope_state_on_static_and_param_routes() -> None:
    asgi_app = App([get("/s", state_of), get("/p/{n:int}", state_of)])
    base = {"type": "http", "method": "GET", "query_string": b"", "headers": [], "http_version": "1.1",
            "scheme": "http", "root_path": "", "client": None, "server": None}
    server_state = {"db": "pool"}
    for path in ("/s", "/p/1"):
        assert await call(asgi_app, {**base, "path": path, "state": server_state}) == {"db": "pool"}
        assert await call(asgi_app, {**base, "path": path, "state": {}}) == {}
