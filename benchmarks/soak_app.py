"""The app `benchmarks/soak.py` serves under uvicorn: the two hot routes wrk hammers, one route per
way a client can hang up (a body, an upload, a stream, SSE, a download, a websocket), and a
soak-only debug route reporting what must not leak.

`GET /_debug/counts` answers the process's asyncio tasks, open file descriptors, spool files
(descriptors on files in the temp directory) and RSS. It exists only in this benchmark app.
Uploads spool to disk past 16 KiB here (1 MiB by default), so every hung-up upload has reached
the disk.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from typing import Any

import anyio

import lette_fp.forms.upload
from lette_fp import (
    App,
    Event,
    FormData,
    Request,
    Response,
    accept,
    file,
    get,
    json,
    post,
    sse,
    stream,
    websocket,
)

lette_fp.forms.upload.SPOOL_MAX_SIZE = 16 * 1024

DOWNLOAD = os.environ.get("SOAK_DOWNLOAD", "")
"""The file `GET /download` sends (the driver writes it; a few MB, so clients leave mid-way)."""
TEMP_DIR = tempfile.gettempdir()


def counts(req: Request) -> Response:
    fds = os.listdir("/proc/self/fd")
    spools = 0
    for fd in fds:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(TEMP_DIR + "/"):
            spools += 1
    with open("/proc/self/statm") as statm:
        rss_pages = int(statm.read().split()[1])
    return json({
        "tasks": len(asyncio.all_tasks()),
        "fds": len(fds),
        "spools": spools,
        "rss": rss_pages * os.sysconf("SC_PAGE_SIZE"),
    })


def item_list(req: Request) -> Response:
    return json({"items": [{"id": i, "name": f"item {i}", "price": i * 1.5} for i in range(5)]})


def item(req: Request, id: int) -> Response:
    return json({"id": id, "name": f"item {id}"})


async def body(req: Request) -> Response:
    req = await req.read()
    return json({"size": len(req.bytes())})


async def upload(req: Request, form: FormData) -> Response:
    return json({"fields": len(form)})


def slow_stream(req: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10_000):
            yield b"x" * 1024
            await anyio.sleep(0.01)

    return stream(chunks())


def events(req: Request) -> Response:
    async def ticks() -> AsyncIterator[Any]:
        n = 0
        while True:
            n += 1
            yield Event(data={"n": n}, id=str(n))
            await anyio.sleep(0.02)

    return sse(ticks(), ping=1.0)


def download(req: Request) -> Response:
    return file(DOWNLOAD)


async def echo(incoming: AsyncIterator[str | bytes]) -> AsyncIterator[str | bytes]:
    async for message in incoming:
        yield message


def ws(req: Request) -> Response:
    return accept(echo)


def make_app() -> App:
    """The soak app (a factory, for `uvicorn --factory`)."""
    return App(
        routes=[
            get("/json", item_list),
            get("/items/{id:int}", item),
            post("/body", body),
            post("/upload", upload),
            get("/stream", slow_stream),
            get("/sse", events),
            get("/download", download),
            websocket("/ws", ws),
            get("/_debug/counts", counts),
        ],
    )
