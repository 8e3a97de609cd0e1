"""Typed parameters from the path, the query string, headers and cookies: conversion by msgspec,
defaults, constraints, aliases, lists, groups and the one 422 listing every failing parameter."""

import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal

import msgspec
import pytest
from msgspec import Meta

from lette_fp import App, Cookie, Header, Query, Request, get
from lette_fp.testing import TestClient


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def scalars(
    s: str,
    i: int,
    f: float,
    b: bool,
    d: decimal.Decimal,
    u: uuid.UUID,
    day: datetime.date,
    at: datetime.datetime,
    c: Color,
    lit: Literal["a", "b"],
    opt: int | None = None,
) -> dict[str, object]:
    return {
        "s": s, "i": i, "f": f, "b": b, "d": str(d), "u": str(u), "day": day.isoformat(),
        "at": at.isoformat(), "c": c.value, "lit": lit, "opt": opt,
        "types": [type(v).__name__ for v in (s, i, f, b, d, u, day, at, c)],
    }


def paged(limit: Annotated[int, Meta(ge=1, le=100)] = 10, page_size: Annotated[int, Query(alias="page-size")] = 20) -> dict[str, int]:
    return {"limit": limit, "page_size": page_size}


def tagged(tags: list[str] = [], ids: tuple[int, ...] = (), kinds: set[Color] | None = None) -> dict[str, object]:  # noqa: B006
    return {"tags": tags, "ids": list(ids), "kinds": sorted(k.value for k in kinds) if kinds is not None else None}


def headers(x_token: Annotated[str, Header()], agent: Annotated[str, Header(alias="User-Agent")] = "?", x_many: Annotated[list[str], Header()] = []) -> dict[str, object]:  # noqa: B006
    return {"token": x_token, "agent": agent, "many": x_many}


def cookies(session_id: Annotated[str, Cookie()], theme: Annotated[str, Cookie(alias="ui-theme")] = "light") -> dict[str, str]:
    return {"session_id": session_id, "theme": theme}


class Filters(msgspec.Struct):
    q: str
    limit: Annotated[int, Meta(ge=1)] = 10
    tags: list[str] = []


def grouped(filters: Annotated[Filters, Query()]) -> Filters:
    return filters


def show(id: int) -> dict[str, object]:
    return {"id": id, "type": type(id).__name__}


def show_converted(req: Request, id: Annotated[int, Meta(le=1000)]) -> dict[str, object]:
    return {"id": id}


def big(id: Annotated[int, Meta(ge=1, le=2**63 - 1)]) -> dict[str, int]:
    return {"id": id}


client = TestClient(App([
    get("/scalars", scalars), get("/paged", paged), get("/tagged", tagged), get("/headers", headers),
    get("/cookies", cookies), get("/grouped", grouped), get("/items/{id}", show),
    get("/conv/{id:int}", show_converted), get("/big/{id}", big),
]))

FULL = {
    "s": "x", "i": "3", "f": "1.5", "b": "true", "d": "1.10", "u": str(uuid.UUID(int=5)),
    "day": "2024-02-29", "at": "2024-01-01T10:00:00", "c": "red", "lit": "b",
}


def test_every_scalar_type_is_a_query_param_converted_by_msgspec() -> None:
    resp = client.get("/scalars", params=FULL)
    assert resp.status_code == 200
    body = resp.json()
    assert body["types"] == ["str", "int", "float", "bool", "Decimal", "UUID", "date", "datetime", "Color"]
    assert (body["i"], body["f"], body["b"], body["d"], body["opt"]) == (3, 1.5, True, "1.10", None)
    assert client.get("/scalars", params={**FULL, "opt": "7"}).json()["opt"] == 7


def test_every_failing_parameter_is_listed_in_one_422() -> None:
    resp = client.get("/scalars", params={**FULL, "i": "x", "b": "maybe", "lit": "z", "s": None})
    assert resp.status_code == 422
    locs = [e["loc"] for e in resp.json()["detail"]]
    assert locs == [["query", "i"], ["query", "b"], ["query", "lit"]]
    missing = client.get("/scalars").json()["detail"]
    assert {tuple(e["loc"]) for e in missing} == {("query", k) for k in FULL}
    assert all(e["type"] == "missing" and e["msg"] == "Field required" for e in missing)


def test_defaults_constraints_and_aliases() -> None:
    assert client.get("/paged").json() == {"limit": 10, "page_size": 20}
    assert client.get("/paged?limit=5&page-size=7").json() == {"limit": 5, "page_size": 7}
    bad = client.get("/paged?limit=0&page-size=x")
    assert bad.status_code == 422
    assert bad.json() == {"detail": [
        {"loc": ["query", "limit"], "msg": "Expected `int` >= 1", "type": "validation_error"},
        {"loc": ["query", "page-size"], "msg": "Expected `int`, got `str`", "type": "validation_error"},
    ]}
    assert client.get("/paged?limit=101").json()["detail"][0]["msg"] == "Expected `int` <= 100"


def test_the_first_of_repeated_values_is_taken_for_a_scalar() -> None:
    assert client.get("/paged?limit=5&limit=6").json()["limit"] == 5


def test_lists_tuples_and_sets_read_a_repeated_key() -> None:
    assert client.get("/tagged").json() == {"tags": [], "ids": [], "kinds": None}
    resp = client.get("/tagged?tags=a&ids=1&tags=b&ids=2&kinds=red&kinds=blue&kinds=red")
    assert resp.json() == {"tags": ["a", "b"], "ids": [1, 2], "kinds": ["blue", "red"]}
    bad = client.get("/tagged?ids=1&ids=x")
    assert bad.json()["detail"][0]["loc"] == ["query", "ids", 1]


def test_percent_escapes_and_plus_are_decoded() -> None:
    assert client.get("/tagged?tags=a%20b&tags=c+d&t%61gs=e").json()["tags"] == ["a b", "c d", "e"]


def test_headers_by_name_alias_and_repeated() -> None:
    resp = client.get("/headers", headers=[("x-token", "t"), ("user-agent", "ua"), ("x-many", "1"), ("x-many", "2")])
    assert resp.json() == {"token": "t", "agent": "ua", "many": ["1", "2"]}
    missing = client.get("/headers")
    assert missing.status_code == 422
    assert missing.json()["detail"] == [{"loc": ["header", "x-token"], "msg": "Field required", "type": "missing"}]


def test_cookies_by_name_and_alias() -> None:
    resp = client.get("/cookies", headers={"cookie": "session_id=abc; ui-theme=dark"})
    assert resp.json() == {"session_id": "abc", "theme": "dark"}
    assert client.get("/cookies").json()["detail"][0]["loc"] == ["cookie", "session_id"]


def test_a_struct_with_query_reads_a_group_of_query_params() -> None:
    assert client.get("/grouped?q=pen&tags=a&tags=b").json() == {"q": "pen", "limit": 10, "tags": ["a", "b"]}
    assert client.get("/grouped").json()["detail"] == [{"loc": ["query", "q"], "msg": "Field required", "type": "missing"}]
    bad = client.get("/grouped?q=pen&limit=0").json()["detail"]
    assert bad == [{"loc": ["query", "limit"], "msg": "Expected `int` >= 1", "type": "validation_error"}]


def test_path_params_are_converted_by_their_annotation() -> None:
    assert client.get("/items/5").json() == {"id": 5, "type": "int"}
    resp = client.get("/items/abc")
    assert resp.status_code == 422
    assert resp.json()["detail"] == [{"loc": ["path", "id"], "msg": "Expected `int`, got `str`", "type": "validation_error"}]


def test_a_converter_keeps_its_404_and_the_annotation_still_validates() -> None:
    assert client.get("/conv/abc").status_code == 404
    assert client.get("/conv/7").json() == {"id": 7}
    assert client.get("/conv/1001").json()["detail"][0]["loc"] == ["path", "id"]


def test_an_integer_too_large_is_a_422_not_a_500() -> None:
    assert client.get("/big/99999999999999999999999").status_code == 422
    assert client.get("/big/0").status_code == 422
    assert client.get("/big/9").json() == {"id": 9}


def test_too_many_query_fields_is_a_400() -> None:
    resp = client.get("/tagged?" + "&".join(["t=a"] * 2_001))
    assert resp.status_code == 400
    assert client.get("/tagged?" + "&".join(["tags=a"] * 2_000)).json()["tags"] == ["a"] * 2_000


@pytest.mark.parametrize("annotation", [object, dict[str, int] | int, bytes])
def test_a_query_param_that_is_not_a_scalar_fails_at_build(annotation: object) -> None:
    from lette_fp import HandlerSignatureError

    def odd(x: Annotated[annotation, Query()]) -> None:  # type: ignore[valid-type]
        return None

    with pytest.raises(HandlerSignatureError, match="odd: parameter 'x'"):
        App([get("/", odd)])


def test_the_request_by_annotation_at_any_position_and_no_request_at_all() -> None:
    def late(q: str, request: Request) -> list[str]:
        return [q, request.path]

    def none_at_all(q: str) -> str:
        return q

    api = TestClient(App([get("/late", late), get("/none", none_at_all)]))
    assert api.get("/late?q=x").json() == ["x", "/late"]
    assert api.get("/none?q=y").json() == "y"


def test_a_query_param_with_a_described_meta_is_converted_and_checked() -> None:
    def page(limit: Annotated[int, Meta(ge=1, description="How many at most")] = 10) -> dict[str, int]:
        return {"limit": limit}

    client = TestClient(App([get("/", page)]))
    assert client.get("/?limit=5").json() == {"limit": 5}
    assert client.get("/?limit=0").json()["detail"][0]["loc"] == ["query", "limit"]
