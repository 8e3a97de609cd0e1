"""What `GET /plaintext` (S1) costs under the design contract, one required piece at a time.

Each step below is an ASGI adapter for the benchmark's lette_fp app that does one thing more
than the step before it, and each answers S1 correctly (the driver checks the status):

    raw       the hand-written ASGI floor (benchmarks/apps/raw_asgi.py)
    route     find the endpoint in the edge's table; send a start message and body built once
    response  + call the endpoint, which builds its Response (`text()`), and send its body
    messages  + build the start message from that Response (header list, Content-Length)
    request   + build the Request from the scope (the body as b"")
    body      + the request's body source (`Incoming`)
    lette_fp  `App.__call__` as shipped: + app state, exception mapping, HEAD, background
              tasks, 1xx/204/304, body cleanups, async and `returns` handlers

Each step is written out in full, not built from shared helpers: a helper call would add its
own cost to every step and blur what the step adds.

The cost is counted in CPU instructions per request by valgrind's callgrind (a run of N
requests minus a run of none, PYTHONHASHSEED=0), which repeats to the instruction where
timings on a shared machine drift by 10 %:

    .venv-bench/bin/python benchmarks/floor.py                 # every step; needs valgrind
    .venv-bench/bin/python benchmarks/floor.py --step request  # one step, no counting
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apps import lette as lette_app  # noqa: E402
from benchmarks.apps import raw_asgi  # noqa: E402
from benchmarks.driver import SCENARIOS, Instance, Lifespan  # noqa: E402
from benchmarks.inprocess import run_batch  # noqa: E402
from lette_fp import App  # noqa: E402
from lette_fp.asgi.body import Incoming  # noqa: E402
from lette_fp.asgi.send import CONTENT_LENGTHS, content_length  # noqa: E402
from lette_fp.http.request import EMPTY_MAPPING, Request  # noqa: E402

S1 = next(sc for sc in SCENARIOS if sc.key == "S1")
PREBUILT = lette_app.plaintext(Request.build())
PREBUILT_START = {
    "type": "http.response.start",
    "status": PREBUILT.status,
    "headers": [*PREBUILT.headers, content_length(len(PREBUILT.body))],
}
Scope = dict[str, Any]
Step = Callable[[App, Scope, Any, Any], Awaitable[None]]


async def route(app: App, scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    assert app.edge_routes is not None
    endpoint = app.edge_routes[0][scope["path"]][scope["method"]]
    assert endpoint is not None
    await send(PREBUILT_START)
    await send({"type": "http.response.body", "body": PREBUILT.body})


async def response(app: App, scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    assert app.edge_routes is not None
    fn, _ = app.edge_routes[0][scope["path"]][scope["method"]]
    resp = fn(None)  # type: ignore[arg-type]
    await send(PREBUILT_START)
    await send({"type": "http.response.body", "body": resp.body})


async def messages(app: App, scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    assert app.edge_routes is not None
    fn, _ = app.edge_routes[0][scope["path"]][scope["method"]]
    resp = fn(None)  # type: ignore[arg-type]
    entity = resp.body
    size = len(entity)
    length = CONTENT_LENGTHS.get(size) or content_length(size)
    await send({"type": "http.response.start", "status": resp.status, "headers": [*resp.headers, length]})
    await send({"type": "http.response.body", "body": entity})


async def request(app: App, scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    assert app.edge_routes is not None
    method = scope["method"]
    path = scope["path"]
    fn, _ = app.edge_routes[0][path][method]
    req = Request(
        method, path, scope["root_path"], scope["query_string"], scope["headers"], scope["client"],
        scope["server"], scope["scheme"], scope["http_version"], EMPTY_MAPPING, EMPTY_MAPPING,
        EMPTY_MAPPING, b"", app,
    )
    resp = fn(req)
    entity = resp.body
    size = len(entity)
    length = CONTENT_LENGTHS.get(size) or content_length(size)
    await send({"type": "http.response.start", "status": resp.status, "headers": [*resp.headers, length]})
    await send({"type": "http.response.body", "body": entity})


async def body(app: App, scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    assert app.edge_routes is not None
    method = scope["method"]
    path = scope["path"]
    headers = scope["headers"]
    fn, _ = app.edge_routes[0][path][method]
    req = Request(
        method, path, scope["root_path"], scope["query_string"], headers, scope["client"],
        scope["server"], scope["scheme"], scope["http_version"], EMPTY_MAPPING, EMPTY_MAPPING,
        EMPTY_MAPPING, Incoming(receive, headers, app.max_body_size), app,
    )
    resp = fn(req)
    entity = resp.body
    size = len(entity)
    length = CONTENT_LENGTHS.get(size) or content_length(size)
    await send({"type": "http.response.start", "status": resp.status, "headers": [*resp.headers, length]})
    await send({"type": "http.response.body", "body": entity})


STEPS: dict[str, Step | None] = {
    "raw": None,
    "route": route,
    "response": response,
    "messages": messages,
    "request": request,
    "body": body,
    "lette_fp": App.__call__,
}


async def serve_requests(step: str, n: int) -> None:
    """Warm the step up, then serve `n` S1 requests through it."""
    adapter = STEPS[step]
    if adapter is None:
        asgi: Any = raw_asgi.make_app()
    else:
        asgi = functools.partial(adapter, lette_app.make_app())

    lifespan = Lifespan(asgi)
    await lifespan.startup()
    inst = Instance(asgi, lifespan)
    await run_batch(inst, S1, 2000)
    if n:
        await run_batch(inst, S1, n)
    await lifespan.shutdown()


def count(step: str, n: int) -> int:
    """Return the instructions per request of `step`, counted by callgrind."""

    def collected(requests: int) -> int:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             sys.executable, __file__, "--step", step, "--requests", str(requests)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        found = re.search(r"Collected : (\d+)", run.stderr)
        if found is None:
            raise RuntimeError(f"callgrind printed no count:\n{run.stderr[-2000:]}")
        return int(found.group(1))

    return (collected(n) - collected(0)) // n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", choices=list(STEPS), help="serve through this step only, uncounted")
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    if args.step:
        try:
            import uvloop

            uvloop.run(serve_requests(args.step, args.requests))
        except ImportError:
            asyncio.run(serve_requests(args.step, args.requests))
        return
    floor = count("raw", args.requests)
    print(f"S1, instructions per request ({args.requests:,} requests, callgrind):")
    print("| step | instructions | × raw | added by the step |")
    print("|---|---:|---:|---:|")
    before = None
    for step in STEPS:
        value = floor if step == "raw" else count(step, args.requests)
        added = "" if before is None or step == "raw" else f"{value - before:+,}"
        print(f"| {step} | {value:,} | {value / floor:.2f} | {added} |", flush=True)
        before = value if step != "raw" else None


if __name__ == "__main__":
    main()
