"""The attack run's findings, replayed on real uvicorn and hypercorn: each gets its 4xx (or, for
2 MB of `&`, an empty form); how long the parsers take is measured in benchmarks/parsers.py."""

from typing import Any

import httpx
import msgspec

from lette_fp import App, FormData, Request, Response, get, json, post
from tests.servers import ServerFactory


class Holder(msgspec.Struct):
    value: Any


async def untyped(req: Request) -> Response:
    req = await req.read()
    return json({"type": type(req.json()).__name__})


def mapping(req: Request, body: dict[str, Any]) -> Response:
    return json({"keys": len(body)})


def holder(req: Request, body: Holder) -> Response:
    return json({"type": type(body.value).__name__})


async def form(req: Request, data: FormData) -> Response:
    return json({"fields": len(data)})


def cookies(req: Request) -> Response:
    return json({"cookies": len(req.cookies)})


app = App(routes=[post("/json", untyped), post("/mapping", mapping), post("/holder", holder), post("/form", form), get("/cookies", cookies)])


def test_the_attacks_get_quick_4xx_answers(serve: ServerFactory) -> None:
    deep = b"[" * 100_000
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as http:
        as_json = {"content-type": "application/json"}
        for path, body in (("/json", deep), ("/mapping", b'{"a":' + deep), ("/holder", b'{"value":' + deep)):
            resp = http.post(path, content=body, headers=as_json)
            assert (resp.status_code, resp.json()) == (400, {"detail": "Malformed JSON: nested too deeply"}), path
        resp = http.post("/form", content=b"&" * 2_000_000, headers={"content-type": "application/x-www-form-urlencoded"})
        assert (resp.status_code, resp.json()) == (200, {"fields": 0})
        resp = http.get("/cookies", headers={"cookie": "; ".join(f"c{i}=1" for i in range(1_500))})
        assert resp.status_code in (400, 431), "lette_fp's 400, or the server's own limit on the head"
        assert http.get("/cookies", headers={"cookie": "a=1; b=2"}).json() == {"cookies": 2}
