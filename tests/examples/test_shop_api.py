from collections.abc import Iterator
from typing import Any

import pytest

from examples.shop_api import create_app
from examples.shop_api.models import ProductIn
from examples.shop_api.store import convert
from lette_fp.testing import TestClient

KEY = {"x-api-key": "secret"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(api_key="secret")) as client:
        yield client


def skus(resp: Any) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [p["sku"] for p in resp.json()["items"]]


def test_search_by_words_tags_price_and_stock(client: TestClient) -> None:
    assert skus(client.get("/products")) == ["PAD-0001", "INK-0001", "PEN-0001"]
    assert skus(client.get("/products", params={"q": "PEN fountain"})) == ["PEN-0001"]
    assert skus(client.get("/products", params=[("tag", "office"), ("tag", "writing")])) == ["PEN-0001"]
    assert skus(client.get("/products", params={"tag": "writing", "in_stock": "true"})) == ["PEN-0001"]
    assert skus(client.get("/products", params={"min_price": 700, "max_price": 2000})) == ["INK-0001"]
    assert skus(client.get("/products", params={"sort": "-price"})) == ["PEN-0001", "INK-0001", "PAD-0001"]


def test_pages_carry_the_total(client: TestClient) -> None:
    page = client.get("/products", params={"sort": "price", "limit": 2, "offset": 1}).json()
    assert ([p["sku"] for p in page["items"]], page["total"], page["limit"], page["offset"]) == (["INK-0001", "PEN-0001"], 3, 2, 1)
    assert client.get("/products", params={"offset": 3}).json()["items"] == []


def test_prices_follow_the_currency_cookie(client: TestClient) -> None:
    assert client.get("/products/PEN-0001").json()["price"] == {"cents": 2450, "currency": "EUR"}
    assert client.get("/products/PEN-0001", headers={"cookie": "currency=USD"}).json()["price"] == {"cents": 2646, "currency": "USD"}
    in_pounds = client.get("/products", params={"max_price": 600}, headers={"cookie": "currency=GBP"}).json()
    assert [(p["sku"], p["price"]["cents"]) for p in in_pounds["items"]] == [("PAD-0001", 587)]
    assert convert(1, "GBP").cents == 1 and convert(0, "USD").cents == 0


def test_a_quote_prices_the_whole_quantity_or_is_409_past_the_stock(client: TestClient) -> None:
    quote = client.get("/products/PEN-0001/quote", params={"quantity": 3}, headers={"cookie": "currency=GBP"}).json()
    assert quote == {"sku": "PEN-0001", "quantity": 3, "unit": {"cents": 2083, "currency": "GBP"}, "total": {"cents": 6248, "currency": "GBP"}}
    too_many = client.get("/products/PEN-0001/quote", params={"quantity": 13})
    assert (too_many.status_code, too_many.json()) == (409, {"detail": "Only 12 of PEN-0001 in stock"})


@pytest.mark.parametrize(("query", "headers", "loc"), [
    ("limit=0", {}, ["query", "limit"]),
    ("limit=51", {}, ["query", "limit"]),
    ("offset=-1", {}, ["query", "offset"]),
    ("tag=Office", {}, ["query", "tag", 0]),
    ("q=", {}, ["query", "q"]),
    ("sort=size", {}, ["query", "sort"]),
    ("in_stock=maybe", {}, ["query", "in_stock"]),
    ("", {"cookie": "currency=JPY"}, ["cookie", "currency"]),
])
def test_bad_search_parameters_are_422_naming_them(client: TestClient, query: str, headers: dict[str, str], loc: list[object]) -> None:
    resp = client.get(f"/products?{query}", headers=headers)
    assert resp.status_code == 422
    assert [e["loc"] for e in resp.json()["detail"]] == [loc]


def test_a_malformed_sku_is_422_and_an_unknown_one_404(client: TestClient) -> None:
    assert client.get("/products/pen-1").json()["detail"][0]["loc"] == ["path", "sku"]
    missing = client.get("/products/PEN-9999")
    assert (missing.status_code, missing.json()) == (404, {"detail": "No product PEN-9999"})


def test_writes_need_the_api_key(client: TestClient) -> None:
    new = {"sku": "MUG-0001", "name": "Mug", "price_cents": 900}
    absent = client.post("/products", json=new)
    assert (absent.status_code, absent.json()["detail"][0]["loc"]) == (422, ["header", "x-api-key"])
    for attempt in (client.post("/products", json=new, headers={"x-api-key": "guess"}),
                    client.patch("/products/PEN-0001/stock", json={"delta": 1}, headers={"x-api-key": "guess"}),
                    client.delete("/products/PEN-0001", headers={"x-api-key": "guess"})):
        assert attempt.status_code == 401
        assert attempt.headers["www-authenticate"] == "ApiKey"
    assert skus(client.get("/products")) == ["PAD-0001", "INK-0001", "PEN-0001"]


def test_create_restock_and_remove_a_product(client: TestClient) -> None:
    created = client.post("/products", json={"sku": "MUG-0001", "name": "Mug", "price_cents": 900, "tags": ["kitchen"]}, headers=KEY)
    assert created.status_code == 201
    assert created.json() == {"sku": "MUG-0001", "name": "Mug", "price": {"cents": 900, "currency": "EUR"}, "tags": ["kitchen"], "stock": 0}
    again = client.post("/products", json={"sku": "MUG-0001", "name": "Other", "price_cents": 1}, headers=KEY)
    assert (again.status_code, again.json()) == (409, {"detail": "Product MUG-0001 already exists"})

    assert client.patch("/products/MUG-0001/stock", json={"delta": 5}, headers=KEY).json()["stock"] == 5
    oversold = client.patch("/products/MUG-0001/stock", json={"delta": -6}, headers=KEY)
    assert (oversold.status_code, oversold.json()) == (409, {"detail": "MUG-0001 would have -1 in stock"})
    assert client.get("/products/MUG-0001").json()["stock"] == 5

    assert client.delete("/products/MUG-0001", headers=KEY).status_code == 204
    assert client.get("/products/MUG-0001").status_code == 404
    assert client.delete("/products/MUG-0001", headers=KEY).status_code == 404


@pytest.mark.parametrize("body", [
    {"sku": "mug", "name": "Mug", "price_cents": 1},
    {"sku": "MUG-0001", "name": "", "price_cents": 1},
    {"sku": "MUG-0001", "name": "Mug", "price_cents": -1},
    {"sku": "MUG-0001", "name": "Mug", "price_cents": 1, "tags": ["x"] * 11},
    {"sku": "MUG-0001", "name": "Mug", "price_cents": 1, "colour": "red"},
    {"sku": "MUG-0001", "name": "Mug"},
])
def test_a_bad_product_is_422(client: TestClient, body: dict[str, object]) -> None:
    resp = client.post("/products", json=body, headers=KEY)
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"][0] == "body"


def test_each_app_has_its_own_catalogue() -> None:
    with TestClient(create_app(api_key="k", products=[ProductIn("BOX-0001", "Box", 100)])) as one:
        assert one.delete("/products/BOX-0001", headers={"x-api-key": "k"}).status_code == 204
    with TestClient(create_app(api_key="k", products=[ProductIn("BOX-0001", "Box", 100)])) as two:
        assert skus(two.get("/products")) == ["BOX-0001"]


def test_the_key_comes_from_the_environment_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_API_KEY", "from-env")
    with TestClient(create_app()) as client:
        assert client.delete("/products/PEN-0001", headers={"x-api-key": "dev-key"}).status_code == 401
        assert client.delete("/products/PEN-0001", headers={"x-api-key": "from-env"}).status_code == 204
