"""End to end on every server lette_fp supports: uvicorn and hypercorn (in a thread), granian
(`--interface asgi`) and daphne (real subprocesses) serve tests/served.py's app on 127.0.0.1;
httpx and the `websockets` client talk to them. Hello, a stream, SSE, a websocket echo, and the
lifespan's two halves (startup state seen by a handler, shutdown run when the server stops); on
daphne, which runs no lifespan, `req.state` fails with that reason."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from lette_fp.http.state import NO_LIFESPAN
from tests import served
from tests.servers import run_daphne, run_granian, run_hypercorn, run_uvicorn

Server = Callable[[], AbstractContextManager[str]]


WITH_LIFESPAN = ["uvicorn", "hypercorn", "granian"]


@pytest.fixture(params=[*WITH_LIFESPAN, "daphne"])
def server(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Server:
    """`with server() as base_url:` serves tests/served.py's app on the parametrised server,
    its lifespan logging to tmp_path/"lifespan.log" (a subprocess server's output goes to
    tmp_path/"server.log")."""
    log = tmp_path / "lifespan.log"
    monkeypatch.setenv("LETTE_SERVED_LOG", str(log))
    env = {"LETTE_SERVED_LOG": str(log)}

    @contextmanager
    def start() -> Iterator[str]:
        if request.param == "granian":
            with run_granian("tests.served:app", env) as base:
                yield base
        elif request.param == "daphne":
            with run_daphne("tests.served:app", env, tmp_path / "server.log") as base:
                yield base
        else:
            run = run_uvicorn if request.param == "uvicorn" else run_hypercorn
            with run(served.app) as base:
                yield base

    return start


def lifespan_log(tmp_path: Path) -> list[str]:
    path = tmp_path / "lifespan.log"
    return path.read_text().split() if path.exists() else []


def test_hello_and_a_404(server: Server) -> None:
    with server() as base, httpx.Client(base_url=base, timeout=5) as client:
        resp = client.get("/", params={"name": "granian"})
        assert (resp.status_code, resp.text) == (200, "hello, granian")
        assert resp.headers["content-type"] == "text/plain; charset=utf-8"
        assert resp.headers["content-length"] == str(len("hello, granian"))
        assert client.head("/").content == b""
        assert client.get("/missing").status_code == 404


def test_a_stream_arrives_chunked(server: Server) -> None:
    with server() as base, httpx.Client(base_url=base, timeout=5) as client, client.stream("GET", "/stream?n=50") as resp:
        assert resp.status_code == 200
        assert "content-length" not in resp.headers
        assert resp.read().decode() == "".join(f"{n}\n" for n in range(50))


def test_server_sent_events(server: Server) -> None:
    with server() as base, httpx.Client(base_url=base, timeout=5) as client, client.stream("GET", "/sse") as resp:
        assert resp.headers["content-type"] == "text/event-stream; charset=utf-8"
        body = resp.read().decode()
    assert body == "".join(f"id: {n}\ndata: tick {n}\n\n" for n in range(3))


def test_a_websocket_echo(server: Server) -> None:
    with server() as base, connect(base.replace("http://", "ws://") + "/ws", open_timeout=5, close_timeout=5) as ws:
        for message in ["hello", b"\x00\xff", "é" * 100_000]:
            ws.send(message)
            assert ws.recv(timeout=5) == message


@pytest.mark.parametrize("server", WITH_LIFESPAN, indirect=True)
def test_lifespan_startup_state_and_shutdown(server: Server, tmp_path: Path) -> None:
    with server() as base, httpx.Client(base_url=base, timeout=5) as client:
        assert client.get("/state").text == "hello from lifespan"
        assert lifespan_log(tmp_path) == ["startup"]
    assert lifespan_log(tmp_path) == ["startup", "shutdown"]


@pytest.mark.parametrize("server", ["daphne"], indirect=True)
def test_without_a_lifespan_state_fails_with_the_reason(server: Server, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with server() as base, httpx.Client(base_url=base, timeout=5) as client:
        resp = client.get("/state")
        assert (resp.status_code, resp.text) == (500, "Internal Server Error")
        assert client.get("/").text == "hello, world"
        deadline = time.monotonic() + 10  # daphne looks at finished application instances once a second
        while NO_LIFESPAN not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert lifespan_log(tmp_path) == []
    assert NO_LIFESPAN in log.read_text()
