"""JSON bodies: malformed is 400, the wrong shape 422, and nesting past msgspec's bound a 400."""

from typing import Any

import msgspec
import pytest

from lette_fp import App, Request, Response, json, post
from lette_fp.http.body_errors import NESTED_TOO_DEEPLY
from lette_fp.testing import TestClient

DEEP_ARRAY = b"[" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000


class Holder(msgspec.Struct):
    value: Any


async def untyped(req: Request) -> Response:
    req = await req.read()
    return json({"got": type(req.json()).__name__})


def as_dict(req: Request, body: dict[str, Any]) -> Response:
    return json({"keys": len(body)})


def as_struct(req: Request, body: Holder) -> Response:
    return json({"got": type(body.value).__name__})


def as_list(req: Request, body: list[Any]) -> Response:
    return json({"items": len(body)})


client = TestClient(
    App(routes=[post("/untyped", untyped), post("/dict", as_dict), post("/struct", as_struct), post("/list", as_list)]),
    raise_server_exceptions=False,
)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/untyped", DEEP_ARRAY),
        ("/untyped", DEEP_OBJECT),
        ("/dict", b'{"a":' + DEEP_ARRAY),
        ("/struct", b'{"value":' + DEEP_ARRAY),
        ("/list", DEEP_ARRAY),
    ],
)
def test_json_nested_too_deeply_is_400_not_a_recursion_error(path: str, body: bytes) -> None:
    resp = client.post(path, content=body, headers={"content-type": "application/json"})
    assert (resp.status_code, resp.json()) == (400, {"detail": NESTED_TOO_DEEPLY})


def test_moderate_nesting_still_decodes() -> None:
    body = b"[" * 200 + b"]" * 200
    assert client.post("/untyped", content=body, headers={"content-type": "application/json"}).json() == {"got": "list"}
    assert client.post("/struct", content=b'{"value":' + body + b"}").json() == {"got": "list"}
