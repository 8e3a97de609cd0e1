"""The handlers: each declares what it reads in its signature (the path's SKU, typed query
parameters, the `currency` cookie, the `X-API-Key` header, the JSON body, the lifespan's store)
and returns Structs. Errors are raised as HTTPError (401, 404, 409) or come from the parameters
(422)."""

from __future__ import annotations

import hmac
from typing import Annotated

from msgspec import Meta

from examples.shop_api.models import (
    Cents,
    Currency,
    Product,
    ProductIn,
    ProductPage,
    Quote,
    Sku,
    Sort,
    StockChange,
    Tag,
)
from examples.shop_api.store import Store, convert
from lette_fp import Cookie, Header, HTTPError, State

Shop = Annotated[Store, State("store")]
"""The lifespan's catalogue."""
ApiKey = Annotated[str, State("api_key")]
"""The key writes must present."""
ClientCurrency = Annotated[Currency, Cookie("currency"), Meta(description="The currency prices are shown in.")]
GivenKey = Annotated[str, Header("x-api-key"), Meta(max_length=200, description="The shop's API key; writes need it.")]
Query = Annotated[str, Meta(min_length=1, max_length=50, description="Words the name must contain, in any case.")]
Limit = Annotated[int, Meta(ge=1, le=50, description="At most this many products.")]
Offset = Annotated[int, Meta(ge=0, le=10_000, description="Skip this many matches first.")]
Quantity = Annotated[int, Meta(ge=1, le=1000, description="How many units.")]


def _authorise(given: str, expected: str) -> None:
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPError(401, "A valid X-API-Key header is required", headers={"www-authenticate": "ApiKey"})


def _product(store: Store, sku: str) -> ProductIn:
    found = store.products.get(sku)
    if found is None:
        raise HTTPError(404, f"No product {sku}")
    return found


def search(
    store: Shop,
    q: Query | None = None,
    tag: tuple[Tag, ...] = (),
    min_price: Cents | None = None,
    max_price: Cents | None = None,
    in_stock: bool = False,
    sort: Sort = "name",
    limit: Limit = 10,
    offset: Offset = 0,
    currency: ClientCurrency = "EUR",
) -> ProductPage:
    """Search the catalogue.

    Products whose name contains every word of `q`, carrying every `tag` (repeat it:
    `?tag=office&tag=paper`), priced between `min_price` and `max_price` (in the client's
    currency), in stock when `in_stock`; sorted, one page at a time."""
    words = q.lower().split() if q else []
    found = [
        priced
        for p in store.products.values()
        if all(w in p.name.lower() for w in words) and set(tag) <= set(p.tags) and (p.stock > 0 or not in_stock)
        for priced in [store.priced(p, currency)]
        if (min_price is None or priced.price.cents >= min_price) and (max_price is None or priced.price.cents <= max_price)
    ]
    if sort == "name":
        found.sort(key=lambda p: (p.name, p.sku))
    else:
        found.sort(key=lambda p: (p.price.cents, p.sku), reverse=sort == "-price")
    return ProductPage(found[offset : offset + limit], len(found), limit, offset)


def show(store: Shop, sku: Sku, currency: ClientCurrency = "EUR") -> Product:
    """Show one product, priced in the client's currency."""
    return store.priced(_product(store, sku), currency)


def quote(store: Shop, sku: Sku, quantity: Quantity = 1, currency: ClientCurrency = "EUR") -> Quote:
    """Price `quantity` units of a product; 409 when fewer are in stock."""
    product = _product(store, sku)
    if quantity > product.stock:
        raise HTTPError(409, f"Only {product.stock} of {sku} in stock")
    return Quote(sku, quantity, convert(product.price_cents, currency), convert(product.price_cents * quantity, currency))


def create(store: Shop, expected: ApiKey, x_api_key: GivenKey, new: ProductIn) -> Product:
    """Add a product (prices in EUR cents); 409 when its SKU is taken."""
    _authorise(x_api_key, expected)
    if new.sku in store.products:
        raise HTTPError(409, f"Product {new.sku} already exists")
    store.products[new.sku] = new
    return store.priced(new, "EUR")


def restock(store: Shop, expected: ApiKey, x_api_key: GivenKey, sku: Sku, change: StockChange) -> Product:
    """Receive or ship units of a product; 409 when that would leave fewer than none."""
    _authorise(x_api_key, expected)
    product = _product(store, sku)
    stock = product.stock + change.delta
    if not 0 <= stock <= 1_000_000:
        raise HTTPError(409, f"{sku} would have {stock} in stock")
    store.products[sku] = ProductIn(product.sku, product.name, product.price_cents, product.tags, stock)
    return store.priced(store.products[sku], "EUR")


def remove(store: Shop, expected: ApiKey, x_api_key: GivenKey, sku: Sku) -> None:
    """Take a product out of the catalogue: 204."""
    _authorise(x_api_key, expected)
    _product(store, sku)
    del store.products[sku]
