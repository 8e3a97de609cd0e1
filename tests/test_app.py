import contextlib
import logging
from collections.abc import AsyncIterator

import msgspec
import pytest
from returns.result import Failure, Success

from lette_fp import (
    App,
    HTTPError,
    Request,
    Response,
    delete,
    get,
    host,
    json,
    mount,
    on_response,
    post,
    route,
    text,
)
from lette_fp.params.binding import HandlerSignatureError
from lette_fp.pipeline import Handler
from lette_fp.testing import AsyncTestClient, TestClient


def hello(req: Request) -> Response:
    return json({"hello": "world"})


async def user(req: Request) -> Response:
    return json({"id": req.path_params["id"]})


app = App(routes=[get("/", hello), get("/users/{id:int}", user, name="user")])


def test_the_readme_app() -> None:
    client = TestClient(app)
    assert client.get("/").json() == {"hello": "world"}
    resp = client.get("/users/42")
    assert resp.json() == {"id": 42}
    assert resp.headers["content-length"] == str(len(resp.content))
    assert resp.headers["content-type"] == "application/json"
    assert app.url_path_for("user", id=7) == "/users/7"


def test_head_is_answered_with_get_headers_and_no_body() -> None:
    resp = TestClient(app).head("/users/1")
    assert resp.status_code == 200
    assert resp.content == b""
    assert resp.headers["content-length"] == str(len(b'{"id":1}'))


def test_404_405_and_options() -> None:
    api = App(routes=[get("/items", hello), post("/items", hello), delete("/other", hello)])
    client = TestClient(api)
    missing = client.get("/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    wrong = client.put("/items")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, HEAD, POST"
    options = client.options("/items")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_trailing_slash_redirect_keeps_query_and_can_be_turned_off() -> None:
    api = App(routes=[get("/x", hello), get("/y/", hello)])
    client = TestClient(api, follow_redirects=False)
    resp = client.get("/x/?a=1")
    assert resp.status_code == 307
    assert resp.headers["location"] == "/x?a=1"
    assert client.get("/y").headers["location"] == "/y/"
    strict = TestClient(App(routes=[get("/x", hello)], redirect_slashes=False), follow_redirects=False)
    assert strict.get("/x/").status_code == 404


def test_http_error_and_exception_handlers() -> None:
    class Conflict(Exception):
        pass

    class SubConflict(Conflict):
        pass

    def teapot(req: Request) -> Response:
        raise HTTPError(418, "short and stout", headers={"x-tea": "earl grey"})

    def conflict(req: Request) -> Response:
        raise SubConflict("taken")

    def gone(req: Request) -> Response:
        raise HTTPError(404)

    def on_conflict(req: Request, exc: Exception) -> Response:
        return text(f"conflict: {exc}", status=409)

    def on_404(req: Request, exc: Exception) -> Response:
        return text("custom not found", status=404)

    api = App(
        routes=[get("/tea", teapot), get("/conflict", conflict), get("/gone", gone)],
        exception_handlers={Conflict: on_conflict, 404: on_404},
    )
    client = TestClient(api)
    tea = client.get("/tea")
    assert (tea.status_code, tea.json(), tea.headers["x-tea"]) == (418, {"detail": "short and stout"}, "earl grey")
    assert client.get("/conflict").text == "conflict: taken"
    assert client.get("/gone").text == "custom not found"
    assert client.get("/unknown").text == "custom not found"


def test_returns_containers_from_handlers() -> None:
    def ok(req: Request) -> Success[Response]:
        return Success(text("fine"))

    def fail(req: Request) -> Failure[HTTPError]:
        return Failure(HTTPError(403, "nope"))

    client = TestClient(App(routes=[get("/ok", ok), get("/fail", fail)]))
    assert client.get("/ok").text == "fine"
    denied = client.get("/fail")
    assert (denied.status_code, denied.json()) == (403, {"detail": "nope"})


@pytest.mark.parametrize("app_middleware", [False, True])
def test_async_handlers_answer_and_fail_alike_with_or_without_app_middleware(app_middleware: bool) -> None:
    async def teapot(req: Request) -> Response:
        raise HTTPError(418, "short and stout")

    async def broken(req: Request) -> Response:
        raise LookupError("hidden")

    async def container(req: Request) -> Response:
        return Success(text("served"))  # type: ignore[return-value]

    def passthrough(handler: Handler) -> Handler:
        async def wrapped(req: Request) -> Response:
            return await handler(req)

        return wrapped

    api = App(
        routes=[get("/tea", teapot), get("/broken", broken), get("/container", container)],
        middleware=[passthrough] if app_middleware else [],
        exception_handlers={LookupError: lambda req, exc: text("mapped", status=503)},
    )
    client = TestClient(api)
    tea = client.get("/tea")
    assert (tea.status_code, tea.json()) == (418, {"detail": "short and stout"})
    broken_resp = client.get("/broken")
    assert (broken_resp.status_code, broken_resp.text) == (503, "mapped")
    assert client.get("/container").text == "served"


def boom(req: Request) -> Response:
    raise RuntimeError("secret database password")


def test_unhandled_exception_is_a_bare_500_then_raised_for_the_server_to_log(caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(App(routes=[get("/boom", boom)]), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="lette_fp"):
        resp = client.get("/boom")
    assert resp.status_code == 500
    assert resp.text == "Internal Server Error"
    assert "secret" not in resp.text
    assert [r for r in caplog.records if r.exc_info and "secret" in str(r.exc_info[1])] == []


def test_test_client_raises_server_exceptions_by_default() -> None:
    with pytest.raises(RuntimeError, match="secret"):
        TestClient(App(routes=[get("/boom", boom)])).get("/boom")


def test_debug_page_by_accept() -> None:
    client = TestClient(App(routes=[get("/boom", boom)], debug=True), raise_server_exceptions=False)
    page = client.get("/boom", headers={"accept": "text/html"})
    assert page.status_code == 500 and "<pre>" in page.text and "RuntimeError" in page.text
    plain = client.get("/boom", headers={"accept": "text/plain"})
    assert plain.headers["content-type"].startswith("text/plain") and "Traceback" in plain.text


def test_middleware_order_and_per_route_middleware() -> None:
    def tag(name: str):  # type: ignore[no-untyped-def]
        return on_response(lambda req, resp: resp.add_header("x-trail", name))

    api = App(
        routes=[
            get("/a", hello, middleware=[tag("route")]),
            mount("/m", [get("/b", hello, middleware=[tag("route")])], middleware=[tag("mount")]),
        ],
        middleware=[tag("outer"), tag("inner")],
    )
    client = TestClient(api)
    assert client.get("/a").headers.get_list("x-trail") == ["route", "inner", "outer"]
    assert client.get("/m/b").headers.get_list("x-trail") == ["route", "mount", "inner", "outer"]


def test_path_params_bind_by_name_and_unresolvable_params_fail_at_build() -> None:
    def show(req: Request, id: int) -> Response:
        return json({"id": id, "type": type(id).__name__})

    assert TestClient(App(routes=[get("/s/{id:int}", show)])).get("/s/5").json() == {"id": 5, "type": "int"}

    def broken(req: Request, nothing: object) -> Response:
        return text("")

    with pytest.raises(HandlerSignatureError, match="broken.*nothing"):
        App(routes=[get("/b", broken)])


class Config(msgspec.Struct):
    greeting: str


def test_lifespan_state_is_read_only_request_state() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, object]]:
        events.append("start")
        yield {"config": Config("hi")}
        events.append("stop")

    def greet(req: Request) -> Response:
        with pytest.raises(TypeError):
            req.state["config"] = None  # type: ignore[index]
        return text(req.state["config"].greeting)

    api = App(routes=[get("/", greet)], lifespan=lifespan)
    with TestClient(api) as client:
        assert events == ["start"]
        assert client.get("/").text == "hi"
    assert events == ["start", "stop"]


def test_each_run_of_the_lifespan_gives_its_own_state_and_none_is_left_after_shutdown() -> None:
    runs = iter(range(1, 10))

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, object]]:
        yield {"run": next(runs)}

    def which(req: Request) -> Response:
        return json(req.state.get("run", "none"))

    api = App(routes=[get("/", which)], lifespan=lifespan)
    with TestClient(api) as client:
        assert client.get("/").json() == 1
    with TestClient(api) as client:
        assert client.get("/").json() == 2
    with pytest.raises(RuntimeError, match="lifespan"):
        TestClient(api).get("/")


def test_failing_startup_refuses_to_start() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        raise RuntimeError("no database")
        yield

    with pytest.raises(RuntimeError, match="no database"), TestClient(App(lifespan=lifespan)):
        pass


def test_mounting_an_asgi_app_grows_root_path() -> None:
    async def raw_app(scope, receive, send):  # type: ignore[no-untyped-def]
        body = f"{scope['root_path']}|{scope['path']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})

    api = App(routes=[mount("/sub", raw_app)], middleware=[on_response(lambda r, s: s.with_header("x-app", "1"))])
    client = TestClient(api)
    assert client.get("/sub/a/b").text == "/sub|/sub/a/b"
    assert client.get("/sub").status_code == 200
    assert client.get("/sub/a").headers["x-app"] == "1"
    assert client.get("/suba").status_code == 404


def test_mounting_a_starlette_app() -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def star(request):  # type: ignore[no-untyped-def]
        return PlainTextResponse(f"starlette {request.path_params['n']} {request.url.path}")

    api = App(routes=[mount("/star", Starlette(routes=[Route("/n/{n}", star)]))])
    assert TestClient(api).get("/star/n/3").text == "starlette 3 /star/n/3"


def test_nested_apps_and_url_for() -> None:
    def link(req: Request) -> Response:
        return text(str(req.url_for("user", id=9)))

    api = App(routes=[get("/link", link), get("/users/{id:int}", user, name="user"), route("/any", hello, methods=["GET", "PUT"])])
    client = TestClient(api)
    assert client.get("/link").text == "http://testserver/users/9"
    assert client.put("/any").status_code == 200


def test_url_for_inside_a_mount_of_routes_counts_the_prefix_once() -> None:
    def link(req: Request) -> Response:
        return text(f"{req.root_path} {req.url_for('api:user', id=9)} {req.url_for('api:link')}")

    api = App(routes=[mount("/api", [get("/link", link, name="link"), get("/users/{id:int}", user, name="user")], name="api")])
    assert TestClient(api).get("/api/link").text == "/api http://testserver/api/users/9 http://testserver/api/link"
    assert TestClient(api, root_path="/proxy").get("/api/link").text == (
        "/proxy/api http://testserver/proxy/api/users/9 http://testserver/proxy/api/link"
    )


def test_url_for_a_route_under_a_host_uses_that_host_and_its_port() -> None:
    def links(req: Request) -> Response:
        return json([
            str(req.url_for("api:users")),
            str(req.url_for("port:home")),
            str(req.url_for("tenant:home", tenant="acme")),
            str(req.url_for("tenant:home")),
            str(req.url_for("links")),
        ])

    app = App(routes=[
        host("api.example.org", [get("/users", hello, name="users")], name="api"),
        host("port.example.org:3600", [get("/", hello, name="home")], name="port"),
        host("{tenant}.example.org", [get("/home", hello, name="home")], name="tenant"),
        get("/links", links, name="links"),
    ])
    assert TestClient(app, base_url="https://www.example.org").get("/links").json() == [
        "https://api.example.org/users",
        "https://port.example.org:3600/",
        "https://acme.example.org/home",
        "https://www.example.org/home",
        "https://www.example.org/links",
    ]


@pytest.mark.parametrize("client_kind", ["sync-asyncio", "sync-trio"])
def test_sync_client_on_both_backends(client_kind: str) -> None:
    backend = client_kind.split("-")[1]
    with TestClient(app, backend=backend) as client:
        assert client.get("/users/3").json() == {"id": 3}


async def test_async_client() -> None:
    async with AsyncTestClient(app) as client:
        assert (await client.get("/users/3")).json() == {"id": 3}
    assert (await AsyncTestClient(app).get("/")).json() == {"hello": "world"}


def test_http_errors_raised_in_app_middleware_keep_their_status() -> None:
    from lette_fp import on_request

    def deny(req: Request) -> Request:
        if "x-key" not in req.headers:
            raise HTTPError(401, "key required", headers={"www-authenticate": "Key"})
        return req

    client = TestClient(App(routes=[get("/", hello)], middleware=[on_request(deny)]))
    denied = client.get("/")
    assert (denied.status_code, denied.json(), denied.headers["www-authenticate"]) == (401, {"detail": "key required"}, "Key")
    assert client.get("/", headers={"x-key": "k"}).status_code == 200


def test_host_params_bind_to_handler_arguments_by_name() -> None:
    from lette_fp import host

    def tenant_page(req: Request, tenant: str, page: int) -> Response:
        return json({"tenant": tenant, "page": page})

    api = App(routes=[host("{tenant}.example.org", [get("/p/{page:int}", tenant_page)])])
    resp = TestClient(api).get("/p/3", headers={"host": "acme.example.org"})
    assert resp.json() == {"tenant": "acme", "page": 3}


def test_a_static_path_without_the_method_still_reaches_a_param_route_that_has_it() -> None:
    api = App(
        routes=[
            get("/users/me", lambda req: text("me")),
            post("/users/{name}", lambda req: text(f"posted {req.path_params['name']}")),
            get("/users/{id:int}", lambda req: json(req.path_params)),
        ]
    )
    client = TestClient(api)
    assert client.get("/users/me").text == "me"
    assert client.post("/users/me").text == "posted me"
    assert client.get("/users/7").json() == {"id": 7}
    assert client.put("/users/me").status_code == 405
    assert client.get("/users/x").status_code == 405


@pytest.mark.parametrize("app_middleware", [False, True])
def test_a_converter_that_fails_is_a_500_through_the_exception_handlers(app_middleware: bool) -> None:
    from lette_fp.routing import register_converter

    def strict(text: str) -> object:
        if text == "boom":
            raise LookupError("converter failed")
        return text

    register_converter("strictword", "[a-z]+", strict, str)
    api = App(
        routes=[get("/w/{word:strictword}", lambda req: text(req.path_params["word"]))],
        middleware=[on_response(lambda req, resp: resp)] if app_middleware else [],
        exception_handlers={LookupError: lambda req, exc: text("mapped", status=503)},
    )
    client = TestClient(api)
    assert client.get("/w/fine").text == "fine"
    failed = client.get("/w/boom")
    assert (failed.status_code, failed.text) == (503, "mapped")
    bare = TestClient(App(routes=[get("/w/{word:strictword}", lambda req: text("x"))]), raise_server_exceptions=False)
    assert bare.get("/w/boom").status_code == 500
