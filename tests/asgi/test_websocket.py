"""The WebSocket handshake through the App: routing, middleware, denial, mounts; then end to end with
the `websockets` client library against real uvicorn and hypercorn."""

import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import msgspec
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from lette_fp import (
    App,
    Close,
    HTTPError,
    Request,
    Response,
    accept,
    get,
    host,
    json,
    mount,
    on_request,
    on_response,
    text,
    websocket,
)
from lette_fp.http.entities import Stream
from lette_fp.streams import merge
from lette_fp.testing import AsyncTestClient, TestClient, WebSocketDenied
from lette_fp.ws import Incoming, is_websocket, subprotocols
from tests.asgi.ws_fake import FakeClient
from tests.servers import ServerFactory, run_uvicorn


async def echo_pipe(incoming: Incoming) -> AsyncIterator[str | bytes]:
    async for message in incoming:
        yield message


def echo(req: Request) -> Response:
    return accept(echo_pipe)


def says(message: str) -> Callable[[Request], Response]:
    def handler(req: Request) -> Response:
        async def pipe(incoming: Incoming) -> AsyncIterator[str]:
            yield message

        return accept(pipe)

    return handler


def test_the_handshake_is_a_websocket_request_with_params_state_and_url_for() -> None:
    def describe(req: Request, room: int) -> Response:
        facts = {
            "method": req.method,
            "websocket": is_websocket(req),
            "scheme": req.scheme,
            "url": str(req.url),
            "room": room,
            "q": req.query.get("q"),
            "state": req.state["greeting"],
            "link": str(req.url_for("page", n=room)),
        }

        async def pipe(incoming: Incoming) -> AsyncIterator[str]:
            yield msgspec.json.encode(facts).decode()

        return accept(pipe)

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
        yield {"greeting": "hi"}

    app = App(
        routes=[websocket("/rooms/{room:int}", describe), get("/pages/{n}", says("x"), name="page")],
        lifespan=lifespan,
    )
    with TestClient(app) as client, client.websocket_connect("/rooms/7?q=1") as ws:
        assert ws.receive_json() == {
            "method": "WEBSOCKET",
            "websocket": True,
            "scheme": "ws",
            "url": "ws://testserver/rooms/7?q=1",
            "room": 7,
            "q": "1",
            "state": "hi",
            "link": "ws://testserver/pages/7",
        }


def test_any_other_response_denies_the_handshake() -> None:
    def unauthorised(req: Request) -> Response:
        return text("who are you?", status=401, headers={"www-authenticate": "Bearer"})

    def forbidden(req: Request) -> Response:
        raise HTTPError(403, "not in this room")

    app = App(routes=[websocket("/401", unauthorised), websocket("/403", forbidden), get("/page", says("x"))])
    client = TestClient(app)
    with pytest.raises(WebSocketDenied) as denied, client.websocket_connect("/401"):
        pass
    assert (denied.value.status, denied.value.text) == (401, "who are you?")
    assert denied.value.headers["www-authenticate"] == "Bearer"
    with pytest.raises(WebSocketDenied) as denied, client.websocket_connect("/403"):
        pass
    assert (denied.value.status, denied.value.json()) == (403, {"detail": "not in this room"})
    for path in ("/nowhere", "/page", "/401/"):
        with pytest.raises(WebSocketDenied) as denied, client.websocket_connect(path):
            pass
        assert denied.value.status == 404
    assert client.get("/401").status_code == 404


def test_middleware_guards_and_decorates_the_handshake() -> None:
    def require_token(req: Request) -> Request | Response:
        if req.headers.get("authorization") != "Bearer sesame":
            return json({"detail": "Unauthorized"}, status=401)
        return req.with_attrs(user="ali")

    def greet(req: Request) -> Response:
        return says(f"hello {req.attrs['user']}")(req)

    app = App(
        routes=[websocket("/ws", greet)],
        middleware=[on_response(lambda req, resp: resp.with_header("x-served-by", "lette")), on_request(require_token)],
    )
    client = TestClient(app)
    with pytest.raises(WebSocketDenied) as denied, client.websocket_connect("/ws"):
        pass
    assert denied.value.status == 401
    assert denied.value.headers["x-served-by"] == "lette"
    with client.websocket_connect("/ws", headers={"authorization": "Bearer sesame"}) as ws:
        assert ws.receive_text() == "hello ali"
        assert ws.headers["x-served-by"] == "lette"


def test_the_middleware_suite_guards_and_decorates_handshakes() -> None:
    from lette_fp.middleware import (
        AuthCredentials,
        SimpleUser,
        authentication,
        gzip,
        https_redirect,
        requires,
        sessions,
    )

    def from_session(req: Request) -> Any:
        name = req.session.get("user")
        return (AuthCredentials(["chat"]), SimpleUser(name)) if name else None

    def login(req: Request) -> Response:
        return text("welcome").with_session({"user": req.path_params["name"]})

    @requires("chat")
    def chat(req: Request) -> Response:
        return says(f"hi {req.user.username}")(req)

    app = App(
        routes=[get("/login/{name}", login), websocket("/chat", chat)],
        middleware=[gzip(minimum_size=1), sessions("a long random test secret"), authentication(from_session)],
    )
    client = TestClient(app)
    with pytest.raises(WebSocketDenied) as denied, client.websocket_connect("/chat"):
        pass
    assert denied.value.status == 403
    client.get("/login/ann")
    with client.websocket_connect("/chat", headers={"accept-encoding": "gzip"}) as ws:
        assert ws.receive_text() == "hi ann"
        assert "content-encoding" not in ws.headers

    secure = TestClient(App(routes=[websocket("/ws", echo)], middleware=[https_redirect()]))
    with pytest.raises(WebSocketDenied) as redirected, secure.websocket_connect("/ws?a=1"):
        pass
    assert (redirected.value.status, redirected.value.headers["location"]) == (307, "wss://testserver/ws?a=1")
    with secure.websocket_connect("wss://testserver/ws") as ws:
        ws.send_text("over tls")
        assert ws.receive_text() == "over tls"


def test_mounts_hosts_and_route_middleware_apply_to_websocket_routes() -> None:
    def tag(name: str) -> Any:
        return on_response(lambda req, resp: resp.add_header("x-trail", name))

    def room(req: Request, name: str) -> Response:
        return says(f"room {name}")(req)

    app = App(
        routes=[
            host("chat.example.org", [websocket("/ws", says("chat host"))]),
            mount("/api", [websocket("/rooms/{name}", room, middleware=[tag("route")])], middleware=[tag("mount")]),
            websocket("/ws", says("default host")),
        ],
    )
    client = TestClient(app)
    with client.websocket_connect("/api/rooms/blue") as ws:
        assert ws.receive_text() == "room blue"
        assert ws.headers.get_list("x-trail") == ["route", "mount"]
    with client.websocket_connect("/ws", headers={"host": "chat.example.org"}) as ws:
        assert ws.receive_text() == "chat host"
    with client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "default host"


def test_subprotocol_negotiation() -> None:
    def negotiate(req: Request) -> Response:
        offered = subprotocols(req)
        chosen = "graphql-transport-ws" if "graphql-transport-ws" in offered else None
        return accept(echo_pipe, subprotocol=chosen)

    def wrong(req: Request) -> Response:
        return accept(echo_pipe, subprotocol="never-offered")

    app = App(routes=[websocket("/ws", negotiate), websocket("/wrong", wrong)])
    client = TestClient(app, raise_server_exceptions=False)
    with client.websocket_connect("/ws", subprotocols=["chat", "graphql-transport-ws"]) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
    with client.websocket_connect("/ws") as ws:
        assert ws.subprotocol is None
    with pytest.raises(WebSocketDenied) as denied, client.websocket_connect("/wrong", subprotocols=["chat"]):
        pass
    assert denied.value.status == 500


def test_a_failing_handler_denies_with_the_apps_500_and_is_raised_in_tests(caplog: pytest.LogCaptureFixture) -> None:
    def broken(req: Request) -> Response:
        raise RuntimeError("handler secret")

    app = App(routes=[websocket("/ws", broken)])
    with pytest.raises(RuntimeError, match="handler secret"), TestClient(app).websocket_connect("/ws"):
        pass
    lenient = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="lette_fp"), pytest.raises(WebSocketDenied) as denied, lenient.websocket_connect("/ws"):
        pass
    assert (denied.value.status, denied.value.text) == (500, "Internal Server Error")
    assert "handler secret" not in caplog.text, "the server logs it: lette_fp raises it on, logging nothing itself"


async def test_without_the_denial_extension_a_denial_is_close_1008() -> None:
    ran: list[str] = []

    def refuse(req: Request) -> Response:
        return text("no", status=403).with_background(ran.append, "background")

    def broken(req: Request) -> Response:
        raise RuntimeError("boom")

    app = App(routes=[websocket("/no", refuse), websocket("/broken", broken)])
    client = FakeClient(extensions=False)
    await client.run(app, "/no")
    assert client.sent == [{"type": "websocket.close", "code": 1008}]
    assert ran == ["background"]
    client = FakeClient(extensions=False)
    with pytest.raises(RuntimeError, match="boom"):
        await client.run(app, "/broken")
    assert client.sent == [{"type": "websocket.close", "code": 1011}]


async def test_with_the_extension_a_denial_is_the_http_response() -> None:
    app = App(routes=[websocket("/no", lambda req: text("no", status=403))])
    client = FakeClient()
    await client.run(app, "/no")
    assert [m["type"] for m in client.sent] == ["websocket.http.response.start", "websocket.http.response.body"]
    assert client.sent[0]["status"] == 403
    assert (b"content-length", b"2") in client.sent[0]["headers"]
    assert client.sent[1]["body"] == b"no"


async def test_a_streamed_denial_is_sent_whole() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"go ", b"away"):
            await anyio.sleep(0)
            yield part

    app = App(routes=[websocket("/no", lambda req: Response(429, (), Stream(chunks())))])
    with pytest.raises(WebSocketDenied) as denied, TestClient(app).websocket_connect("/no"):
        pass
    assert (denied.value.status, denied.value.content) == (429, b"go away")


async def test_a_client_gone_before_the_handshake_is_not_answered() -> None:
    async def gone() -> dict[str, Any]:
        return {"type": "websocket.disconnect", "code": 1006}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    app = App(routes=[websocket("/ws", echo)])
    with anyio.fail_after(5):
        await app(FakeClient().scope(), gone, send)
    assert sent == []


def test_a_mounted_app_gets_the_connection_with_the_outer_middleware_headers() -> None:
    inner = App(routes=[websocket("/ws", says("from the inner app"))])
    outer = App(
        routes=[mount("/inner", inner)],
        middleware=[on_response(lambda req, resp: resp.with_header("x-outer", "yes"))],
    )
    with TestClient(outer).websocket_connect("/inner/ws") as ws:
        assert ws.headers["x-outer"] == "yes"
        assert ws.receive_text() == "from the inner app"


def test_a_mounted_starlette_websocket_endpoint() -> None:
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket

    async def star(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(f"starlette {ws.url.path} {await ws.receive_text()}")
        await ws.close()

    app = App(routes=[mount("/star", Starlette(routes=[WebSocketRoute("/ws", star)]))])
    with TestClient(app).websocket_connect("/star/ws") as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "starlette /star/ws ping"


async def test_the_async_test_client_runs_websockets() -> None:
    app = App(routes=[websocket("/ws", echo)])
    async with AsyncTestClient(app).websocket_connect("/ws") as ws:
        await ws.send_text("async")
        assert await ws.receive_text() == "async"
        await ws.send_bytes(b"\x01\x02")
        assert await ws.receive_bytes() == b"\x01\x02"


# End to end: the `websockets` client library against real servers.


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


def wait_for(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_echo_on_a_real_server(serve: ServerFactory) -> None:
    app = App(routes=[websocket("/echo", echo)])
    big = "é" * 500_000
    with serve(app) as base, connect(ws_url(base, "/echo"), open_timeout=5, close_timeout=5) as ws:
        for message in ["hello", b"\x00\xff", "", big, b"x" * 1_000_000]:
            ws.send(message)
            assert ws.recv(timeout=5) == message


def test_subprotocol_and_headers_on_a_real_server(serve: ServerFactory) -> None:
    def negotiate(req: Request) -> Response:
        return accept(echo_pipe, subprotocol="chat.v2" if "chat.v2" in subprotocols(req) else None, headers={"x-room": "lobby"})

    app = App(routes=[websocket("/ws", negotiate)])
    with serve(app) as base, connect(ws_url(base, "/ws"), subprotocols=["chat.v1", "chat.v2"], open_timeout=5) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "chat.v2"
        assert ws.response is not None and ws.response.headers["x-room"] == "lobby"


def test_denial_on_a_real_server(serve: ServerFactory) -> None:
    def refuse(req: Request) -> Response:
        raise HTTPError(401, "token required")

    app = App(routes=[websocket("/ws", refuse)])
    with serve(app) as base:
        with pytest.raises(InvalidStatus) as denied:
            connect(ws_url(base, "/ws"), open_timeout=5)
        assert denied.value.response.status_code == 401
        assert msgspec.json.decode(denied.value.response.body or b"{}") == {"detail": "token required"}
        with pytest.raises(InvalidStatus) as missing:
            connect(ws_url(base, "/missing"), open_timeout=5)
        assert missing.value.response.status_code == 404


def test_close_codes_on_a_real_server(serve: ServerFactory) -> None:
    async def done(incoming: Incoming) -> AsyncIterator[str | Close]:
        yield "last words"
        yield Close(4000, "done here")

    async def failing(incoming: Incoming) -> AsyncIterator[str]:
        async for _ in incoming:
            raise RuntimeError("pipe broke")
        yield ""

    async def finished(incoming: Incoming) -> AsyncIterator[str]:
        yield "that's all"

    app = App(
        routes=[
            websocket("/done", lambda req: accept(done)),
            websocket("/failing", lambda req: accept(failing)),
            websocket("/finished", lambda req: accept(finished)),
        ]
    )
    with serve(app) as base:
        with connect(ws_url(base, "/done"), open_timeout=5) as ws:
            assert ws.recv(timeout=5) == "last words"
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=5)
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4000, "done here")
        with connect(ws_url(base, "/failing"), open_timeout=5) as ws:
            ws.send("trigger")
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
        with connect(ws_url(base, "/finished"), open_timeout=5) as ws:
            assert ws.recv(timeout=5) == "that's all"
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000


def test_a_client_leaving_finalises_the_pipe_on_a_real_server(serve: ServerFactory) -> None:
    events: list[str] = []
    lock = threading.Lock()

    def record(event: str) -> None:
        with lock:
            events.append(event)

    async def ticks() -> AsyncIterator[str]:
        try:
            while True:
                await anyio.sleep(0.01)
                yield "tick"
        finally:
            record("ticks closed")

    async def chat(incoming: Incoming) -> AsyncIterator[str | bytes]:
        try:
            async for item in merge(incoming, ticks()):
                yield item
        finally:
            record("pipe closed")

    async def reader(incoming: Incoming) -> AsyncIterator[str]:
        try:
            async for message in incoming:
                yield message.upper() if isinstance(message, str) else "bytes"
            record("incoming ended")
        finally:
            record("reader closed")

    async def push_only(incoming: Incoming) -> AsyncIterator[str]:
        try:
            async for item in ticks():
                yield item
        finally:
            record("push closed")

    app = App(
        routes=[
            websocket("/chat", lambda req: accept(chat)),
            websocket("/reader", lambda req: accept(reader)),
            websocket("/push", lambda req: accept(push_only)),
        ]
    )
    with serve(app) as base:
        with connect(ws_url(base, "/chat"), open_timeout=5) as ws:
            ws.send("hi")
            received = {ws.recv(timeout=5) for _ in range(5)}
            assert received <= {"hi", "tick"} and "tick" in received
        wait_for(lambda: sorted(events) == ["pipe closed", "ticks closed"])
        events.clear()
        with connect(ws_url(base, "/reader"), open_timeout=5) as ws:
            ws.send("hey")
            assert ws.recv(timeout=5) == "HEY"
        wait_for(lambda: events == ["incoming ended", "reader closed"])
        events.clear()
        with connect(ws_url(base, "/push"), open_timeout=5) as ws:
            for _ in range(3):
                ws.send("unread")
            assert ws.recv(timeout=5) == "tick"
        wait_for(lambda: sorted(events) == ["push closed", "ticks closed"])


def test_an_oversized_message_is_closed_with_1009_and_the_pipe_finalised(serve: ServerFactory) -> None:
    finalised = threading.Event()

    async def reader(incoming: Incoming) -> AsyncIterator[str | bytes]:
        try:
            async for message in incoming:
                yield message
        finally:
            finalised.set()

    app = App(routes=[websocket("/echo", lambda req: accept(reader))])
    limit = {"ws_max_size": 1024} if serve is run_uvicorn else {"websocket_max_message_size": 1024}
    with serve(app, **limit) as base, connect(ws_url(base, "/echo"), open_timeout=5, close_timeout=5) as ws:
        ws.send("small")
        assert ws.recv(timeout=5) == "small"
        ws.send("x" * 4096)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        assert finalised.wait(5)


def test_an_outermost_middleware_raising_denies_the_handshake_with_its_answer() -> None:
    def refuse_all(next_handler: Any) -> Any:
        async def handler(req: Request) -> Response:
            raise HTTPError(451, "not here")

        return handler

    async def room(req: Request) -> Response:
        return accept(echo_pipe)

    app = App(routes=[websocket("/room", room)], middleware=[refuse_all])
    with pytest.raises(WebSocketDenied) as denied, TestClient(app).websocket_connect("/room"):
        pass
    assert (denied.value.status, denied.value.json()) == (451, {"detail": "not here"})
