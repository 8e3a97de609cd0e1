"""Errors become Responses where they are raised: around the endpoint, and one layer out of a
middleware that raises, so route, mount and app middleware all see error answers as Responses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lette_fp import App, HTTPError, Request, Response, get, mount, text
from lette_fp.pipeline import Handler, Middleware
from lette_fp.testing import TestClient

LAYERS = ("app", "mount", "route", "endpoint")


class Conflict(LookupError):
    """An exception the app maps to a 409."""


def raise_error(kind: str) -> None:
    if kind == "http":
        raise HTTPError(403, "forbidden here")
    raise Conflict("mapped here")


def layer(name: str, raising: str, kind: str) -> Middleware:
    """A middleware that raises when it is the raising layer, else marks the answer it sees."""

    def middleware(next_handler: Handler) -> Handler:
        async def handler(req: Request) -> Response:
            if raising == name:
                raise_error(kind)
            resp = await next_handler(req)
            return resp.with_header(f"x-seen-by-{name}", str(resp.status))

        return handler

    return middleware


def app_raising_at(raising: str, kind: str) -> App:
    def endpoint(req: Request) -> Response:
        if raising == "endpoint":
            raise_error(kind)
        return text("fine")

    return App(
        routes=[mount("/m", [get("/r", endpoint, middleware=[layer("route", raising, kind)])], middleware=[layer("mount", raising, kind)])],
        middleware=[layer("app", raising, kind)],
        exception_handlers={Conflict: lambda req, exc: text(f"conflict: {exc}", status=409)},
    )


@pytest.mark.parametrize("kind", ["http", "mapped"])
@pytest.mark.parametrize("raising", LAYERS)
def test_every_layer_outside_the_raise_sees_the_error_as_a_response(raising: str, kind: str) -> None:
    resp = TestClient(app_raising_at(raising, kind)).get("/m/r")
    status = 403 if kind == "http" else 409
    assert resp.status_code == status
    assert resp.text == ('{"detail":"forbidden here"}' if kind == "http" else "conflict: mapped here")
    outside = LAYERS[: LAYERS.index(raising)]
    for name in LAYERS[:-1]:
        seen = resp.headers.get(f"x-seen-by-{name}")
        assert seen == (str(status) if name in outside else None), name


def test_without_an_error_every_layer_sees_the_answer() -> None:
    resp = TestClient(app_raising_at("nowhere", "http")).get("/m/r")
    assert resp.text == "fine"
    assert [resp.headers[f"x-seen-by-{n}"] for n in ("app", "mount", "route")] == ["200", "200", "200"]


def test_an_on_response_on_a_mount_adds_its_header_to_a_raised_403() -> None:
    from lette_fp import on_response

    def guarded(req: Request) -> Response:
        raise HTTPError(403)

    stamp: Callable[[Request, Response], Response] = lambda req, resp: resp.with_header("x-mount", "yes")  # noqa: E731
    client = TestClient(App(routes=[mount("/admin", [get("/", guarded)], middleware=[on_response(stamp)])]))
    resp = client.get("/admin/")
    assert (resp.status_code, resp.headers["x-mount"]) == (403, "yes")


def test_app_middleware_sees_404_and_405_as_responses() -> None:
    app = App(routes=[get("/only-get", lambda req: text("ok"))], middleware=[layer("app", "nowhere", "http")])
    client = TestClient(app)
    assert client.get("/missing").headers["x-seen-by-app"] == "404"
    refused = client.post("/only-get")
    assert (refused.headers["x-seen-by-app"], refused.headers["allow"]) == ("405", "GET, HEAD")


def test_a_status_handler_answers_a_raised_http_error_at_its_layer() -> None:
    def gone(req: Request) -> Response:
        raise HTTPError(410)

    app = App(
        routes=[get("/old", gone, middleware=[layer("route", "nowhere", "http")])],
        exception_handlers={410: lambda req, exc: text("moved away", status=410)},
    )
    resp = TestClient(app).get("/old")
    assert (resp.status_code, resp.text, resp.headers["x-seen-by-route"]) == (410, "moved away", "410")


def test_an_unmapped_exception_passes_every_middleware_and_is_a_500() -> None:
    def broken(req: Request) -> Response:
        raise RuntimeError("not mapped")

    app = App(routes=[get("/b", broken, middleware=[layer("route", "nowhere", "http")])], middleware=[layer("app", "nowhere", "http")])
    with pytest.raises(RuntimeError, match="not mapped"):
        TestClient(app).get("/b")
    resp = TestClient(app, raise_server_exceptions=False).get("/b")
    assert resp.status_code == 500 and "x-seen-by-route" not in resp.headers and "x-seen-by-app" not in resp.headers


def test_a_failing_exception_handler_is_a_500_and_its_exception_goes_on() -> None:
    def conflicted(req: Request) -> Response:
        raise Conflict("first")

    def failing_handler(req: Request, exc: Exception) -> Response:
        raise KeyError("the handler broke")

    app = App(routes=[get("/c", conflicted, middleware=[layer("route", "nowhere", "http")])],
              exception_handlers={Conflict: failing_handler})
    with pytest.raises(KeyError, match="the handler broke") as raised:
        TestClient(app).get("/c")
    assert isinstance(raised.value.__context__, Conflict)
    resp = TestClient(app, raise_server_exceptions=False).get("/c")
    assert (resp.status_code, resp.text) == (500, "Internal Server Error")


@pytest.mark.parametrize("kind", ["http", "mapped"])
def test_the_outermost_middleware_raising_is_answered_at_the_edge(kind: str) -> None:
    app = App(routes=[get("/r", lambda req: text("fine"))], middleware=[layer("app", "app", kind)],
              exception_handlers={Conflict: lambda req, exc: text(f"conflict: {exc}", status=409)})
    resp = TestClient(app).get("/r")
    assert resp.status_code == (403 if kind == "http" else 409)


def test_sync_and_container_returning_middleware_work_at_every_position() -> None:
    from returns.result import Success

    def sync_layer(next_handler: Handler) -> Callable[[Request], Response]:
        def handler(req: Request) -> Response:
            return text("sync says no", status=401) if "x-deny" in req.headers else Response(200, (), b"sync")

        return handler

    def container_layer(name: str) -> Middleware:
        def middleware(next_handler: Handler) -> Callable[[Request], object]:
            async def handler(req: Request) -> object:
                return Success((await next_handler(req)).with_header(f"x-{name}", "yes"))

            return handler

        return middleware

    app = App(routes=[get("/r", lambda req: text("never"), middleware=[container_layer("route"), sync_layer])],
              middleware=[container_layer("app")])
    client = TestClient(app)
    resp = client.get("/r")
    assert (resp.status_code, resp.text, resp.headers["x-route"], resp.headers["x-app"]) == (200, "sync", "yes", "yes")
    assert client.get("/r", headers={"x-deny": "1"}).status_code == 401
