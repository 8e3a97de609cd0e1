"""The shop App: the routes (with the errors each can answer declared for the schema), the
lifespan that owns the catalogue and the API key, and the OpenAPI document (`/openapi.json`) with
its docs page (`/docs`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from examples.shop_api import handlers
from examples.shop_api.models import Error, ProductIn
from examples.shop_api.store import SAMPLE, Store
from lette_fp import App, delete, get, mount, patch, post
from lette_fp.openapi import OpenAPI

DEV_API_KEY = "dev-key"
"""The key used when neither `create_app(api_key=...)` nor `$SHOP_API_KEY` gives one."""


def lifespan_for(api_key: str, products: Iterable[ProductIn]) -> Any:
    """Return the lifespan yielding a fresh `Store` of `products` and the API key as state."""

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[Mapping[str, Any]]:
        yield {"store": Store(products), "api_key": api_key}

    return lifespan


def create_app(api_key: str | None = None, products: Iterable[ProductIn] = SAMPLE) -> App:
    """Return the shop App, starting with `products`, guarding writes with `api_key`
    (default: `$SHOP_API_KEY`, else `DEV_API_KEY`)."""
    unauthorised = {401: Error}
    missing = {404: Error}
    api = [
        get("/", handlers.search, name="products", tags=["products"]),
        post("/", handlers.create, name="create_product", status=201, tags=["products"], responses={**unauthorised, 409: Error}),
        get("/{sku}", handlers.show, name="product", tags=["products"], responses=missing),
        get("/{sku}/quote", handlers.quote, name="quote", tags=["products"], responses={**missing, 409: Error}),
        patch("/{sku}/stock", handlers.restock, name="restock", tags=["stock"], responses={**unauthorised, **missing, 409: Error}),
        delete("/{sku}", handlers.remove, name="remove_product", tags=["products"], responses={**unauthorised, **missing}),
    ]
    return App(
        routes=[mount("/products", api)],
        lifespan=lifespan_for(api_key or os.environ.get("SHOP_API_KEY") or DEV_API_KEY, tuple(products)),
        openapi=OpenAPI(
            title="Shop",
            version="1.0.0",
            description="Search a small shop's products, priced in the currency of the `currency` cookie; "
            "writes need the `X-API-Key` header.",
            tags=[{"name": "products", "description": "The catalogue"}, {"name": "stock", "description": "Units in stock"}],
        ),
    )


app = create_app()
