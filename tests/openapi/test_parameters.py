"""Parameters: path (with converters), query, header, cookie; required, defaults, Meta
constraints and descriptions; query groups; providers' parameters and guards' too."""

import enum
import uuid
from typing import Annotated

import msgspec

from lette_fp import Cookie, Depends, Header, Query, get, mount
from lette_fp.routing.converters import register_converter

from .helpers import operation

Limit = Annotated[int, msgspec.Meta(ge=1, le=100, description="How many at most")]


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def by_name(op):
    return {p["name"]: p for p in op.get("parameters", [])}


def test_path_params_are_typed_by_their_converter_when_the_handler_does_not_say() -> None:
    def show(req): ...

    op = operation([get("/{a:int}/{b:uuid}/{c:float}/{d}/{e:path}", show)], "/{a}/{b}/{c}/{d}/{e}")
    assert [(p["name"], p["in"], p["required"]) for p in op["parameters"]] == [
        ("a", "path", True), ("b", "path", True), ("c", "path", True), ("d", "path", True), ("e", "path", True),
    ]
    schemas = [p["schema"] for p in op["parameters"]]
    assert schemas == [
        {"type": "integer", "minimum": 0}, {"type": "string", "format": "uuid"}, {"type": "number", "minimum": 0},
        {"type": "string"}, {"type": "string"},
    ]


def test_a_path_param_annotation_wins_over_its_converter() -> None:
    def show(id: Annotated[int, msgspec.Meta(ge=1)], key: uuid.UUID): ...

    op = operation([get("/items/{id}/{key}", show)], "/items/{id}/{key}")
    assert [p["schema"] for p in op["parameters"]] == [{"type": "integer", "minimum": 1}, {"type": "string", "format": "uuid"}]


def test_an_annotation_saying_what_the_converter_says_keeps_the_converters_schema_and_cannot_fail() -> None:
    def show(id: int, key: uuid.UUID, n: int): ...

    op = operation([get("/{id:int}/{key:uuid}/{n}", show)], "/{id}/{key}/{n}")
    assert [p["schema"] for p in op["parameters"]] == [
        {"type": "integer", "minimum": 0}, {"type": "string", "format": "uuid"}, {"type": "integer"},
    ]
    assert "422" in op["responses"]  # `n` is converted from text
    def both(id: int, key: uuid.UUID): ...

    settled = operation([get("/{id:int}/{key:uuid}", both)], "/{id}/{key}")
    assert "422" not in settled["responses"]


def test_a_registered_converter_is_a_string_matching_its_regex() -> None:
    register_converter("slug4", r"[a-z]{4}", str, str)

    def show(req): ...

    op = operation([get("/w/{word:slug4}", show)], "/w/{word}")
    assert op["parameters"][0]["schema"] == {"type": "string", "pattern": "^(?:[a-z]{4})$"}


def test_query_params_have_required_defaults_constraints_and_descriptions() -> None:
    def search(q: str, limit: Limit = 10, color: Color | None = None, tags: list[str] = []):  # noqa: B006
        ...

    params = by_name(operation([get("/search", search)], "/search"))
    assert params["q"] == {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
    assert params["limit"]["required"] is False
    assert params["limit"]["description"] == "How many at most"
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 10, "description": "How many at most"}
    assert params["tags"]["schema"] == {"type": "array", "items": {"type": "string"}, "default": []}
    assert params["color"]["schema"]["default"] is None


def test_header_and_cookie_params_use_their_wire_names() -> None:
    def show(x_token: Annotated[str, Header()], agent: Annotated[str | None, Header(alias="User-Agent")] = None,
             session: Annotated[str, Cookie(alias="sid")] = ""):
        ...

    params = operation([get("/", show)], "/")["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in params] == [
        ("x-token", "header", True), ("user-agent", "header", False), ("sid", "cookie", False),
    ]


def test_a_query_alias_is_the_parameter_name() -> None:
    def page(size: Annotated[int, Query(alias="page-size")] = 20): ...

    assert operation([get("/", page)], "/")["parameters"][0]["name"] == "page-size"


def test_a_query_group_lists_each_field() -> None:
    class Filters(msgspec.Struct):
        q: str
        limit: Limit = 10
        sort: str = msgspec.field(name="order-by", default="new")

    def search(filters: Annotated[Filters, Query()]): ...

    params = by_name(operation([get("/", search)], "/"))
    assert list(params) == ["q", "limit", "order-by"]
    assert params["q"]["required"] is True
    assert params["limit"]["schema"]["maximum"] == 100
    assert params["order-by"]["schema"]["default"] == "new"


def test_providers_and_guards_contribute_their_parameters_once() -> None:
    def current_user(x_token: Annotated[str, Header()]) -> str:
        return x_token

    def admin(user: Annotated[str, Depends(current_user)], x_token: Annotated[str, Header()]) -> None: ...

    def api_key(key: Annotated[str, Query(alias="api-key")]) -> None: ...

    def show(user: Annotated[str, Depends(current_user)], q: str = ""): ...

    routes = [mount("/admin", [get("/", show, name="show", dependencies=[Depends(admin)])], dependencies=[api_key])]
    params = operation(routes, "/admin/", dependencies=[])["parameters"]
    assert [(p["name"], p["in"]) for p in params] == [("x-token", "header"), ("q", "query"), ("api-key", "query")]


def test_an_override_documents_the_replacement_provider() -> None:
    def real(token: Annotated[str, Header()]) -> str: ...

    def fake(debug_user: str = "ann") -> str: ...

    def show(user: Annotated[str, Depends(real)]): ...

    params = operation([get("/", show)], "/", overrides={real: fake})["parameters"]
    assert [(p["name"], p["in"]) for p in params] == [("debug_user", "query")]


def test_a_default_that_cannot_be_encoded_is_left_out() -> None:
    sentinel = object()

    def show(q: str = sentinel): ...  # type: ignore[assignment]

    param = operation([get("/", show)], "/")["parameters"][0]
    assert param["required"] is False and "default" not in param["schema"]


def test_a_tuple_default_is_a_json_array_in_the_document() -> None:
    def search(tag: tuple[str, ...] = (), sizes: frozenset[int] = frozenset({3})): ...

    params = by_name(operation([get("/", search)], "/"))
    assert params["tag"]["schema"]["default"] == [] and type(params["tag"]["schema"]["default"]) is list
    assert params["sizes"]["schema"]["default"] == [3]
