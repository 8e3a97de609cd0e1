"""A small shop's product API: search with typed query parameters (a repeated `tag`, price
bounds, a sort order, a page), prices in the currency of the `currency` cookie, writes guarded
by an `X-API-Key` header, JSON bodies with constraints, and declared 401/404/409 answers, all
described at `/openapi.json` and browsable at `/docs`. Serve it with `uvicorn examples.shop_api:app`."""

from examples.shop_api.app import app, create_app

__all__ = ["app", "create_app"]
