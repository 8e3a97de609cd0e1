"""Returned values: plain values are JSON with the route's status, None is 204, the return
annotation filters what goes out, and an unencodable value is a 500 naming the handler."""

import dataclasses

import msgspec
import pytest
from returns.result import Failure, Success

from lette_fp import App, HTTPError, Request, Response, get, on_response, post, text
from lette_fp.params import ReturnValueError
from lette_fp.testing import TestClient


class UserRow(msgspec.Struct):
    id: int
    name: str
    password_hash: str


class UserOut(msgspec.Struct):
    id: int
    name: str


@dataclasses.dataclass
class Point:
    x: int
    y: int


def row() -> UserRow:
    return UserRow(1, "ann", "s3cret")


def filtered() -> UserOut:
    return row()  # type: ignore[return-value]


def filtered_dict() -> UserOut:
    return {"id": 2, "name": "bob", "password_hash": "x"}  # type: ignore[return-value]


def filtered_list() -> list[UserOut]:
    return [row(), row()]  # type: ignore[list-item]


def not_convertible() -> UserOut:
    return {"id": "nope"}  # type: ignore[return-value]


class Opaque:
    pass


def unencodable() -> object:
    return Opaque()


async def async_dict(req: Request) -> dict[str, str]:
    return {"path": req.path}


app = App(
    [
        get("/dict", lambda: {"a": 1}),
        get("/list", lambda: [1, 2]),
        get("/str", lambda: "hi"),
        get("/point", lambda: Point(1, 2)),
        get("/none", lambda: None),
        post("/created", lambda: {"id": 1}, status=201),
        post("/accepted-none", lambda: None, status=202),
        get("/row", row),
        get("/filtered", filtered),
        get("/filtered-dict", filtered_dict),
        get("/filtered-list", filtered_list),
        get("/not-convertible", not_convertible),
        get("/unencodable", unencodable),
        get("/async", async_dict),
        get("/success", lambda: Success({"ok": True})),
        get("/failure", lambda: Failure(HTTPError(418))),
        get("/response", lambda: text("plain")),
    ],
)
client = TestClient(app, raise_server_exceptions=False)


def test_plain_values_are_json_with_status_200() -> None:
    for path, body in (("/dict", {"a": 1}), ("/list", [1, 2]), ("/str", "hi"), ("/point", {"x": 1, "y": 2}), ("/async", {"path": "/async"})):
        resp = client.get(path)
        assert (resp.status_code, resp.json(), resp.headers["content-type"]) == (200, body, "application/json")


def test_none_is_204_and_the_route_status_is_used() -> None:
    none = client.get("/none")
    assert (none.status_code, none.content) == (204, b"")
    created = client.post("/created")
    assert (created.status_code, created.json()) == (201, {"id": 1})
    assert client.post("/accepted-none").status_code == 202


def test_the_return_annotation_filters_fields() -> None:
    assert client.get("/row").json() == {"id": 1, "name": "ann", "password_hash": "s3cret"}
    assert client.get("/filtered").json() == {"id": 1, "name": "ann"}
    assert client.get("/filtered-dict").json() == {"id": 2, "name": "bob"}
    assert client.get("/filtered-list").json() == [{"id": 1, "name": "ann"}] * 2


def test_returns_containers_hold_plain_values_too() -> None:
    assert client.get("/success").json() == {"ok": True}
    assert client.get("/failure").status_code == 418


def test_middleware_sees_a_response() -> None:
    seen: list[object] = []

    def spy(req: Request, resp: Response) -> Response:
        seen.append(type(resp))
        return resp

    app = App([get("/", lambda: {"a": 1}), get("/none", lambda: None)], middleware=[on_response(spy)])
    TestClient(app).get("/")
    TestClient(app).get("/none")
    assert seen == [Response, Response]


@pytest.mark.parametrize(("path", "pattern"), [("/unencodable", "handler unencodable returned Opaque"), ("/not-convertible", "handler not_convertible returned dict.*UserOut")])
def test_a_value_that_cannot_go_out_is_a_500_naming_handler_and_type(path: str, pattern: str) -> None:
    assert client.get(path).status_code == 500
    with pytest.raises(ReturnValueError, match=pattern):
        TestClient(app).get(path)
