"""pydantic v2 models wherever msgspec types go: the JSON body, a query group, a returned value and
the return annotation, providers too; the 422 in lette_fp's shape with pydantic's locations; and
pydantic's validators, aliases and serialization behaving as pydantic users expect."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import msgspec
import pydantic
import pytest
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from lette_fp import App, Depends, Form, HandlerSignatureError, Query, get, post
from lette_fp.contrib.pydantic import KIND, MAX_LISTED_ERRORS, errors_of, mentions_model
from lette_fp.params import ReturnValueError
from lette_fp.params.models import model_kind
from lette_fp.testing import AsyncTestClient, TestClient


class Part(BaseModel):
    sku: str
    price: float = Field(gt=0)


class Order(BaseModel):
    customer: str
    quantity: int = Field(ge=1)
    parts: list[Part] = []
    note: str | None = None


class Signup(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    user_name: str = Field(alias="userName")
    email: str

    @field_validator("email")
    @classmethod
    def lower_email(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError("not an email address")
        return value.lower()

    @model_validator(mode="after")
    def not_admin(self) -> Signup:
        if self.user_name == "admin":
            raise ValueError("admin is reserved")
        return self


class Filters(BaseModel):
    q: str
    page_size: int = Field(10, alias="page-size", ge=1, le=100)
    tags: list[int] = []
    exact: bool = False


class UserOut(BaseModel):
    id: int
    display: str = Field(serialization_alias="displayName")


class UserRow(BaseModel):
    id: int
    display: str
    password_hash: str


class Row:
    """An ORM-like object: attributes, not a dict."""

    def __init__(self, id: int, display: str, password_hash: str) -> None:
        self.id = id
        self.display = display
        self.password_hash = password_hash


class Rectangle(BaseModel):
    width: int
    height: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def area(self) -> int:
        return self.width * self.height


@pydantic.dataclasses.dataclass
class Point:
    x: int
    y: int


def create_order(order: Order) -> Order:
    return order


def signup(body: Signup) -> dict[str, str]:
    return {"user_name": body.user_name, "email": body.email}


def create_many(orders: list[Order]) -> dict[str, int]:
    return {"count": len(orders), "quantity": sum(o.quantity for o in orders)}


def maybe(order: Order | None = None) -> dict[str, Any]:
    return {"order": None if order is None else order.customer}


def search(filters: Annotated[Filters, Query()], limit: int = 5) -> dict[str, Any]:
    return {**filters.model_dump(), "limit": limit}


def show_user() -> UserOut:
    return UserRow(id=1, display="Ann", password_hash="$2b$")  # type: ignore[return-value]


def show_row() -> UserOut:
    return Row(2, "Bob", "$2b$")  # type: ignore[return-value]


def show_dict() -> UserOut:
    return {"id": 3, "display": "Cy", "password_hash": "x"}  # type: ignore[return-value]


def list_users() -> list[UserOut]:
    return [Row(4, "Di", "x"), UserRow(id=5, display="Ed", password_hash="y")]  # type: ignore[list-item]


def bad_user() -> UserOut:
    return {"id": "not a number"}  # type: ignore[return-value]


def plain_model():  # type: ignore[no-untyped-def]
    return UserOut(id=6, display="Flo")


def nested_models():  # type: ignore[no-untyped-def]
    return {"users": [UserOut(id=7, display="Gus")], "shape": Rectangle(width=2, height=3)}


def nothing() -> UserOut | None:
    return None


def rectangle() -> Rectangle:
    return Rectangle(width=3, height=4)


def point(p: Point) -> Point:
    return Point(p.y, p.x)


def order_total(order: Order) -> float:
    return sum(p.price for p in order.parts) * order.quantity


def total(value: Annotated[float, Depends(order_total)]) -> dict[str, float]:
    return {"total": value}


app = App([
    post("/orders", create_order, status=201),
    post("/signup", signup),
    post("/orders/many", create_many),
    post("/maybe", maybe),
    get("/search", search),
    get("/user", show_user),
    get("/row", show_row),
    get("/dict", show_dict),
    get("/users", list_users),
    get("/bad", bad_user),
    get("/plain", plain_model),
    get("/nested", nested_models),
    get("/nothing", nothing),
    get("/rectangle", rectangle),
    post("/point", point),
    post("/total", total),
])
client = TestClient(app)

ORDER = {"customer": "ann", "quantity": 2, "parts": [{"sku": "a1", "price": 1.5}]}


# ---- the JSON body ---------------------------------------------------------------------------

async def test_a_model_body_is_validated_and_returned_with_the_route_status() -> None:
    async with AsyncTestClient(app) as ac:
        resp = await ac.post("/orders", json=ORDER)
    assert resp.status_code == 201
    assert resp.json() == {**ORDER, "note": None}


def test_every_bad_body_field_is_listed_with_its_pydantic_location() -> None:
    resp = client.post("/orders", json={"quantity": 0, "parts": [{"sku": "a"}, {"sku": 5, "price": -1}]})
    assert resp.status_code == 422
    assert resp.json() == {"detail": [
        {"loc": ["body", "customer"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "quantity"], "msg": "Input should be greater than or equal to 1", "type": "validation_error"},
        {"loc": ["body", "parts", 0, "price"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "parts", 1, "sku"], "msg": "Input should be a valid string", "type": "validation_error"},
        {"loc": ["body", "parts", 1, "price"], "msg": "Input should be greater than 0", "type": "validation_error"},
    ]}


class Quantity(msgspec.Struct):
    quantity: int


def take_quantity(item: Quantity) -> None:
    return None


def test_the_422_entries_have_exactly_the_keys_of_the_msgspec_422() -> None:
    msgspec_entry = TestClient(App([post("/s", take_quantity)])).post("/s", json={"quantity": "x"}).json()["detail"][0]
    pydantic_entry = client.post("/orders", json={**ORDER, "quantity": "x"}).json()["detail"][0]
    assert set(pydantic_entry) == set(msgspec_entry) == {"loc", "msg", "type"}
    assert pydantic_entry["loc"] == msgspec_entry["loc"] == ["body", "quantity"]


def test_a_body_of_the_wrong_json_type_is_a_422_at_the_body() -> None:
    resp = client.post("/orders", json=[1, 2])
    assert resp.status_code == 422
    assert resp.json() == {"detail": [{"loc": ["body"], "msg": "Input should be an object", "type": "validation_error"}]}


def test_malformed_empty_and_non_json_bodies_are_the_same_4xx_as_for_msgspec() -> None:
    malformed = client.post("/orders", content=b'{"customer": ', headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    assert malformed.json()["detail"].startswith("Malformed JSON: ")
    empty = client.post("/orders", content=b"", headers={"content-type": "application/json"})
    assert (empty.status_code, empty.json()) == (400, {"detail": "Expected a JSON body; the request body is empty"})
    form = client.post("/orders", data={"customer": "ann"})
    assert form.status_code == 415


def test_json_nested_too_deeply_is_a_400_not_a_500() -> None:
    resp = client.post("/orders", content=b"[" * 100_000, headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["detail"].startswith("Malformed JSON: ")


def test_a_body_with_thousands_of_bad_items_is_one_bounded_entry() -> None:
    parts = [{"sku": i, "price": 1} for i in range(5_000)]
    resp = client.post("/orders", json={**ORDER, "parts": parts})
    assert resp.status_code == 422
    assert resp.json() == {"detail": [{
        "loc": ["body"],
        "msg": f"5000 validation errors, more than the {MAX_LISTED_ERRORS} a response lists",
        "type": "validation_error",
    }]}


def test_validators_and_aliases_behave_as_in_pydantic() -> None:
    ok = client.post("/signup", json={"userName": "ann", "email": "Ann@Example.com"})
    assert ok.json() == {"user_name": "ann", "email": "ann@example.com"}
    by_name = client.post("/signup", json={"user_name": "bob", "email": "b@x"})  # populate_by_name
    assert by_name.status_code == 200
    bad = client.post("/signup", json={"userName": "cy", "email": "nope"})
    assert bad.json() == {"detail": [
        {"loc": ["body", "email"], "msg": "Value error, not an email address", "type": "validation_error"},
    ]}
    reserved = client.post("/signup", json={"userName": "admin", "email": "a@x"})
    assert reserved.json() == {"detail": [{"loc": ["body"], "msg": "Value error, admin is reserved", "type": "validation_error"}]}
    missing = client.post("/signup", json={"email": "a@x"})
    assert missing.json()["detail"] == [{"loc": ["body", "userName"], "msg": "Field required", "type": "missing"}]


def test_a_list_of_models_is_the_body_and_locations_start_with_the_index() -> None:
    assert client.post("/orders/many", json=[ORDER, ORDER]).json() == {"count": 2, "quantity": 4}
    resp = client.post("/orders/many", json=[ORDER, {**ORDER, "quantity": "many"}])
    assert resp.json()["detail"] == [{
        "loc": ["body", 1, "quantity"],
        "msg": "Input should be a valid integer, unable to parse string as an integer",
        "type": "validation_error",
    }]


def test_a_model_body_is_read_within_the_kinds_cap_and_the_cap_can_be_lifted(monkeypatch: pytest.MonkeyPatch) -> None:
    from lette_fp.contrib.pydantic import BODY_LIMIT

    many = [ORDER] * (BODY_LIMIT // len(msgspec.json.encode(ORDER)) + 10)
    refused = client.post("/orders/many", json=many)
    assert (refused.status_code, refused.json()) == (413, {"detail": f"Request body over the limit of {BODY_LIMIT} bytes"})
    monkeypatch.setattr(KIND, "body_limit", None)
    lifted = TestClient(App([post("/orders/many", create_many)])).post("/orders/many", json=many)
    assert lifted.json()["count"] == len(many)


def test_an_optional_model_body_with_a_default() -> None:
    assert client.post("/maybe").json() == {"order": None}
    assert client.post("/maybe", json=ORDER).json() == {"order": "ann"}


def test_a_pydantic_dataclass_is_validated_by_pydantic() -> None:
    assert client.post("/point", json={"x": "1", "y": 2}).json() == {"x": 2, "y": 1}
    assert client.post("/point", json={"x": "one", "y": 2}).json()["detail"][0]["loc"] == ["body", "x"]


async def test_a_provider_takes_a_model_body_like_a_handler() -> None:
    async with AsyncTestClient(app) as ac:
        resp = await ac.post("/total", json={**ORDER, "parts": [{"sku": "a", "price": 2.0}, {"sku": "b", "price": 0.5}]})
        bad = await ac.post("/total", json={"customer": "ann", "quantity": 0})
    assert resp.json() == {"total": 5.0}
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "quantity"]


# ---- a query group ---------------------------------------------------------------------------

async def test_a_model_query_group_reads_its_fields_by_alias() -> None:
    async with AsyncTestClient(app) as ac:
        resp = await ac.get("/search?q=pens&page-size=20&tags=1&tags=2&exact=true")
    assert resp.json() == {"q": "pens", "page_size": 20, "tags": [1, 2], "exact": True, "limit": 5}
    assert client.get("/search?q=x").json() == {"q": "x", "page_size": 10, "tags": [], "exact": False, "limit": 5}


def test_every_bad_query_param_is_listed_the_group_and_the_others() -> None:
    resp = client.get("/search?page-size=0&tags=1&tags=two&limit=x")
    assert resp.status_code == 422
    assert resp.json() == {"detail": [
        {"loc": ["query", "q"], "msg": "Field required", "type": "missing"},
        {"loc": ["query", "page-size"], "msg": "Input should be greater than or equal to 1", "type": "validation_error"},
        {"loc": ["query", "tags", 1], "msg": "Input should be a valid integer, unable to parse string as an integer",
         "type": "validation_error"},
        {"loc": ["query", "limit"], "msg": "Expected `int`, got `str`", "type": "validation_error"},
    ]}


class Paging(BaseModel):
    page: int = Field(1, validation_alias=AliasChoices("page", "p"))


def pages(paging: Annotated[Paging, Query()]) -> int:
    return paging.page


def test_a_group_field_with_choices_of_aliases_reads_its_name() -> None:
    assert TestClient(App([get("/p", pages)])).get("/p?page=3").json() == 3


# ---- returned values and the return annotation -----------------------------------------------

def test_the_return_annotation_filters_a_larger_model_an_object_and_a_dict() -> None:
    assert client.get("/user").json() == {"id": 1, "displayName": "Ann"}
    assert client.get("/row").json() == {"id": 2, "displayName": "Bob"}
    assert client.get("/dict").json() == {"id": 3, "displayName": "Cy"}


async def test_a_list_of_models_as_the_return_annotation() -> None:
    async with AsyncTestClient(app) as ac:
        resp = await ac.get("/users")
    assert resp.json() == [{"id": 4, "displayName": "Di"}, {"id": 5, "displayName": "Ed"}]
    assert resp.headers["content-type"] == "application/json"


def test_a_value_that_does_not_fit_the_annotation_is_a_500_naming_the_handler() -> None:
    resp = TestClient(app, raise_server_exceptions=False).get("/bad")
    assert resp.status_code == 500
    with pytest.raises(ReturnValueError, match="bad_user returned dict, which does not convert to its return annotation"):
        client.get("/bad")


def test_a_returned_model_is_json_wherever_it_sits_in_the_value() -> None:
    assert client.get("/plain").json() == {"id": 6, "displayName": "Flo"}
    assert client.get("/nested").json() == {
        "users": [{"id": 7, "displayName": "Gus"}],
        "shape": {"width": 2, "height": 3, "area": 6},
    }


def test_none_is_204_and_computed_fields_are_sent() -> None:
    assert client.get("/nothing").status_code == 204
    assert client.get("/rectangle").json() == {"width": 3, "height": 4, "area": 12}


def test_a_value_neither_msgspec_nor_pydantic_encodes_is_still_a_500() -> None:
    class Opaque:
        pass

    def opaque():  # type: ignore[no-untyped-def]
        return {"x": Opaque()}

    with pytest.raises(ReturnValueError, match="can't be encoded as JSON"):
        TestClient(App([get("/o", opaque)])).get("/o")


# ---- the kind itself -------------------------------------------------------------------------

def test_the_kind_claims_models_and_annotations_holding_them_only() -> None:
    assert model_kind(Order) is KIND
    for annotation in (list[Order], Order | None, dict[str, Part], Annotated[Order, "doc"], Point):
        assert mentions_model(annotation), annotation
    for annotation in (int, list[int], dict[str, Any], msgspec.Struct, dataclasses.make_dataclass("D", ["a"])):
        assert not mentions_model(annotation), annotation
    assert model_kind(list[int]) is None


def test_errors_of_maps_missing_and_everything_else() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Order.model_validate({"quantity": "x"})
    assert errors_of(info.value) == [
        {"loc": ["customer"], "msg": "Field required", "type": "missing"},
        {"loc": ["quantity"], "msg": "Input should be a valid integer, unable to parse string as an integer",
         "type": "validation_error"},
    ]


class Nested(BaseModel):
    inner: Part


class WithUrl(BaseModel):
    home: pydantic.HttpUrl


def nested_group(group: Annotated[Nested, Query()]) -> None:
    return None


def url_group(group: Annotated[WithUrl, Query()]) -> None:
    return None


@pytest.mark.parametrize("endpoint", [nested_group, url_group])
def test_a_group_field_that_is_not_a_scalar_is_refused_when_the_app_is_built(endpoint: Any) -> None:
    with pytest.raises(HandlerSignatureError, match="a query parameter must be a scalar or a list of scalars"):
        App([get("/g", endpoint)])


class Named(BaseModel):
    name: Annotated[str, pydantic.StringConstraints(pattern=r"^[a-z]+$")]


def named(group: Annotated[Named, Query()]) -> str:
    return group.name


def test_a_group_field_with_constraints_in_annotated_is_a_scalar() -> None:
    client = TestClient(App([get("/n", named)]))
    assert client.get("/n?name=abc").json() == "abc"
    assert client.get("/n?name=ABC").json()["detail"][0]["loc"] == ["query", "name"]


class Summary(msgspec.Struct):
    id: int
    displayName: str


def as_struct() -> Summary:
    return UserOut(id=8, display="Hal")  # type: ignore[return-value]


def as_dicts() -> list[dict[str, Any]]:
    return [UserOut(id=9, display="Ida")]  # type: ignore[list-item]


def test_a_model_returned_under_a_msgspec_annotation_converts_from_what_pydantic_sends() -> None:
    converting = TestClient(App([get("/struct", as_struct), get("/dicts", as_dicts)]))
    assert converting.get("/struct").json() == {"id": 8, "displayName": "Hal"}
    assert converting.get("/dicts").json() == [{"id": 9, "displayName": "Ida"}]


class FormModel(BaseModel):
    a: int


def form_model(body: Annotated[FormModel, Form()]) -> None:
    return None


def test_a_model_as_a_form_is_refused_when_the_app_is_built() -> None:
    with pytest.raises(HandlerSignatureError, match="a form parameter must be a Struct"):
        App([post("/f", form_model)])
