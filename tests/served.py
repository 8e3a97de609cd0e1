"""The app every server in tests/test_servers.py serves, importable by a server's own process
(`tests.served:app`): hello, a stream, SSE, a websocket echo and a lifespan.

With `LETTE_SERVED_LOG` set, the lifespan appends "startup" and "shutdown" lines to that file,
so a test can see that a server ran both halves."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

import anyio

from lette_fp import App, Event, Request, Response, accept, get, sse, stream, text, websocket
from lette_fp.ws import Incoming


def _log(line: str) -> None:
    path = os.environ.get("LETTE_SERVED_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


@contextlib.asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
    _log("startup")
    yield {"greeting": "hello from lifespan"}
    _log("shutdown")


def hello(req: Request) -> Response:
    return text("hello, " + req.query.get("name", "world"))


def state(req: Request) -> Response:
    return text(req.state["greeting"])


def numbers(req: Request) -> Response:
    async def chunks() -> AsyncIterator[str]:
        for n in range(int(req.query.get("n", "3"))):
            yield f"{n}\n"
            await anyio.sleep(0)

    return stream(chunks())


def events(req: Request) -> Response:
    async def source() -> AsyncIterator[Event]:
        for n in range(3):
            yield Event(data=f"tick {n}", id=str(n))

    return sse(source(), ping=None)


async def echo_pipe(incoming: Incoming) -> AsyncIterator[str | bytes]:
    async for message in incoming:
        yield message


def echo(req: Request) -> Response:
    return accept(echo_pipe)


app = App(
    routes=[
        get("/", hello),
        get("/state", state),
        get("/stream", numbers),
        get("/sse", events),
        websocket("/ws", echo),
    ],
    lifespan=lifespan,
)
