"""req.state when the server ran no lifespan (as daphne never does): an App with a lifespan
raises a RuntimeError naming the cause on any read; an App without one sees an empty mapping."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from lette_fp import App, Request, Response, get, json, text, websocket
from lette_fp.http.state import NO_LIFESPAN, NO_LIFESPAN_STATE
from lette_fp.testing import TestClient
from tests.drive import drive


@pytest.mark.parametrize(
    "read",
    [lambda s: s["db"], lambda s: s.get("db"), lambda s: "db" in s, len, bool, list, dict],
    ids=["getitem", "get", "in", "len", "bool", "list", "dict"],
)
def test_every_read_raises_the_reason(read: Callable[[Any], Any]) -> None:
    with pytest.raises(RuntimeError, match="the server ran no lifespan"):
        read(NO_LIFESPAN_STATE)


@contextlib.asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
    yield {"db": "connected"}


def database(req: Request) -> Response:
    return text(req.state["db"])


def test_a_lifespan_app_served_with_its_lifespan_reads_state() -> None:
    with TestClient(App(routes=[get("/", database)], lifespan=lifespan)) as client:
        assert client.get("/").text == "connected"


def test_a_lifespan_app_served_without_one_fails_with_the_reason() -> None:
    client = TestClient(App(routes=[get("/", database)], lifespan=lifespan), raise_server_exceptions=False)
    resp = client.get("/")
    assert resp.status_code == 500
    with pytest.raises(RuntimeError) as raised:
        TestClient(App(routes=[get("/", database)], lifespan=lifespan)).get("/")
    assert str(raised.value) == NO_LIFESPAN


async def test_a_daphne_like_scope_without_state_fails_with_the_reason() -> None:
    app = App(routes=[get("/", database)], lifespan=lifespan)
    with pytest.raises(RuntimeError, match="the server ran no lifespan"):  # after its 500, for the server to log
        await drive(app, [], method="GET", path="/")


def test_an_app_without_a_lifespan_sees_an_empty_state() -> None:
    def show(req: Request) -> Response:
        return json({"state": dict(req.state), "has": "db" in req.state})

    assert TestClient(App(routes=[get("/", show)])).get("/").json() == {"state": {}, "has": False}


def test_a_websocket_handler_gets_the_same_reason() -> None:
    def connect(req: Request) -> Response:
        return text(req.state["db"])

    client = TestClient(App(routes=[websocket("/ws", connect)], lifespan=lifespan))
    with pytest.raises(RuntimeError, match="the server ran no lifespan"), client.websocket_connect("/ws"):
        pass
