"""An exception nothing maps: the edge sends a complete 500, then raises the exception out of the
ASGI callable, for the server (one traceback in its log) and outer ASGI middleware to see."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from lette_fp import App, Request, Response, get, text
from lette_fp.asgi.types import Message, Receive, Scope, Send
from tests.drive import http_scope
from tests.servers import run_uvicorn


class Kaboom(RuntimeError):
    """Raised by the handler under test; nothing maps it."""


def boom(req: Request) -> Response:
    raise Kaboom("the handler failed")


def fine(req: Request) -> Response:
    return text("fine")


app = App(routes=[get("/boom", boom), get("/fine", fine)])


async def test_the_500_is_sent_whole_before_the_exception_leaves_the_callable() -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    with pytest.raises(Kaboom, match="the handler failed"):
        await app(http_scope("/boom"), receive, send)
    start, body = sent
    assert start["type"] == "http.response.start" and start["status"] == 500
    assert body["type"] == "http.response.body" and body["body"] == b"Internal Server Error"
    assert not body.get("more_body", False)
    assert (b"content-length", b"21") in start["headers"]


async def test_the_exception_propagates_through_httpx_asgi_transport() -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/fine")).text == "fine"
        with pytest.raises(Kaboom, match="the handler failed"):
            await client.get("/boom")


async def test_without_raise_app_exceptions_httpx_gets_the_complete_500() -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        resp = await client.get("/boom")
    assert resp.status_code == 500 and resp.text == "Internal Server Error"
    assert resp.headers["content-length"] == "21"


async def test_an_outer_asgi_middleware_sees_the_exception_after_the_500() -> None:
    seen: list[tuple[int | None, BaseException]] = []

    def reporter(inner: Any) -> Any:
        async def report(scope: Scope, receive: Receive, send: Send) -> None:
            status: list[int] = []

            async def watch(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status.append(message["status"])
                await send(message)

            try:
                await inner(scope, receive, watch)
            except Exception as exc:
                seen.append((status[0] if status else None, exc))
                raise

        return report

    wrapped = App(routes=[get("/boom", boom), get("/fine", fine)], asgi_middleware=[reporter])
    transport = httpx.ASGITransport(app=wrapped, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/fine")).text == "fine"
        resp = await client.get("/boom")
    assert resp.status_code == 500 and resp.text == "Internal Server Error"
    assert len(seen) == 1
    status, exc = seen[0]
    assert status == 500 and isinstance(exc, Kaboom)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def captured(*names: str) -> Iterator[list[logging.LogRecord]]:
    """Collect every record logged to the named loggers (whatever their propagation)."""
    handler = _Records()
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def test_uvicorn_logs_exactly_one_traceback_and_the_client_gets_the_500() -> None:
    # log_config=None: uvicorn leaves logging as it is (its dictConfig would drop our handler)
    with captured("uvicorn.error", "lette_fp") as records, run_uvicorn(app, log_config=None) as base:
        resp = httpx.get(base + "/boom", timeout=10)
        assert resp.status_code == 500
        assert resp.text == "Internal Server Error"
        assert resp.headers["content-length"] == "21"
        # uvicorn closes a connection whose app raised, so the next request opens its own
        assert httpx.get(base + "/fine", timeout=10).text == "fine"
    # the server thread has stopped here: everything it logged is in `records`
    tracebacks = [r for r in records if r.exc_info is not None]
    assert len(tracebacks) == 1, [r.getMessage() for r in records]
    record = tracebacks[0]
    assert record.name == "uvicorn.error"
    assert record.exc_info is not None and isinstance(record.exc_info[1], Kaboom)
    assert "the handler failed" in logging.Formatter().format(record)
    assert not [r for r in records if r.name.startswith("lette_fp")]


def failing_middleware(handler: Any) -> Any:
    async def fail(req: Request) -> Response:
        if req.path == "/fine":
            raise Kaboom("the middleware failed")
        return await handler(req)

    return fail


async def custom_500(req: Request, exc: Exception) -> Response:
    return text(f"sorry: {type(exc).__name__}", status=500)


@pytest.mark.parametrize(
    ("built", "path", "message", "body"),
    [
        (App(routes=[get("/fine", fine)], middleware=[failing_middleware]), "/fine", "the middleware failed", b"Internal Server Error"),
        (App(routes=[get("/boom", boom)], exception_handlers={500: custom_500}), "/boom", "the handler failed", b"sorry: Kaboom"),
        (App(routes=[get("/boom", boom)], exception_handlers={Exception: custom_500}), "/boom", "the handler failed", b"sorry: Kaboom"),
    ],
    ids=["raised-in-app-middleware", "500-handler", "Exception-handler"],
)
async def test_the_last_resort_answer_is_sent_then_the_exception_raised(built: App, path: str, message: str, body: bytes) -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(msg: Message) -> None:
        sent.append(msg)

    with pytest.raises(Kaboom, match=message):
        await built(http_scope(path), receive, send)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 500 and sent[1]["body"] == body and not sent[1].get("more_body")
