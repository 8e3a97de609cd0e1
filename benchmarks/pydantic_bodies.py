"""What a pydantic body costs against a msgspec one: S5's ~1 KB JSON document decoded into a typed
value and encoded back, in process (the ASGI callable driven directly), against raw ASGI.

    taskset -c 1 .venv/bin/python benchmarks/pydantic_bodies.py [--repeats 15]

Each cell is the median over repeats of one batch's time per request; within a repeat the apps
take turns, so drift on a shared machine hits all of them alike. FastAPI (pydantic too) joins when
it is installed (the bench venv has it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402

from benchmarks.apps.common import ITEM, ItemStruct  # noqa: E402
from benchmarks.apps.pydantic_item import ItemModel  # noqa: E402
from benchmarks.driver import Cycle  # noqa: E402
from lette_fp import App, post  # noqa: E402

BODY = json.dumps(ITEM).encode()
SCOPE = {
    "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
    "path": "/items", "raw_path": b"/items", "root_path": "", "query_string": b"",
    "headers": [(b"host", b"bench"), (b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())],
    "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
}


_decode = msgspec.json.Decoder(ItemStruct).decode
_encode = msgspec.json.Encoder().encode


async def raw_asgi(scope: Any, receive: Any, send: Any) -> None:
    message = await receive()
    body = _encode(_decode(message["body"]))
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def with_struct(item: ItemStruct) -> ItemStruct:
    return item


def with_model(item: ItemModel) -> ItemModel:
    return item


def apps() -> dict[str, Any]:
    out = {
        "raw ASGI (msgspec)": raw_asgi,
        "lette_fp, msgspec Struct": App([post("/items", with_struct)]),
        "lette_fp, pydantic model": App([post("/items", with_model)]),
    }
    try:
        from fastapi import FastAPI
    except ImportError:
        return out
    fastapi = FastAPI()

    @fastapi.post("/items")
    async def create(item: ItemModel) -> ItemModel:
        return item

    out["FastAPI, pydantic model"] = fastapi
    return out


async def batch(app: Any, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        cycle = Cycle(BODY, record=False)
        await app(dict(SCOPE), cycle.receive, cycle.send)
        if cycle.status != 200:
            raise RuntimeError(f"status {cycle.status}")
    return (time.perf_counter() - start) / n


async def main(repeats: int, n: int) -> None:
    table = apps()
    samples: dict[str, list[float]] = {name: [] for name in table}
    for app in table.values():
        await batch(app, 200)  # warm up
    for repeat in range(repeats):
        names = list(table)
        names = names[repeat % len(names):] + names[: repeat % len(names)]
        for name in names:
            samples[name].append(await batch(table[name], n))
    floor = statistics.median(samples["raw ASGI (msgspec)"])
    print(f"S5 in process, median of {repeats} batches of {n} requests (µs per request):")
    print("| app | µs | × raw |\n|---|---:|---:|")
    for name, values in samples.items():
        us = statistics.median(values)
        print(f"| {name} | {us * 1e6:.1f} | {us / floor:.2f}× |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.repeats, args.requests))
