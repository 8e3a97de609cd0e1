"""The shapes the shop API speaks, as msgspec Structs and constrained types: what a client sends
and what it gets back. The constraints are the validation (a 422 names the field) and the schema."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Sku = Annotated[str, Meta(pattern=r"^[A-Z]{3}-[0-9]{4}$", description="A stock-keeping unit: three capitals, a dash, four digits.", examples=["PEN-0001"])]
Tag = Annotated[str, Meta(pattern=r"^[a-z0-9-]{1,20}$", description="A lower-case tag such as `office`.")]
Currency = Literal["EUR", "USD", "GBP"]
Cents = Annotated[int, Meta(ge=0, le=100_000_000, description="An amount in cents.")]
Sort = Literal["name", "price", "-price"]


class ProductIn(msgspec.Struct, forbid_unknown_fields=True):
    """A product as the shop adds it: its price is in EUR cents."""

    sku: Sku
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    price_cents: Cents
    tags: Annotated[list[Tag], Meta(max_length=10)] = []
    stock: Annotated[int, Meta(ge=0, le=1_000_000)] = 0


class StockChange(msgspec.Struct, forbid_unknown_fields=True):
    """Units received (positive) or shipped (negative)."""

    delta: Annotated[int, Meta(ge=-1_000_000, le=1_000_000)]


class Price(msgspec.Struct):
    """An amount of money in one currency."""

    cents: int
    currency: Currency


class Product(msgspec.Struct):
    """A product as the API returns it, priced in the client's currency."""

    sku: str
    name: str
    price: Price
    tags: list[str]
    stock: int


class ProductPage(msgspec.Struct):
    """One page of search results, with the number of matches."""

    items: list[Product]
    total: int
    limit: int
    offset: int


class Quote(msgspec.Struct):
    """What `quantity` units of a product cost, in the client's currency."""

    sku: str
    quantity: int
    unit: Price
    total: Price


class Error(msgspec.Struct):
    """The body of a 401, 404 or 409: `{"detail": "..."}`, as `HTTPError` writes it."""

    detail: str
