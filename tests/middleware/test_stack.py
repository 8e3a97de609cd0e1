"""Middleware together: the order they run in, the body left unread, and the whole suite under
real servers with a real client."""

import gzip as gzip_format
import threading
from collections.abc import AsyncIterator

import httpx

from lette_fp import App, Middleware, Request, Response, get, json, mount, post, text
from lette_fp.http.entities import BodySource, Stream
from lette_fp.middleware import (
    AuthCredentials,
    SimpleUser,
    authentication,
    cors,
    gzip,
    requires,
    sessions,
    trusted_host,
)
from lette_fp.pipeline import Handler
from lette_fp.testing import TestClient
from tests.servers import ServerFactory


def recording(name: str, log: list[str]) -> Middleware:
    def middleware(next_handler: Handler) -> Handler:
        async def handler(req: Request) -> Response:
            log.append(f"{name} in")
            resp = await next_handler(req)
            log.append(f"{name} out")
            return resp

        return handler

    return middleware


def test_first_listed_is_outermost_and_route_middleware_runs_inside_app_middleware() -> None:
    log: list[str] = []

    def endpoint(req: Request) -> Response:
        log.append("handler")
        return text("ok")

    app = App(
        [mount("/api", [get("/x", endpoint, middleware=[recording("route", log)])],
               middleware=[recording("mount", log)])],
        middleware=[recording("outer", log), recording("inner", log)],
    )
    assert TestClient(app).get("/api/x").text == "ok"
    assert log == ["outer in", "inner in", "mount in", "route in", "handler",
                   "route out", "mount out", "inner out", "outer out"]


def session_backend(req: Request) -> tuple[AuthCredentials, SimpleUser] | None:
    user = req.session.get("user")
    return (AuthCredentials(["authenticated"]), SimpleUser(user)) if user else None


async def login(req: Request) -> Response:
    req = await req.read()
    return text("logged in").with_session({"user": req.json()["name"]})


@requires("authenticated")
def me(req: Request) -> Response:
    return json({"user": req.user.username, "padding": "p" * 1000})


def numbers(req: Request) -> Response:
    async def chunks() -> AsyncIterator[str]:
        for n in range(200):
            yield f"{n}\n"

    return Response(200, ((b"content-type", b"text/plain"),), Stream(chunks()))


async def upload(req: Request) -> Response:
    unread = isinstance(req.body, BodySource)
    size = 0
    async for chunk in req.stream():
        size += len(chunk)
    return json({"unread_when_it_arrived": unread, "size": size})


gate = threading.Event()
task_log: list[str] = []
task_done = threading.Event()


def after_response() -> None:
    task_log.append("released" if gate.wait(10) else "timed out")
    task_done.set()


def with_task(req: Request) -> Response:
    return text("x" * 2000).with_background(after_response)


def stack(allowed_hosts: list[str]) -> App:
    return App(
        [post("/login", login), get("/me", me), get("/numbers", numbers), post("/upload", upload),
         get("/task", with_task)],
        middleware=[
            trusted_host(allowed_hosts),
            cors(allow_origins=["https://app.example.org"], allow_methods=["GET", "POST"],
                 allow_headers=["content-type"], allow_credentials=True),
            sessions("stack secret"),
            gzip(minimum_size=500),
            authentication(session_backend),
        ],
    )


def test_no_middleware_reads_the_body() -> None:
    client = TestClient(stack(["testserver"]))
    resp = client.post("/upload", content=b"z" * 100_000, headers={"origin": "https://app.example.org"})
    assert resp.json() == {"unread_when_it_arrived": True, "size": 100_000}


def test_the_suite_end_to_end_on_real_servers(serve: ServerFactory) -> None:
    gate.clear()
    task_done.clear()
    task_log.clear()
    origin = {"origin": "https://app.example.org"}
    with serve(stack(["127.0.0.1", "localhost"])) as base, httpx.Client(base_url=base, timeout=5) as client:
        bad_host = client.get("/me", headers={"host": "evil.com"})
        assert (bad_host.status_code, bad_host.text) == (400, "Invalid host header")

        preflight = client.options("/login", headers={**origin, "access-control-request-method": "POST",
                                                      "access-control-request-headers": "content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example.org"
        assert preflight.headers["access-control-allow-credentials"] == "true"

        assert client.get("/me", headers=origin).status_code == 403

        logged_in = client.post("/login", json={"name": "ann"}, headers=origin)
        assert logged_in.text == "logged in"
        assert "HttpOnly" in logged_in.headers["set-cookie"]
        assert logged_in.headers["access-control-allow-origin"] == "https://app.example.org"

        me_resp = client.get("/me", headers={**origin, "accept-encoding": "gzip"})
        assert me_resp.status_code == 200
        assert me_resp.headers["content-encoding"] == "gzip"
        assert me_resp.json()["user"] == "ann"
        vary = {v.strip() for v in me_resp.headers["vary"].split(",")}
        assert vary == {"Accept-Encoding", "Cookie", "Origin"}
        assert "set-cookie" not in me_resp.headers

        with client.stream("GET", "/numbers", headers={"accept-encoding": "gzip"}) as streamed:
            assert streamed.headers["content-encoding"] == "gzip"
            assert "content-length" not in streamed.headers
            raw = b"".join(streamed.iter_raw())
        assert gzip_format.decompress(raw) == "".join(f"{n}\n" for n in range(200)).encode()

        uploaded = client.post("/upload", content=b"u" * 300_000)
        assert uploaded.json() == {"unread_when_it_arrived": True, "size": 300_000}

        with_bg = client.get("/task", headers={"accept-encoding": "gzip"})
        assert with_bg.headers["content-encoding"] == "gzip"
        assert with_bg.text == "x" * 2000
        gate.set()
        assert task_done.wait(10)
        assert task_log == ["released"]
