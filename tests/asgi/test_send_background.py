"""Background tasks: run in order after the last body byte (streamed or not, through middleware);
sync functions in a worker thread; a failing task is logged and never changes the response."""

import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from lette_fp import App, Request, Response, get, on_response, text
from lette_fp.http.entities import Stream
from lette_fp.testing import TestClient
from tests.drive import http_scope
from tests.servers import ServerFactory


async def serve_recording(app: App, path: str, log: list[Any], method: str = "GET") -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            log.append(("body", message.get("body", b""), message.get("more_body", False)))
        else:
            log.append(("start", message["status"]))

    with anyio.fail_after(5):
        await app(http_scope(path, method), receive, send)


async def test_tasks_run_in_order_after_the_last_body_message_sync_ones_in_a_worker_thread() -> None:
    log: list[Any] = []
    loop_thread = threading.get_ident()

    def sync_task(name: str, *, suffix: str) -> None:
        log.append(("sync", name + suffix, threading.get_ident() != loop_thread))

    async def async_task(name: str) -> None:
        await anyio.sleep(0)
        log.append(("async", name, threading.get_ident() == loop_thread))

    def handler(req: Request) -> Response:
        return (
            text("body")
            .with_background(sync_task, "first", suffix="!")
            .with_background(async_task, "second")
            .with_background(sync_task, "third", suffix="?")
        )

    await serve_recording(App(routes=[get("/", handler)]), "/", log)
    assert log == [
        ("start", 200),
        ("body", b"body", False),
        ("sync", "first!", True),
        ("async", "second", True),
        ("sync", "third?", True),
    ]


async def test_a_streamed_body_is_finished_before_the_tasks_run() -> None:
    log: list[Any] = []

    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"a", b"b", b"c"):
            yield part

    def handler(req: Request) -> Response:
        return Response(200, (), Stream(chunks())).with_background(log.append, "task")

    await serve_recording(App(routes=[get("/", handler)]), "/", log)
    assert log == [
        ("start", 200),
        ("body", b"a", True),
        ("body", b"b", True),
        ("body", b"c", True),
        ("body", b"", False),
        "task",
    ]


async def test_tasks_added_by_middleware_run_after_the_handlers_and_head_runs_them_too() -> None:
    log: list[Any] = []

    def handler(req: Request) -> Response:
        return text("hello").with_background(log.append, "handler task")

    def audit(req: Request, resp: Response) -> Response:
        return resp.with_header("x-audited", "1").with_background(log.append, "middleware task")

    app = App(routes=[get("/", handler)], middleware=[on_response(audit)])
    await serve_recording(app, "/", log)
    assert log == [("start", 200), ("body", b"hello", False), "handler task", "middleware task"]
    log.clear()
    await serve_recording(app, "/", log, method="HEAD")
    assert log == [("start", 200), ("body", b"", False), "handler task", "middleware task"]


def test_a_failing_task_is_logged_the_rest_run_and_the_response_is_unchanged(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def broken_mailer() -> None:
        raise ConnectionError("smtp down")

    async def broken_async() -> None:
        raise KeyError("gone")

    def handler(req: Request) -> Response:
        return (
            text("created", status=201)
            .with_background(broken_mailer)
            .with_background(ran.append, "after sync failure")
            .with_background(broken_async)
            .with_background(ran.append, "after async failure")
        )

    with caplog.at_level(logging.ERROR, logger="lette_fp"):
        resp = TestClient(App(routes=[get("/", handler)])).get("/")
    assert (resp.status_code, resp.text) == (201, "created")
    assert ran == ["after sync failure", "after async failure"]
    assert "broken_mailer" in caplog.text and "smtp down" in caplog.text
    assert "broken_async" in caplog.text


def test_the_client_has_the_whole_response_while_the_task_still_runs(serve: ServerFactory) -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_task() -> None:
        started.set()
        release.wait(5)
        finished.set()

    async def chunks() -> AsyncIterator[bytes]:
        yield b"streamed "
        yield b"body"

    def plain(req: Request) -> Response:
        return text("plain body").with_background(slow_task)

    def streamed(req: Request) -> Response:
        return Response(200, (), Stream(chunks())).with_background(slow_task)

    app = App(routes=[get("/plain", plain), get("/streamed", streamed)])
    with serve(app) as base, httpx.Client(base_url=base, timeout=5) as client:
        for path, body in (("/plain", "plain body"), ("/streamed", "streamed body")):
            started.clear(), release.clear(), finished.clear()
            resp = client.get(path)
            assert resp.text == body
            assert started.wait(5)
            assert not finished.is_set()
            release.set()
            assert finished.wait(5)
