"""`App(asgi_middleware=...)`: served as ASGI 3 by real servers, outer middleware reading
`scope["route"]`, and ASGI middleware refused in `App(middleware=...)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from lette_fp import (
    App,
    HTTPError,
    Request,
    Response,
    accept,
    get,
    mount,
    on_response,
    text,
    websocket,
)
from lette_fp.asgi.types import Message, Receive, Scope, Send
from lette_fp.testing import AsyncTestClient, TestClient
from tests.servers import ServerFactory

LONG = "compress me " * 100


class Tagging:
    """A class-based ASGI middleware (as most third-party ones are) adding `x-tag` to every response."""

    def __init__(self, app: Any, tag: str) -> None:
        self.app = app
        self.tag = tag.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"].append((b"x-tag", self.tag))
            await send(message)

        await self.app(scope, receive, tagged)


def test_class_based_asgi_middleware_is_served_as_asgi3_by_real_servers(serve: ServerFactory) -> None:
    app = App(
        routes=[get("/", lambda req: text(LONG))],
        asgi_middleware=[Middleware(GZipMiddleware, minimum_size=16), lambda inner: Tagging(inner, "outer")],
    )
    with serve(app) as base:
        resp = httpx.get(base + "/", headers={"accept-encoding": "gzip"}, timeout=10)
    assert resp.status_code == 200 and resp.text == LONG
    assert resp.headers["content-encoding"] == "gzip"
    assert resp.headers["x-tag"] == "outer"


async def test_asgi_middleware_order_first_is_outermost() -> None:
    order: list[str] = []

    def named(name: str) -> Any:
        def wrap(inner: Any) -> Any:
            async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
                if scope["type"] == "http":
                    order.append(name)
                await inner(scope, receive, send)

            return middleware

        return wrap

    app = App(routes=[get("/", lambda req: text("ok"))], asgi_middleware=[named("a"), Middleware(Tagging, tag="b"), named("c")])
    async with AsyncTestClient(app) as client:
        resp = await client.get("/")
    assert resp.text == "ok" and resp.headers["x-tag"] == "b"
    assert order == ["a", "c"]


async def test_asgi_middleware_wraps_lifespan_http_and_websocket_once_each() -> None:
    seen: list[tuple[str, Any]] = []

    def record(inner: Any) -> Any:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            await inner(scope, receive, send)
            seen.append((scope["type"], scope.get("route")))

        return middleware

    async def pipe(incoming: Any) -> AsyncIterator[str]:
        async for message in incoming:
            yield f"echo {message}"

    app = App(
        routes=[get("/", lambda req: text("ok")), websocket("/ws/{room}", lambda req: accept(pipe))],
        asgi_middleware=[record],
    )
    async with AsyncTestClient(app) as client:
        assert (await client.get("/")).text == "ok"
        async with client.websocket_connect("/ws/lobby") as ws:
            await ws.send_text("hi")
            assert await ws.receive_text() == "echo hi"
    assert seen == [("http", "/"), ("websocket", "/ws/{room}"), ("lifespan", None)]


# ---- scope["route"]: the matched route's full template, for outer middleware ----


class RouteSpy:
    """Outer ASGI middleware noting `scope["route"]` and `scope["path_params"]` when the response
    starts and after the app returned."""

    def __init__(self) -> None:
        self.at_start: list[Any] = []
        self.after: list[Any] = []

    def __call__(self, app: Any) -> Any:
        async def spy(scope: Scope, receive: Receive, send: Send) -> None:
            async def watch(message: Message) -> None:
                if message["type"] == "http.response.start":
                    self.at_start.append((scope.get("route"), scope.get("path_params")))
                await send(message)

            await app(scope, receive, watch)
            if scope["type"] == "http":
                self.after.append((scope.get("route"), scope.get("path_params")))

        return spy


async def raw_asgi(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


def starlette_child() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def page(request: Any) -> PlainTextResponse:
        return PlainTextResponse("starlette page")

    return Starlette(routes=[Route("/page/{n}", page)])


def forbid(req: Request) -> Response:
    raise HTTPError(403)


def spied_app(spy: RouteSpy) -> App:
    ok = lambda req: text("ok")  # noqa: E731
    return App(
        routes=[
            get("/health", ok),
            get("/items/{id:int}", ok),
            get("/forbidden/{name}", forbid),
            mount("/api", [
                get("/users/{name}", ok),
                mount("/v1", [get("/things/{id:int}", ok)], middleware=[on_response(lambda r, s: s.with_header("x-v1", "1"))]),
            ]),
            mount("/raw", raw_asgi),
            mount("/star", starlette_child()),
        ],
        asgi_middleware=[spy],
    )


CASES = [
    ("/health", 200, "/health", {}),
    ("/items/42", 200, "/items/{id:int}", {"id": 42}),
    ("/forbidden/bob", 403, "/forbidden/{name}", {"name": "bob"}),
    ("/api/users/ann", 200, "/api/users/{name}", {"name": "ann"}),
    ("/api/v1/things/7", 200, "/api/v1/things/{id:int}", {"id": 7}),
    ("/raw/a/b", 200, "/raw", {}),
    ("/star/page/3", 200, "/star", {}),
]


@pytest.mark.parametrize(("path", "status", "template", "params"), CASES, ids=[c[0] for c in CASES])
async def test_an_outer_middleware_reads_the_route_template(path: str, status: int, template: str, params: dict[str, Any]) -> None:
    spy = RouteSpy()
    app = spied_app(spy)
    async with AsyncTestClient(app) as client:
        resp = await client.get(path)
    assert resp.status_code == status
    assert spy.at_start == [(template, params)]
    assert spy.after == [(template, params)]
    assert app.compiled.route_of("GET", path, None) == template


@pytest.mark.parametrize("path", ["/nowhere", "/items/not-a-number", "/api/users", "/rawish"])
async def test_an_unrouted_request_has_no_route_in_the_scope(path: str) -> None:
    spy = RouteSpy()
    app = spied_app(spy)
    async with AsyncTestClient(app) as client:
        resp = await client.get(path)
    assert resp.status_code == 404
    assert spy.at_start == [(None, None)] and spy.after == [(None, None)]
    assert app.compiled.route_of("GET", path, None) is None


async def test_the_route_template_leaves_out_the_proxy_root_path() -> None:
    spy = RouteSpy()
    async with AsyncTestClient(spied_app(spy), root_path="/proxy") as client:
        assert (await client.get("/api/users/ann")).status_code == 200
    assert spy.after == [("/api/users/{name}", {"name": "ann"})]


async def test_a_handler_reads_the_route_in_its_read_only_scope() -> None:
    def where(req: Request) -> Response:
        with pytest.raises(TypeError):
            req.scope["route"] = "changed"  # type: ignore[index]
        return text(f"{req.scope['route']} {req.scope['path_params']}")

    app = App(routes=[mount("/api", [get("/items/{id:int}", where)])])
    async with AsyncTestClient(app) as client:
        assert (await client.get("/api/items/5")).text == "/api/items/{id:int} {'id': 5}"


# ---- ASGI middleware in App(middleware=...) is refused when the App is built ----


class OwnAsgiMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@pytest.mark.parametrize(
    "wrong",
    [
        GZipMiddleware,
        TrustedHostMiddleware,
        Middleware(GZipMiddleware),
        Middleware(GZipMiddleware, minimum_size=10),
        OwnAsgiMiddleware,
        OwnAsgiMiddleware(raw_asgi),
    ],
    ids=["GZipMiddleware", "TrustedHostMiddleware", "Middleware(GZip)", "Middleware(GZip, kw)", "own-class", "own-instance"],
)
def test_asgi_middleware_in_middleware_is_refused_when_the_app_is_built(wrong: Any) -> None:
    with pytest.raises(TypeError, match=r"asgi_middleware"):
        App(routes=[get("/", lambda req: text("ok"))], middleware=[wrong])


def lette_middleware(handler: Any) -> Any:
    async def add_header(req: Request) -> Response:
        resp = await handler(req)
        return resp.with_header("x-lette", "1")

    return add_header


class LetteClassMiddleware:
    """A lette_fp middleware written as a class: built with the handler, called with a Request."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    async def __call__(self, req: Request) -> Response:
        resp: Response = await self.handler(req)
        return resp.with_header("x-class", "1")


def test_lette_fp_middleware_is_accepted() -> None:
    app = App(
        routes=[get("/", lambda req: text("ok"))],
        middleware=[lette_middleware, LetteClassMiddleware, on_response(lambda req, resp: resp.with_header("x-on", "1"))],
    )
    resp = TestClient(app).get("/")
    assert resp.text == "ok"
    assert (resp.headers["x-lette"], resp.headers["x-class"], resp.headers["x-on"]) == ("1", "1", "1")
