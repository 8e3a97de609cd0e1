"""The routes `App(openapi=OpenAPI(...))` adds: the document (computed once, when the App is
built), the Swagger UI page and its assets. They are ordinary static routes left out of the
document, so the other routes pay nothing for them."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import msgspec

from lette_fp.http.files import file
from lette_fp.http.request import Request
from lette_fp.http.response import Response, html, raw
from lette_fp.routing.routes import Route, get

from .config import OpenAPI
from .document import RouteSource, schema
from .swagger import ASSETS, INIT_SCRIPT, SwaggerAssets, init_name, installed_assets, page

IMMUTABLE = {"cache-control": "public, max-age=31536000, immutable"}
"""The caching of an asset: its URL holds the Swagger UI version, so it never changes."""

MAX_ROOT_PATHS = 16
"""How many root paths' variants of the document and page are kept (a server gives one)."""


class Served:
    """The served document and docs page of one App: `routes` to add to the App's, and
    `build(app)` to compute the document once the App's routes are compiled."""

    def __init__(self, config: OpenAPI) -> None:
        self.config = config
        self.document: dict[str, Any] | None = None
        self._encoded: dict[str, bytes] = {}
        self._pages: dict[str, str] = {}
        self.assets: SwaggerAssets | None = installed_assets() if config.docs_path is not None else None
        routes: list[Route] = []
        if config.path is not None:
            routes.append(get(config.path, self.serve_document, include_in_schema=False))
        self.init = init_name()
        if config.docs_path is not None and self.assets is not None:
            routes.append(get(config.docs_path, self.serve_page, include_in_schema=False))
            files = [(name, self.assets.path(name)) for name in ASSETS] + [(self.init, INIT_SCRIPT)]
            routes.extend(get(f"{self.assets_path}/{name}", _asset(name, path), include_in_schema=False) for name, path in files)
        self.routes: tuple[Route, ...] = tuple(routes)

    @property
    def assets_path(self) -> str:
        """The path the Swagger UI files are served under (`/docs/assets/swagger-ui-5.31.0`)."""
        assert self.config.docs_path is not None and self.assets is not None
        return f"{self.config.docs_path}/assets/{self.assets.version}"

    def build(self, app: RouteSource) -> None:
        """Compute the document of `app` (raises what `schema` raises, so when the App is built)."""
        c = self.config
        self.document = schema(
            app, title=c.title, version=c.version, description=c.description, servers=c.servers,
            tags=c.tags, security_schemes=c.security_schemes, security=c.security,
        )
        self._encoded = {"": msgspec.json.encode(self.document)}

    def encoded(self, root_path: str) -> bytes:
        """Return the document as JSON for an app served under `root_path`: with that root path as
        its server (as FastAPI does) when the document names no servers itself."""
        found = self._encoded.get(root_path)
        if found is None:
            assert self.document is not None, "the document is computed when the App is built"
            document = self.document
            if not document.get("servers"):
                document = {**document, "servers": [{"url": root_path}]}
            found = msgspec.json.encode(document)
            _remember(self._encoded, root_path, found)
        return found

    async def serve_document(self, req: Request) -> Response:
        """The document, as `application/json`."""
        return raw(self.encoded(req.root_path), media_type="application/json")

    async def serve_page(self, req: Request) -> Response:
        """The Swagger UI page, pointing at the document and assets under the request's root path."""
        root = req.root_path
        found = self._pages.get(root)
        if found is None:
            url = root + self.config.path if self.config.path is not None else ""
            found = page(self.config.title, url, root + self.assets_path, self.config.swagger_ui_parameters, self.init)
            _remember(self._pages, root, found)
        return html(found)



def _asset(name: str, path: str) -> Callable[[Request], Any]:
    """Return the endpoint sending the file at `path` (ETag, 304, cached for good)."""
    stat_result = os.stat(path)

    async def serve_asset(req: Request) -> Response:
        return file(path, stat_result=stat_result, headers=IMMUTABLE, content_disposition_type="inline")

    serve_asset.__name__ = f"swagger_ui_{name}"
    return serve_asset


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(cache) >= MAX_ROOT_PATHS:
        cache.clear()
    cache[key] = value
