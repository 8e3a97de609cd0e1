"""Typed handlers: parameters filled from the JSON body or the form, resolved when the App is built."""

import dataclasses
from typing import Annotated, Any, TypedDict

import msgspec
import pytest

from lette_fp import App, Form, FormData, Request, Response, UploadFile, get, json, post, text
from lette_fp.params.binding import HandlerSignatureError
from lette_fp.testing import TestClient
from tests.servers import ServerFactory


class Item(msgspec.Struct):
    name: str
    price: float
    tags: list[str] = []


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Movie(TypedDict):
    title: str
    year: int


def create(req: Request, item: Item) -> Response:
    return json(item, status=201)


async def create_async(req: Request, item: Item) -> Response:
    return json({"name": item.name, "body_was_read": isinstance(req.body, bytes)})


def point(req: Request, p: Point) -> Response:
    return json({"sum": p.x + p.y})


def movies(req: Request, movies: list[Movie]) -> Response:
    return json([m["title"] for m in movies])


def maybe(req: Request, item: Item | None = None) -> Response:
    return json({"item": item})


def by_id(req: Request, id: int, item: Item) -> Response:
    return json({"id": id, "name": item.name})


async def signup(req: Request, form: FormData) -> Response:
    avatar = form.get("avatar")
    return json({"user": form["user"], "avatar": avatar.filename if isinstance(avatar, UploadFile) else None})


app = App(
    routes=[
        post("/items", create),
        post("/items-async", create_async),
        post("/points", point),
        post("/movies", movies),
        post("/maybe", maybe),
        post("/items/{id:int}", by_id),
        post("/signup", signup),
    ]
)
client = TestClient(app)


def test_a_struct_parameter_gets_the_decoded_body() -> None:
    resp = client.post("/items", json={"name": "pen", "price": 1.5})
    assert resp.status_code == 201
    assert resp.json() == {"name": "pen", "price": 1.5, "tags": []}
    assert client.post("/items-async", json={"name": "pen", "price": 1}).json() == {"name": "pen", "body_was_read": True}


def test_dataclass_typeddict_and_list_parameters() -> None:
    assert client.post("/points", json={"x": 1, "y": 2}).json() == {"sum": 3}
    assert client.post("/movies", json=[{"title": "Up", "year": 2009}]).json() == ["Up"]


def test_path_params_and_body_together() -> None:
    assert client.post("/items/7", json={"name": "pen", "price": 1}).json() == {"id": 7, "name": "pen"}


def test_json_media_types_and_a_missing_content_type_are_accepted() -> None:
    body = b'{"name": "pen", "price": 2}'
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json", "APPLICATION/JSON"):
        assert client.post("/items", content=body, headers={"content-type": content_type}).status_code == 201
    assert client.post("/items", content=body).status_code == 201


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x"])
def test_another_content_type_is_415(content_type: str) -> None:
    resp = client.post("/items", content=b'{"name": "pen", "price": 2}', headers={"content-type": content_type})
    assert resp.status_code == 415
    assert resp.json() == {"detail": "Expected a JSON body (Content-Type: application/json)"}


def test_malformed_json_is_400_with_the_decoder_message() -> None:
    resp = client.post("/items", content=b'{"name": ', headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["detail"].startswith("Malformed JSON: ")
    empty = client.post("/items", content=b"", headers={"content-type": "application/json"})
    assert empty.json() == {"detail": "Expected a JSON body; the request body is empty"}


def test_the_wrong_shape_is_422_naming_the_field() -> None:
    resp = client.post("/items", json={"name": "pen", "price": 1, "tags": ["a", 2]})
    assert resp.status_code == 422
    assert resp.json() == {"detail": [{"loc": ["body", "tags", 1], "msg": "Expected `str`, got `int`", "type": "validation_error"}]}
    missing = client.post("/items", json={"name": "pen"})
    assert missing.json()["detail"][0]["msg"] == "Object missing required field `price`"


def test_an_optional_body_with_a_default() -> None:
    assert client.post("/maybe").json() == {"item": None}
    assert client.post("/maybe", json={"name": "a", "price": 1}).json() == {"item": {"name": "a", "price": 1.0, "tags": []}}


def test_a_form_data_parameter_gets_the_form() -> None:
    resp = client.post("/signup", data={"user": "ann"}, files={"avatar": ("me.png", b"png", "image/png")})
    assert resp.json() == {"user": "ann", "avatar": "me.png"}
    assert client.post("/signup", data={"user": "bob"}).json() == {"user": "bob", "avatar": None}
    assert client.post("/signup", json={"user": "x"}).status_code == 415


def test_body_types_are_decided_when_the_app_is_built() -> None:
    def scalar(req: Request, q: int) -> Response:
        return text("")

    def untyped(req: Request, item) -> Response:  # type: ignore[no-untyped-def]
        return text("")

    def two_dict_likes(req: Request, x: Item | Point) -> Response:
        return text("")

    for handler, param in ((untyped, "item"), (two_dict_likes, "x")):
        with pytest.raises(HandlerSignatureError) as caught:
            App(routes=[get("/x", handler)])
        assert handler.__qualname__ in str(caught.value)
        assert repr(param) in str(caught.value)
    # issue 15: a scalar that is not a path param is a query param (it was a build error)
    assert TestClient(App(routes=[get("/x", scalar)])).get("/x?q=1").status_code == 200


def test_the_decoder_is_made_once_per_type(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    real = msgspec.json.Decoder

    def counting(*args: object, **kwargs: object) -> object:
        made.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    class Fresh(msgspec.Struct):
        n: int

    def handler(req: Request, fresh: Fresh) -> Response:
        return json(fresh.n)

    monkeypatch.setattr(msgspec.json, "Decoder", counting)
    fresh_app = App(routes=[post("/a", handler), post("/b", handler)])
    fresh_client = TestClient(fresh_app)
    for _ in range(5):
        assert fresh_client.post("/a", json={"n": 3}).json() == 3
        assert fresh_client.post("/b", json={"n": 4}).json() == 4
    assert len(made) == 1


def test_typed_bodies_through_a_real_server(serve: ServerFactory) -> None:
    import httpx

    with serve(app) as base, httpx.Client(base_url=base) as http:
        assert http.post("/items", json={"name": "pen", "price": 1.5}).status_code == 201
        assert http.post("/items", json={"name": 1, "price": 1.5}).status_code == 422
        assert http.post("/items", content=b"{", headers={"content-type": "application/json"}).status_code == 400
        assert http.post("/items", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
        assert http.post("/signup", data={"user": "ann"}).json() == {"user": "ann", "avatar": None}


def test_the_resolvers_are_registered_by_importing_any_part_of_lette_fp() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import msgspec\n"
        "from lette_fp.app import App\n"
        "from lette_fp.routing import post\n"
        "class Item(msgspec.Struct):\n    n: int\n"
        "def create(req, item: Item):\n    ...\n"
        "App(routes=[post('/', create)])\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_an_upload_file_parameter_gets_the_form_file_of_its_name() -> None:
    async def upload(avatar: UploadFile) -> dict[str, object]:
        return {"name": avatar.filename, "size": len(await avatar.read())}

    api = TestClient(App(routes=[post("/up", upload)]))
    resp = api.post("/up", files={"avatar": ("me.png", b"12345", "image/png")})
    assert resp.json() == {"name": "me.png", "size": 5}
    missing = api.post("/up", files={"other": ("x", b"1")})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "avatar"]


class Signup(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=3)]
    age: int = 0
    tags: list[str] = []


def test_a_form_struct_reads_one_field_per_struct_field() -> None:
    def signup(data: Annotated[Signup, Form()]) -> Signup:
        return data

    client = TestClient(App([post("/", signup)]))
    answer = client.post("/", data={"username": "ann", "age": "7", "tags": ["a", "b"]})
    assert answer.json() == {"username": "ann", "age": 7, "tags": ["a", "b"]}
    refused = client.post("/", data={"username": "an", "age": "x"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][0] == "body"
    assert client.post("/", json={"username": "ann"}).status_code == 415


def test_form_fields_read_their_field_with_defaults_aliases_and_lists() -> None:
    def login(username: Annotated[str, Form()], keep: Annotated[bool, Form(alias="remember-me")] = False,
              scope: Annotated[list[str], Form()] = []) -> dict[str, Any]:  # noqa: B006
        return {"username": username, "keep": keep, "scope": scope}

    client = TestClient(App([post("/", login)]))
    assert client.post("/", data={"username": "ann", "remember-me": "true", "scope": ["a", "b"]}).json() == {
        "username": "ann", "keep": True, "scope": ["a", "b"],
    }
    assert client.post("/", data={"username": "ann"}).json() == {"username": "ann", "keep": False, "scope": []}
    missing = client.post("/", data={"other": "x"})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [{"loc": ["body", "username"], "msg": "Field required", "type": "missing"}]
    bad = client.post("/", data={"username": "ann", "remember-me": "maybe"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "remember-me"]


def test_a_form_parameter_of_another_type_fails_the_build() -> None:
    def bad(data: Annotated[dict[str, int], Form()]): ...

    with pytest.raises(HandlerSignatureError, match="a form parameter must be a Struct"):
        App([post("/", bad)])
