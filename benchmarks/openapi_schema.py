"""OpenAPI: how long `schema(app)` takes for an App of 1,000 varied routes, and what serving a
document costs the other routes per request (nothing: compare with and without `openapi=`).

    .venv/bin/python benchmarks/openapi_schema.py                  # schema time, and timed requests
    .venv/bin/python benchmarks/openapi_schema.py --instructions   # also callgrind counts per request
                                                                   # (an app of 100 routes + the two)

The routes: 20 mounts of 50, each mount tagged; path params with converters, typed query params
with `msgspec.Meta` constraints, a header, a provider, JSON bodies of 20 Struct types, returns of
Structs, lists of them and None. Request cost: `GET /ping` (a plain handler) and a typed route
(`GET /m3/items/7?limit=5` with a header), served in-process by the ASGI callable, with and
without `openapi=OpenAPI(...)`. Timings are the best of interleaved repeats (the machine may be
shared); callgrind instruction counts are deterministic. Run it with the project's `.venv` (made
by `make test`): the served docs page needs the `openapi` extra, which `.venv-bench` lacks.
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import msgspec

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.instructions import callgrind_count  # noqa: E402
from lette_fp import App, Depends, Header, delete, get, mount, post, put, text  # noqa: E402
from lette_fp.openapi import OpenAPI, schema  # noqa: E402

Limit = Annotated[int, msgspec.Meta(ge=1, le=100, description="How many at most")]


def struct_types(count: int) -> list[type[msgspec.Struct]]:
    """Return `count` distinct Struct types, each with a nested one."""
    out = []
    for n in range(count):
        inner = msgspec.defstruct(f"Part{n}", [("label", str), ("weight", float)])
        out.append(msgspec.defstruct(f"Thing{n}", [("name", str), ("price", Annotated[float, msgspec.Meta(ge=0)]), ("parts", list[inner], [])]))
    return out


def current_user(x_token: Annotated[str, Header()]) -> str:
    return x_token


def routes(count: int = 1000, per_mount: int = 50) -> list[Any]:
    """Return `count` routes in mounts of `per_mount`, varied as the module docstring says."""
    things = struct_types(20)
    groups = []
    for m in range(count // per_mount):
        inner: list[Any] = []
        for r in range(per_mount):
            thing = things[(m * per_mount + r) % len(things)]
            kind = r % 5
            name = f"op_{m}_{r}"
            if kind == 0:
                def listing(limit: Limit = 10, offset: int = 0, q: str | None = None) -> list[thing]: ...  # type: ignore[valid-type]
                inner.append(get(f"/list{r}", listing, name=name))
            elif kind == 1:
                def show(id: int, user: Annotated[str, Depends(current_user)]) -> thing: ...  # type: ignore[valid-type]
                inner.append(get(f"/items{r}/{{id:int}}", show, name=name, responses={404: None}))
            elif kind == 2:
                def create(item: thing) -> thing: ...  # type: ignore[valid-type]
                inner.append(post(f"/items{r}", create, name=name, status=201))
            elif kind == 3:
                def replace(id: int, item: thing) -> thing: ...  # type: ignore[valid-type]
                inner.append(put(f"/items{r}/{{id:int}}", replace, name=name))
            else:
                def remove(id: Annotated[int, msgspec.Meta(ge=1)]) -> None: ...
                inner.append(delete(f"/items{r}/{{id}}", remove, name=name))
        groups.append(mount(f"/m{m}", inner, tags=[f"group{m}"]))
    return groups


def ping(req: Any) -> Any:
    return text("pong")


def typed(id: int, limit: Limit = 10, x_token: Annotated[str | None, Header()] = None) -> dict[str, int]:
    return {"id": id, "limit": limit}


def app(with_openapi: bool, count: int = 1000) -> App:
    """The App of `count` routes plus the two measured routes, with or without a served document."""
    extra = [get("/ping", ping), mount("/m3x", [get("/items/{id:int}", typed, name="typed")])]
    config = OpenAPI(title="Bench", version="1") if with_openapi else None
    return App([*routes(count), *extra], openapi=config)


REQUESTS = {
    "ping": ("/ping", b"", 200),
    "typed": ("/m3x/items/7", b"limit=5", 200),
}


async def serve(asgi: Any, key: str, count: int) -> None:
    """Send `count` requests of `key` to `asgi` in-process, checking each status."""
    path, query, status = REQUESTS[key]
    body_event = {"type": "http.request", "body": b"", "more_body": False}
    got: list[int] = []

    async def receive() -> dict[str, Any]:
        return body_event

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            got.append(message["status"])

    for _ in range(count):
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": query,
            "headers": [(b"host", b"bench"), (b"x-token", b"t")], "client": ("127.0.0.1", 1), "server": ("bench", 80),
        }
        await asgi(scope, receive, send)
    assert got.count(status) == count, f"{key}: statuses {set(got)}"


def time_schema(repeats: int) -> tuple[float, int, int]:
    """Return the best time of `schema(app)` for the 1,000 routes, with the path and operation counts."""
    plain = App(routes())
    best = float("inf")
    doc: dict[str, Any] = {}
    for _ in range(repeats):
        start = time.perf_counter()
        doc = schema(plain, title="Bench", version="1")
        best = min(best, time.perf_counter() - start)
    operations = sum(len(ops) for ops in doc["paths"].values())
    return best, len(doc["paths"]), operations


def time_requests(repeats: int, count: int) -> dict[tuple[str, bool], float]:
    """Return the best µs per request for each (request, with openapi), interleaved."""
    apps = {flag: app(flag) for flag in (False, True)}
    best: dict[tuple[str, bool], float] = {}
    for _ in range(repeats):
        for key in REQUESTS:
            for flag, asgi in apps.items():
                start = time.perf_counter()
                asyncio.run(serve(asgi, key, count))
                per = (time.perf_counter() - start) / count * 1e6
                best[key, flag] = min(best.get((key, flag), float("inf")), per)
    return best


def instructions(key: str, flag: bool, count: int, routes_count: int) -> int:
    """Return callgrind's instruction count for building the app (`routes_count` routes) and
    serving `count` requests."""
    return callgrind_count(__file__, "--serve", key, "1" if flag else "0", str(count), str(routes_count))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    parser.add_argument("--instruction-routes", type=int, default=100, help="routes of the app counted under callgrind")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        key, flag, count = args.serve[0], args.serve[1] == "1", int(args.serve[2])
        asgi = app(flag, int(args.serve[3]))
        asyncio.run(serve(asgi, key, 50))
        if count:
            asyncio.run(serve(asgi, key, count))
        return 0
    seconds, paths, operations = time_schema(args.repeats)
    print(f"schema(app): {operations} operations on {paths} paths in {seconds:.3f} s (best of {args.repeats})")
    start = time.perf_counter()
    app(True)
    print(f"App(openapi=...) build with the document: {time.perf_counter() - start:.3f} s; without: ", end="")
    start = time.perf_counter()
    app(False)
    print(f"{time.perf_counter() - start:.3f} s")
    best = time_requests(args.repeats, args.requests)
    print("| request | without openapi (µs) | with openapi (µs) | ratio |")
    print("|---|---:|---:|---:|")
    for key in REQUESTS:
        off, on = best[key, False], best[key, True]
        print(f"| {key} | {off:.2f} | {on:.2f} | {on / off:.3f} |")
    if args.instructions:
        count, size = 2000, args.instruction_routes
        print(f"| request | instructions without | with | difference (callgrind, {count} requests, {size} routes) |")
        print("|---|---:|---:|---:|")
        for key in REQUESTS:
            per = {flag: (instructions(key, flag, count, size) - instructions(key, flag, 0, size)) / count for flag in (False, True)}
            print(f"| {key} | {per[False]:,.0f} | {per[True]:,.0f} | {per[True] - per[False]:+,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
