"""pydantic models in the OpenAPI document: their JSON Schema is pydantic's own, their definitions
join msgspec's in the same components, and the document still validates against OpenAPI 3.1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import msgspec
from pydantic import BaseModel, Field, computed_field

from lette_fp import Query, get, post
from lette_fp.openapi.components import schemas_for

from .helpers import document, resolve


class Part(BaseModel):
    sku: str
    price: float = Field(gt=0, description="In euros")


class Order(BaseModel):
    customer: str = Field(alias="customerName")
    parts: list[Part] = []


class Filters(BaseModel):
    q: str
    page_size: int = Field(10, alias="page-size")
    tags: list[str] = []


class Item(msgspec.Struct):
    """A msgspec Struct whose name a pydantic model below shares."""

    id: int


def _pydantic_item() -> type[BaseModel]:
    class Item(BaseModel):
        label: str

    return Item


PItem = _pydantic_item()


class PydanticItemHolder(BaseModel):
    item: PItem  # type: ignore[valid-type]


class Opaque(BaseModel):
    call: Callable[[], int]


def create(order: Order) -> Order:
    return order


def orders() -> list[Order]:
    return []


def search(filters: Annotated[Filters, Query()]) -> list[str]:
    return []


def struct_item() -> Item:
    return Item(1)


def opaque() -> Opaque:
    return Opaque(call=lambda: 1)


def test_a_model_body_and_return_annotation_are_pydantic_schemas_in_the_components() -> None:
    doc = document([post("/orders", create, status=201), get("/orders", orders)])
    op = doc["paths"]["/orders"]["post"]
    body = op["requestBody"]
    assert body["required"] is True
    order = resolve(doc, body["content"]["application/json"]["schema"])
    assert order["properties"]["customerName"] == {"title": "Customername", "type": "string"}
    assert order["required"] == ["customerName"]
    assert order["properties"]["parts"]["items"] == {"$ref": "#/components/schemas/Part"}
    part = doc["components"]["schemas"]["Part"]
    assert part["properties"]["price"] == {"description": "In euros", "exclusiveMinimum": 0, "title": "Price", "type": "number"}
    created = op["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/Order"}
    assert "422" in op["responses"]
    listed = doc["paths"]["/orders"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed == {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}


def test_a_model_query_group_is_one_parameter_per_field_by_alias() -> None:
    doc = document([get("/search", search)])
    params = {p["name"]: p for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert list(params) == ["q", "page-size", "tags"]
    assert params["q"]["required"] is True
    assert params["page-size"]["required"] is False
    assert params["page-size"]["schema"] == {"type": "integer", "default": 10}
    assert params["tags"]["schema"] == {"type": "array", "items": {"type": "string"}, "default": []}


def test_a_pydantic_definition_named_like_a_struct_is_renamed_with_its_references() -> None:
    doc = document([get("/struct", struct_item), get("/holder", holder)])
    components = doc["components"]["schemas"]
    assert components["Item"]["properties"] == {"id": {"type": "integer"}}
    holder_schema = components["PydanticItemHolder"]
    ref = holder_schema["properties"]["item"]["$ref"]
    assert ref != "#/components/schemas/Item"
    assert resolve(doc, {"$ref": ref})["properties"] == {"label": {"title": "Label", "type": "string"}}


def holder() -> PydanticItemHolder:
    return PydanticItemHolder(item=PItem(label="x"))


def test_a_model_pydantic_has_no_schema_for_is_left_without_content() -> None:
    doc = document([get("/opaque", opaque)])
    assert doc["paths"]["/opaque"]["get"]["responses"]["200"] == {"description": "OK"}


def test_schemas_for_keeps_the_order_of_mixed_types() -> None:
    schemas, components = schemas_for([Item, Order, int, list[Part]])
    assert schemas == [
        {"$ref": "#/components/schemas/Item"},
        {"$ref": "#/components/schemas/Order"},
        {"type": "integer"},
        {"type": "array", "items": {"$ref": "#/components/schemas/Part"}},
    ]
    assert set(components) == {"Item", "Order", "Part"}


class Profile(BaseModel):
    user_name: str = Field(validation_alias="userName", serialization_alias="user")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def shout(self) -> str:
        return self.user_name.upper()


def update_profile(profile: Profile) -> Profile:
    return profile


def test_a_response_is_described_as_pydantic_sends_it_and_a_body_as_it_reads_it() -> None:
    from lette_fp import App
    from lette_fp.testing import TestClient

    routes = [post("/profile", update_profile)]
    doc = document(routes)
    op = doc["paths"]["/profile"]["post"]
    read = resolve(doc, op["requestBody"]["content"]["application/json"]["schema"])
    sent = resolve(doc, op["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(read["properties"]) == {"userName"}
    assert set(sent["properties"]) == {"user", "shout"}
    answer = TestClient(App(routes)).post("/profile", json={"userName": "ann"}).json()
    assert set(answer) == set(sent["properties"])
