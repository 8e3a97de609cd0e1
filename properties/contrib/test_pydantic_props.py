"""A pydantic model and the equivalent msgspec Struct are interchangeable to a client: for
generated JSON bodies (valid, or with one field made wrong or left out) and generated query
strings, the two routes give the same status, the same JSON when valid, and 422s naming the same
places (msgspec names a missing field in its message, pydantic in `loc`). And no body, JSON or
not, makes a pydantic route answer anything but 200, 400 or 422."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
import pydantic
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Query, get, post
from lette_fp.testing import TestClient


class LineS(msgspec.Struct):
    sku: str
    qty: int
    tags: list[str] = []


class OrderS(msgspec.Struct):
    customer: str
    lines: list[LineS]
    priority: int = 0


class LineP(pydantic.BaseModel):
    sku: str
    qty: int
    tags: list[str] = []


class OrderP(pydantic.BaseModel):
    customer: str
    lines: list[LineP]
    priority: int = 0


class FiltersS(msgspec.Struct):
    q: str
    limit: int = 10
    tags: list[int] = []


class FiltersP(pydantic.BaseModel):
    q: str
    limit: int = 10
    tags: list[int] = []


def echo_s(order: OrderS) -> OrderS:
    return order


def echo_p(order: OrderP) -> OrderP:
    return order


def search_s(filters: Annotated[FiltersS, Query()]) -> FiltersS:
    return filters


def search_p(filters: Annotated[FiltersP, Query()]) -> FiltersP:
    return filters


client = TestClient(App([post("/s", echo_s), post("/p", echo_p), get("/s", search_s), get("/p", search_p)]))

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=5)
INTS = st.integers(-(2**53), 2**53)
WRONG = {
    "str": st.sampled_from([5, [], {}, None]),
    "int": st.sampled_from(["x", [], {}, None, 1.5]),
    "list": st.sampled_from(["x", 5, {}, None]),
    "object": st.sampled_from(["x", 5, [], None]),
}
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")


@st.composite
def line(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"sku": draw(TEXT), "qty": draw(INTS)}
    if draw(st.booleans()):
        out["tags"] = draw(st.lists(TEXT, max_size=3))
    return out


@st.composite
def order(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"customer": draw(TEXT), "lines": draw(st.lists(line(), max_size=3))}
    if draw(st.booleans()):
        out["priority"] = draw(INTS)
    return out


def places(doc: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """Every `(path, kind, required)` in a valid order document."""
    out: list[tuple[tuple[str | int, ...], str, bool]] = [(("customer",), "str", True), (("lines",), "list", True)]
    if "priority" in doc:
        out.append((("priority",), "int", False))
    for i, item in enumerate(doc["lines"]):
        out += [(("lines", i), "object", False), (("lines", i, "sku"), "str", True), (("lines", i, "qty"), "int", True)]
        if "tags" in item:
            out.append((("lines", i, "tags"), "list", False))
            out += [(("lines", i, "tags", j), "str", False) for j in range(len(item["tags"]))]
    return out


def normalized(entry: dict[str, Any]) -> list[Any]:
    found = _MISSING.match(entry["msg"])
    return [*entry["loc"], found.group("name")] if found else list(entry["loc"])


@settings(max_examples=150, deadline=None)
@given(order())
def test_a_valid_body_round_trips_the_same_through_both(doc: dict[str, Any]) -> None:
    by_struct = client.post("/s", json=doc)
    by_model = client.post("/p", json=doc)
    assert by_struct.status_code == by_model.status_code == 200
    assert by_struct.json() == by_model.json()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_one_bad_or_missing_field_is_a_422_at_the_same_place_from_both(data: st.DataObject) -> None:
    doc = data.draw(order())
    path, kind, required = data.draw(st.sampled_from(places(doc)))
    *parent_path, last = path
    parent: Any = doc
    for step in parent_path:
        parent = parent[step]
    if required and isinstance(last, str) and data.draw(st.booleans()):
        del parent[last]
    else:
        parent[last] = data.draw(WRONG[kind])
    by_struct = client.post("/s", json=doc)
    by_model = client.post("/p", json=doc)
    assert by_struct.status_code == by_model.status_code == 422
    (struct_entry,) = by_struct.json()["detail"]
    (model_entry,) = by_model.json()["detail"]
    assert normalized(struct_entry) == model_entry["loc"] == ["body", *path]
    assert set(model_entry) == set(struct_entry)


INT_TEXT = INTS.map(str) | st.sampled_from(["x", "", "1.5", "ten"])


@settings(max_examples=150, deadline=None)
@given(TEXT, st.none() | INT_TEXT, st.lists(INT_TEXT, max_size=3))
def test_a_query_group_names_the_same_bad_params_from_both(q: str, limit: str | None, tags: list[str]) -> None:
    pairs = [("q", q), *([("limit", limit)] if limit is not None else []), *(("tags", t) for t in tags)]
    query = urlencode(pairs)
    by_struct = client.get(f"/s?{query}")
    by_model = client.get(f"/p?{query}")
    assert by_struct.status_code == by_model.status_code
    if by_struct.status_code == 200:
        assert by_struct.json() == by_model.json()
    else:
        assert by_struct.status_code == 422
        names = {tuple(e["loc"][:2]) for e in by_struct.json()["detail"]}
        assert names == {tuple(e["loc"][:2]) for e in by_model.json()["detail"]}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | INTS | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["customer", "lines", "sku", "qty", "x"]) | TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64) | JSON_VALUES.map(lambda v: msgspec.json.encode(v)))
def test_no_body_makes_a_pydantic_route_fail_with_a_5xx(body: bytes) -> None:
    resp = client.post("/p", content=body, headers={"content-type": "application/json"})
    assert resp.status_code in (200, 400, 422), resp.text
    if resp.status_code == 422:
        assert all(set(entry) == {"loc", "msg", "type"} and entry["loc"][0] == "body" for entry in resp.json()["detail"])
