"""Responses: from the return annotation with the route's status, the 422 where validation can
fail (with the shape lette_fp really sends), and declared ones."""

from typing import Annotated

import msgspec

from lette_fp import App, Response, get, mount, post, text
from lette_fp.openapi import HTTPValidationError
from lette_fp.testing import TestClient

from .helpers import document, operation, resolve


class Item(msgspec.Struct):
    id: int
    name: str


class NotFound(msgspec.Struct):
    detail: str


def test_the_return_annotation_is_the_json_response_with_the_routes_status() -> None:
    def create(item: Item) -> Item: ...

    def listing(req) -> list[Item]: ...

    doc = document([post("/items", create, status=201), get("/items", listing)])
    created = doc["paths"]["/items"]["post"]["responses"]
    assert list(created) == ["201", "422", "400"]
    assert created["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}
    listed = doc["paths"]["/items"]["get"]["responses"]
    assert listed["200"]["content"]["application/json"]["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}


def test_none_is_no_content_and_optional_values_add_a_204() -> None:
    def remove(id: int) -> None: ...

    def gone(id: int) -> None: ...

    def maybe(req) -> Item | None: ...

    doc = document([get("/r/{id}", remove), get("/g/{id}", gone, status=202), get("/m", maybe)])
    assert doc["paths"]["/r/{id}"]["get"]["responses"]["204"] == {"description": "No Content"}
    assert "content" not in doc["paths"]["/g/{id}"]["get"]["responses"]["202"]
    assert set(doc["paths"]["/m"]["get"]["responses"]) == {"200", "204"}


def test_a_response_or_no_annotation_documents_the_status_without_a_schema() -> None:
    def page(req) -> Response:
        return text("hi")

    def bare(req):
        return text("hi")

    doc = document([get("/p", page), get("/b", bare)])
    assert doc["paths"]["/p"]["get"]["responses"] == {"200": {"description": "OK"}}
    assert doc["paths"]["/b"]["get"]["responses"] == {"200": {"description": "OK"}}


def test_the_422_is_listed_only_where_a_parameter_can_fail() -> None:
    def free(req, q: str = "", name: str | None = None): ...

    def typed(limit: int = 10): ...

    def required(q: str): ...

    def path_str(req, slug: str): ...

    doc = document([get("/free", free), get("/typed", typed), get("/required", required), get("/s/{slug}", path_str)])
    assert "422" not in doc["paths"]["/free"]["get"]["responses"]
    assert "422" in doc["paths"]["/typed"]["get"]["responses"]
    assert "422" in doc["paths"]["/required"]["get"]["responses"]
    assert "422" not in doc["paths"]["/s/{slug}"]["get"]["responses"]


def test_the_422_schema_describes_what_a_failing_request_gets() -> None:
    def search(limit: Annotated[int, msgspec.Meta(ge=1)], item: Item) -> Item: ...

    routes = [post("/search", search)]
    doc = document(routes)
    error_schema = resolve(doc, doc["paths"]["/search"]["post"]["responses"]["422"]["content"]["application/json"]["schema"])
    assert error_schema["required"] == ["detail"]
    entry = resolve(doc, error_schema["properties"]["detail"]["items"])
    assert entry["required"] == ["loc", "msg", "type"]

    answer = TestClient(App(routes)).post("/search?limit=0", json={"id": "x", "name": "n"})
    assert answer.status_code == 422
    for item in answer.json()["detail"]:
        assert set(item) == {"loc", "msg", "type"}
        assert all(isinstance(part, str | int) for part in item["loc"]) and isinstance(item["msg"], str)
    msgspec.json.decode(answer.content, type=HTTPValidationError)


def test_declared_responses_are_added_and_mount_ones_apply_inside() -> None:
    def show(id: int) -> Item: ...

    routes = [mount("/api", [
        get("/items/{id}", show, responses={404: NotFound, 409: "Being edited", 410: None,
                                            418: {"description": "A teapot", "model": NotFound}}),
    ], responses={401: NotFound})]
    responses = operation(routes, "/api/items/{id}")["responses"]
    assert list(responses) == ["200", "422", "401", "404", "409", "410", "418"]
    assert responses["404"] == {"description": "Not Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotFound"}}}}
    assert responses["409"] == {"description": "Being edited"}
    assert responses["410"] == {"description": "Gone"}
    assert responses["418"]["description"] == "A teapot"


def test_an_operation_with_a_body_documents_the_400_lette_fp_answers_for_a_malformed_one() -> None:
    def create(item: Item) -> Item:
        return item

    def listing(req) -> list[Item]:
        return []

    app = App([post("/items", create, status=201), get("/items", listing)])
    doc = document(app.routes)
    bad = resolve(doc, doc["paths"]["/items"]["post"]["responses"]["400"]["content"]["application/json"]["schema"])
    assert (bad["properties"], bad["required"]) == ({"detail": {"type": "string"}}, ["detail"])
    assert "400" not in doc["paths"]["/items"]["get"]["responses"]
    client = TestClient(app)
    for sent in (b"", b"{not json"):
        answer = client.post("/items", content=sent, headers={"content-type": "application/json"})
        assert answer.status_code == 400 and isinstance(answer.json()["detail"], str)
