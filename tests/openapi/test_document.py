"""`schema(app, ...)`: the document's top level, which routes it lists and how, operationIds."""

import msgspec
import pytest

from lette_fp import App, get, mount, post, route, websocket
from lette_fp.openapi import OpenAPIError, schema
from lette_fp.staticfiles import static_files

from .helpers import document, operation


def items(req):
    return []


def test_the_document_is_openapi_3_1_with_the_given_info_and_servers() -> None:
    doc = schema(
        App([get("/items", items)]), title="Shop", version="2.1", description="Things to buy",
        servers=[{"url": "https://shop.example"}],
    )
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {"title": "Shop", "version": "2.1", "description": "Things to buy"}
    assert doc["servers"] == [{"url": "https://shop.example"}]


def test_mounted_route_lists_are_flattened_under_their_prefix() -> None:
    inner = [get("/", items, name="index"), get("/{id:int}", items, name="one")]
    doc = document([mount("/api/v1", [mount("/items", inner, name="items")])])
    assert list(doc["paths"]) == ["/api/v1/items/", "/api/v1/items/{id}"]
    assert doc["paths"]["/api/v1/items/{id}"]["get"]["operationId"] == "items:one"


def test_websockets_static_files_mounted_apps_and_excluded_routes_are_left_out(tmp_path) -> None:
    async def asgi_app(scope, receive, send): ...

    async def chat(req): ...

    doc = document([
        get("/items", items),
        websocket("/ws", chat),
        mount("/static", static_files(directory=tmp_path)),
        mount("/legacy", asgi_app),
        get("/health", items, name="health", include_in_schema=False),
        mount("/internal", [get("/a", items, name="a")], include_in_schema=False),
    ])
    assert list(doc["paths"]) == ["/items"]


def test_every_method_of_a_route_is_an_operation_with_the_method_in_its_id() -> None:
    doc = document([route("/things", items, ["GET", "POST"])])
    assert {m: op["operationId"] for m, op in doc["paths"]["/things"].items()} == {"get": "items_get", "post": "items_post"}


def test_the_operation_id_is_the_route_name_else_the_handler_name_else_method_and_path() -> None:
    doc = document([
        get("/a", items, name="list_a"),
        get("/b", lambda req: [], name=None),
        post("/c", items, operation_id="makeC"),
    ])
    assert doc["paths"]["/a"]["get"]["operationId"] == "list_a"
    assert doc["paths"]["/b"]["get"]["operationId"] == "get_b"
    assert doc["paths"]["/c"]["post"]["operationId"] == "makeC"


def test_a_duplicate_operation_id_is_refused_naming_both_routes() -> None:
    app = App([get("/a", items), get("/b", items)])
    with pytest.raises(OpenAPIError, match=r"operationId 'items' is used by GET /a and by GET /b"):
        schema(app, title="t", version="1")


def test_summary_and_description_come_from_the_docstring_or_the_route_options() -> None:
    def show(req):
        """Show one item.

        Items are looked up by id.
        Unknown ids are a 404.
        """

    def plain(req):
        """Only a summary."""

    doc = document([get("/a", show), get("/b", plain), get("/c", show, name="c", summary="Given", description="Said")])
    assert doc["paths"]["/a"]["get"]["summary"] == "Show one item."
    assert doc["paths"]["/a"]["get"]["description"] == "Items are looked up by id.\nUnknown ids are a 404."
    assert doc["paths"]["/b"]["get"]["summary"] == "Only a summary."
    assert "description" not in doc["paths"]["/b"]["get"]
    assert (doc["paths"]["/c"]["get"]["summary"], doc["paths"]["/c"]["get"]["description"]) == ("Given", "Said")


def test_tags_add_up_from_the_mounts_in_and_deprecated_is_marked() -> None:
    routes = [mount("/api", [mount("/notes", [get("/", items, name="n", tags=["read"], deprecated=True)], tags=["notes"])], tags=["api"])]
    op = operation(routes, "/api/notes/")
    assert op["tags"] == ["api", "notes", "read"]
    assert op["deprecated"] is True


def test_security_schemes_and_requirements_go_where_declared() -> None:
    app = App([
        get("/public", items, name="public", security=[]),
        mount("/admin", [get("/", items, name="admin")], security=[{"bearer": ["admin"]}]),
        get("/me", items, name="me"),
    ])
    doc = schema(
        app, title="t", version="1", security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        security=[{"bearer": []}],
    )
    assert doc["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}
    assert doc["security"] == [{"bearer": []}]
    assert doc["paths"]["/public"]["get"]["security"] == []
    assert doc["paths"]["/admin/"]["get"]["security"] == [{"bearer": ["admin"]}]
    assert "security" not in doc["paths"]["/me"]["get"]


def test_a_struct_used_by_many_routes_is_one_component() -> None:
    class Item(msgspec.Struct):
        name: str

    def one(req) -> Item: ...

    def many(req) -> list[Item]: ...

    def create(item: Item) -> Item: ...

    doc = document([get("/one", one), get("/many", many), post("/new", create)])
    assert sorted(doc["components"]["schemas"]) == ["HTTPErrorDetail", "HTTPValidationError", "Item", "ValidationError"]


def test_security_providers_declare_their_scheme_and_the_401() -> None:
    from typing import Annotated

    from lette_fp import Depends
    from lette_fp.security import APIKeyHeader, HTTPBearer

    bearer = HTTPBearer(bearer_format="JWT")
    maybe = HTTPBearer(bearer_format="JWT", auto_error=False)

    def current_user(token: Annotated[str, Depends(bearer)]) -> str: ...

    def me(user: Annotated[str, Depends(current_user)]): ...

    def feed(token: Annotated[str | None, Depends(maybe)]): ...

    def admin(req): ...

    doc = document([get("/me", me), get("/feed", feed),
                    get("/admin", admin, dependencies=[Depends(APIKeyHeader("x-api-key", scheme_name="key"))])])
    assert doc["components"]["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
    }
    assert doc["paths"]["/me"]["get"]["security"] == [{"bearer": []}]
    assert doc["paths"]["/me"]["get"]["responses"]["401"] == {"description": "Unauthorized"}
    assert doc["paths"]["/feed"]["get"]["security"] == [{"bearer": []}, {}]
    assert "401" not in doc["paths"]["/feed"]["get"]["responses"]
    assert doc["paths"]["/admin"]["get"]["security"] == [{"key": []}]


def test_one_scheme_name_for_two_different_schemes_is_refused() -> None:
    from typing import Annotated

    from lette_fp import Depends
    from lette_fp.security import HTTPBasic, HTTPBearer

    def a(t: Annotated[str, Depends(HTTPBearer(scheme_name="auth"))]): ...

    def b(t: Annotated[object, Depends(HTTPBasic(scheme_name="auth"))]): ...

    with pytest.raises(OpenAPIError, match="security scheme 'auth' is declared twice"):
        schema(App([get("/a", a), get("/b", b)]), title="t", version="1")


def test_tag_descriptions_go_to_the_top_level_tags() -> None:
    doc = schema(App([get("/items", items, tags=["items"])]), title="t", version="1",
                 tags=[{"name": "items", "description": "Things for sale"}])
    assert doc["tags"] == [{"name": "items", "description": "Things for sale"}]
