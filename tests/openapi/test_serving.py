"""`App(openapi=OpenAPI(...))`: the document (computed once, when the App is built), the Swagger UI
page and its assets served by the app itself, under the root path; nothing at all without it."""

import re
import subprocess
import sys

import msgspec
import pytest
from openapi_spec_validator import validate

from lette_fp import App, get, mount, post
from lette_fp.openapi import OpenAPI, OpenAPIError
from lette_fp.testing import TestClient


class Item(msgspec.Struct):
    name: str


def create(item: Item) -> Item:
    """Create an item."""
    return item


def items(req, limit: int = 10) -> list[Item]:
    return []


def app(**config) -> App:
    return App([get("/items", items), post("/items", create, status=201)],
               openapi=OpenAPI(title="Shop", version="1.0.0", **config))


def test_the_document_is_served_as_json_and_is_the_apps_document() -> None:
    shop = app()
    answer = TestClient(shop).get("/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    document = answer.json()
    validate(document)
    assert document == shop.openapi
    assert document["info"] == {"title": "Shop", "version": "1.0.0"}
    assert set(document["paths"]) == {"/items"}


def test_the_served_routes_are_not_in_the_document_and_other_paths_can_be_chosen() -> None:
    shop = app(path="/api/schema.json", docs_path="/api/docs")
    client = TestClient(shop)
    assert client.get("/openapi.json").status_code == 404
    assert client.get("/api/schema.json").json() == shop.openapi
    assert '"url": "/api/schema.json"' in client.get("/api/docs").text
    assert list(shop.openapi["paths"]) == ["/items"]


def test_the_docs_page_loads_swagger_ui_from_the_app_with_no_cdn() -> None:
    client = TestClient(app())
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '"url": "/openapi.json"' in page.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert all('src="' in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)  # no inline script (CSP)
    urls = re.findall(r'(?:href|src)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/docs/assets/swagger-ui-") for url in urls)
    types = {}
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["etag"]
        types[url.rsplit("/", 1)[1]] = asset.headers["content-type"].split(";")[0]
        assert client.get(url, headers={"if-none-match": asset.headers["etag"]}).status_code == 304
    assert types["swagger-ui-bundle.js"] in ("text/javascript", "application/javascript")
    assert types["swagger-ui.css"] == "text/css"
    starter = next(u for u in urls if "/lette-init-" in u)
    assert b"SwaggerUIBundle(config)" in client.get(starter).content
    assert b"SwaggerUIBundle" in client.get(next(u for u in urls if u.endswith("/swagger-ui-bundle.js"))).content


def test_under_a_root_path_the_page_and_the_document_point_inside_it() -> None:
    inner = app()
    outer = App([mount("/shop", inner)])
    client = TestClient(outer)
    page = client.get("/shop/docs").text
    assert '"url": "/shop/openapi.json"' in page
    assert all(url.startswith("/shop/docs/assets/") for url in re.findall(r'(?:href|src)="([^"]+)"', page))
    assert client.get(re.findall(r'src="([^"]+)"', page)[0]).status_code == 200
    assert client.get("/shop/openapi.json").json()["servers"] == [{"url": "/shop"}]
    assert "servers" not in TestClient(inner).get("/openapi.json").json()


def test_declared_servers_are_kept_under_a_root_path() -> None:
    inner = app(servers=[{"url": "https://shop.example"}])
    document = TestClient(App([mount("/shop", inner)])).get("/shop/openapi.json").json()
    assert document["servers"] == [{"url": "https://shop.example"}]


def test_docs_path_none_serves_only_the_document() -> None:
    client = TestClient(app(docs_path=None))
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_a_duplicate_operation_id_fails_the_app_build() -> None:
    with pytest.raises(OpenAPIError, match="operationId 'items'"):
        App([get("/a", items), get("/b", items)], openapi=OpenAPI(title="t", version="1"))
    App([get("/a", items), get("/b", items)])  # no document, no operationIds: nothing to refuse



def test_overrides_keep_serving_the_document() -> None:
    assert TestClient(app().with_overrides({})).get("/openapi.json").status_code == 200


def test_an_app_without_openapi_imports_nothing_of_it_and_serves_nothing() -> None:
    code = (
        "import sys\nfrom lette_fp import App, get\n"
        "App([get('/', lambda req: None)])\n"
        "print(sorted(m for m in sys.modules if m.startswith('lette_fp.openapi') or m == 'swagger_ui_bundle'))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    client = TestClient(App([get("/items", items)]))
    assert client.get("/openapi.json").status_code == 404
    assert client.get("/docs").status_code == 404


def test_on_real_servers_the_page_the_assets_and_the_document_are_served(serve) -> None:
    import httpx

    with serve(app()) as base, httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        for url in re.findall(r'(?:href|src)="([^"]+)"', page.text):
            asset = client.get(url)
            assert asset.status_code == 200 and asset.content
        assert client.get("/openapi.json").json()["paths"].keys() == {"/items"}
        assert client.post("/items", json={"name": "tea"}).status_code == 201


def test_under_uvicorns_root_path_the_page_points_inside_it() -> None:
    import httpx

    from tests.servers import run_uvicorn

    with run_uvicorn(app(), root_path="/api") as base, httpx.Client(base_url=base, timeout=10) as client:
        page = client.get("/docs").text
        assert '"url": "/api/openapi.json"' in page
        assert client.get("/openapi.json").json()["servers"] == [{"url": "/api"}]
