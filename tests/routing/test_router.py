from __future__ import annotations

import uuid
from typing import Any

import pytest

from lette_fp.routing import (
    NOT_FOUND,
    Found,
    MethodNotAllowed,
    Mount,
    RedirectSlash,
    Route,
    RouteLike,
    Router,
    delete,
    get,
    host,
    mount,
    post,
    put,
    route,
    websocket,
)

from .helpers import compile_routes


def test_static_and_param_routes() -> None:
    router = compile_routes([get("/", "home"), get("/users/{id:int}", "user")])
    assert router.match("GET", "/") == Found("home", {}, "")
    assert router.match("GET", "/users/42") == Found("user", {"id": 42}, "")
    assert router.match("GET", "/users/x") is NOT_FOUND
    assert router.match("GET", "/nope") is NOT_FOUND


def test_static_segment_beats_param_whatever_the_order() -> None:
    router = compile_routes([get("/users/{name}", "by_name"), get("/users/me", "me")])
    assert router.match("GET", "/users/me") == Found("me", {}, "")
    assert router.match("GET", "/users/bob") == Found("by_name", {"name": "bob"}, "")


def test_params_at_the_same_position_keep_declaration_order() -> None:
    router = compile_routes([get("/a/{x:int}", "int"), get("/a/{x}", "str")])
    assert router.match("GET", "/a/7").endpoint == "int"  # type: ignore[union-attr]
    assert router.match("GET", "/a/b").endpoint == "str"  # type: ignore[union-attr]
    router = compile_routes([get("/a/{x}", "str"), get("/a/{x:int}", "int")])
    assert router.match("GET", "/a/7").endpoint == "str"  # type: ignore[union-attr]


def test_matcher_backtracks_from_a_failing_static_branch() -> None:
    router = compile_routes([get("/a/b/c", "static"), get("/a/{x}/d", "param")])
    assert router.match("GET", "/a/b/d") == Found("param", {"x": "b"}, "")
    assert router.match("GET", "/a/b/c") == Found("static", {}, "")


def test_backtracks_across_param_edges() -> None:
    router = compile_routes([get("/{a:int}/x", "int-x"), get("/{b}/y", "str-y")])
    assert router.match("GET", "/5/y") == Found("str-y", {"b": "5"}, "")
    assert router.match("GET", "/5/x") == Found("int-x", {"a": 5}, "")


def test_first_path_match_with_the_method_wins() -> None:
    router = compile_routes([post("/items/new", "create"), get("/items/{id}", "show")])
    assert router.match("GET", "/items/new") == Found("show", {"id": "new"}, "")
    assert router.match("POST", "/items/new") == Found("create", {}, "")


def test_method_not_allowed_lists_the_first_path_match() -> None:
    router = compile_routes(
        [get("/items/{id}", "show"), put("/items/{id}", "update"), delete("/x/{id}", "gone")]
    )
    assert router.match("POST", "/items/3") == MethodNotAllowed(("GET", "HEAD", "PUT"))
    router = compile_routes([post("/items/new", "create"), put("/items/{id}", "update")])
    assert router.match("GET", "/items/new") == MethodNotAllowed(("POST",))


def test_head_is_automatic_for_get_unless_declared() -> None:
    router = compile_routes([get("/a", "get-a"), get("/b/{x}", "get-b")])
    assert router.match("HEAD", "/a") == Found("get-a", {}, "")
    assert router.match("HEAD", "/b/1") == Found("get-b", {"x": "1"}, "")
    router = compile_routes([get("/a", "get-a"), route("/a", "head-a", ["HEAD"])])
    assert router.match("HEAD", "/a") == Found("head-a", {}, "")
    router = compile_routes([route("/a", "both", ["get", "head"])])
    assert router.match("HEAD", "/a") == Found("both", {}, "")
    assert compile_routes([post("/a", "p")]).match("HEAD", "/a") == MethodNotAllowed(("POST",))


def test_methods_are_upper_cased_and_deduplicated() -> None:
    assert route("/", "h", ["get", "Post", "GET"]).methods == ("GET", "POST")
    assert route("/", "h", "put").methods == ("PUT",)


def test_websocket_routes_match_only_websocket() -> None:
    router = compile_routes([websocket("/ws", "ws"), get("/page", "page")])
    assert router.match("WEBSOCKET", "/ws") == Found("ws", {}, "")
    assert router.match("GET", "/ws") is NOT_FOUND
    assert router.match("WEBSOCKET", "/page") is NOT_FOUND
    assert router.match("WEBSOCKET", "/ws/") is NOT_FOUND


def test_websocket_and_http_share_a_path() -> None:
    router = compile_routes([websocket("/live/{id}", "ws"), get("/live/{id}", "page")])
    assert router.match("WEBSOCKET", "/live/1") == Found("ws", {"id": "1"}, "")
    assert router.match("GET", "/live/1") == Found("page", {"id": "1"}, "")
    assert router.match("POST", "/live/1") == MethodNotAllowed(("GET", "HEAD"))


def test_http_request_to_websocket_only_param_path_is_not_found() -> None:
    router = compile_routes([websocket("/ws/{room}", "ws")])
    assert router.match("GET", "/ws/lobby") is NOT_FOUND
    assert router.match("WEBSOCKET", "/ws/lobby") == Found("ws", {"room": "lobby"}, "")


def test_mount_flattens_routes_and_reports_the_prefix() -> None:
    router = compile_routes(
        [mount("/users", [get("/", "index"), get("/{id:int}", "show")], name="users")]
    )
    assert router.match("GET", "/users") == Found("index", {}, "/users")
    assert router.match("GET", "/users/") == Found("index", {}, "/users")
    assert router.match("GET", "/users/7") == Found("show", {"id": 7}, "/users")
    assert router.match("GET", "/usersa") is NOT_FOUND
    assert router.match("GET", "/usersa/7") is NOT_FOUND


def test_mount_prefix_with_params() -> None:
    router = compile_routes([mount("/{tenant}", [get("/x", "x"), get("/", "home")])])
    assert router.match("GET", "/acme/x") == Found("x", {"tenant": "acme"}, "/acme")
    assert router.match("GET", "/acme") == Found("home", {"tenant": "acme"}, "/acme")
    assert router.match("GET", "/acme/") == Found("home", {"tenant": "acme"}, "/acme")


def test_nested_mounts_accumulate_prefixes() -> None:
    inner = mount("/{org}/repos", [get("/{repo}", "repo")])
    router = compile_routes([mount("/api/v1", [inner])])
    assert router.match("GET", "/api/v1/py/repos/lette") == Found(
        "repo", {"org": "py", "repo": "lette"}, "/api/v1/py/repos"
    )


def test_mount_prefix_trailing_slash_is_ignored() -> None:
    router = compile_routes([mount("/a/", [get("/b", "b")]), mount("/", [get("/c", "c")])])
    assert router.match("GET", "/a/b") == Found("b", {}, "/a")
    assert router.match("GET", "/c") == Found("c", {}, "")


def test_app_mount_matches_prefix_and_below_only() -> None:
    app = object()
    router = compile_routes([mount("/static", app)])
    for path in ("/static", "/static/", "/static/css/a.css"):
        assert router.match("GET", path) == Found(app, {}, "/static")
    assert router.match("POST", "/static/x") == Found(app, {}, "/static")
    assert router.match("WEBSOCKET", "/static/x") == Found(app, {}, "/static")
    assert router.match("GET", "/staticx") is NOT_FOUND
    assert router.match("GET", "/") is NOT_FOUND


def test_app_mount_with_prefix_params() -> None:
    app = object()
    router = compile_routes([mount("/{tenant}/files", app)])
    assert router.match("GET", "/acme/files/a/b") == Found(app, {"tenant": "acme"}, "/acme/files")
    assert router.match("GET", "/acme/files") == Found(app, {"tenant": "acme"}, "/acme/files")


def test_app_mounted_at_root_catches_everything_after_routes() -> None:
    app = object()
    router = compile_routes([get("/a", "a"), mount("/", app)])
    assert router.match("GET", "/a") == Found("a", {}, "")
    assert router.match("GET", "/b/c") == Found(app, {}, "")
    assert router.match("POST", "/a") == Found(app, {}, "")


def test_route_and_app_mount_at_the_same_path() -> None:
    app = object()
    router = compile_routes([mount("/files", app), get("/files/{p:path}", "files")])
    assert router.match("GET", "/files/x") == Found("files", {"p": "x"}, "")
    assert router.match("PUT", "/files/x") == Found(app, {}, "/files")


def test_hosts_are_tried_first_and_fall_through() -> None:
    router = compile_routes(
        [
            host("api.example.org", [get("/users", "api-users")]),
            host("{sub}.example.org", [get("/", "sub-home")], name="sub"),
            get("/users", "users"),
            get("/", "home"),
        ]
    )
    assert router.has_hosts
    assert router.match("GET", "/users", "api.example.org") == Found("api-users", {}, "")
    assert router.match("GET", "/users", "API.Example.ORG:8443") == Found("api-users", {}, "")
    assert router.match("GET", "/", "api.example.org") == Found("sub-home", {"sub": "api"}, "")
    assert router.match("GET", "/users", "www.example.org") == Found("users", {}, "")
    assert router.match("GET", "/users", "other.org") == Found("users", {}, "")
    assert router.match("GET", "/users") == Found("users", {}, "")
    assert router.match("GET", "/", "a.b.example.org") == Found("home", {}, "")


def test_host_method_not_allowed_does_not_fall_through() -> None:
    router = compile_routes([host("api.example.org", [post("/x", "api")]), get("/x", "x")])
    assert router.match("GET", "/x", "api.example.org") == MethodNotAllowed(("POST",))


def test_host_with_an_app_and_host_params() -> None:
    app = object()
    router = compile_routes([host("{tenant}.shop.io", app), get("/", "home")])
    assert router.match("GET", "/cart", "acme.shop.io") == Found(app, {"tenant": "acme"}, "")
    assert router.match("GET", "/", "[::1]:8000") == Found("home", {}, "")


def test_host_params_merge_with_path_params() -> None:
    router = compile_routes([host("{sub}.x.org", [get("/u/{id:int}", "u")])])
    assert router.match("GET", "/u/1", "a.x.org.") == Found("u", {"sub": "a", "id": 1}, "")


def test_host_inside_a_mount() -> None:
    router = compile_routes([mount("/api", [host("a.org", [get("/x", "ax")]), get("/x", "x")])])
    assert router.match("GET", "/api/x", "a.org") == Found("ax", {}, "/api")
    assert router.match("GET", "/api/x", "b.org") == Found("x", {}, "/api")


def test_redirect_slashes_both_directions() -> None:
    router = compile_routes([get("/a", "a"), get("/b/", "b"), get("/c/{x}", "c")])
    assert router.match("GET", "/a/") == RedirectSlash("/a")
    assert router.match("GET", "/b") == RedirectSlash("/b/")
    assert router.match("GET", "/c/1/") == RedirectSlash("/c/1")
    assert router.match("POST", "/a/") == RedirectSlash("/a")
    assert router.match("GET", "/") is NOT_FOUND
    assert router.match("WEBSOCKET", "/a/") is NOT_FOUND


def test_redirect_slashes_can_be_disabled() -> None:
    router = compile_routes([get("/a", "a")], redirect_slashes=False)
    assert router.match("GET", "/a/") is NOT_FOUND


def test_no_redirect_to_a_websocket_only_path() -> None:
    router = compile_routes([websocket("/ws", "ws")])
    assert router.match("GET", "/ws/") is NOT_FOUND


def test_redirect_slashes_under_a_host() -> None:
    router = compile_routes([host("a.org", [get("/x", "x")])])
    assert router.match("GET", "/x/", "a.org") == RedirectSlash("/x")
    assert router.match("GET", "/x/", "b.org") is NOT_FOUND


def test_redirect_to_an_app_mount() -> None:
    router = compile_routes([mount("/static", object())])
    assert router.match("GET", "/static/") != NOT_FOUND
    router = compile_routes([get("/static/{p:path}", "p")])
    assert router.match("GET", "/static") == RedirectSlash("/static/")


def test_path_converter_takes_the_rest() -> None:
    router = compile_routes([get("/files/{rest:path}", "files"), get("/{all:path}", "all")])
    assert router.match("GET", "/files/a/b/c.txt") == Found("files", {"rest": "a/b/c.txt"}, "")
    assert router.match("GET", "/files/") == Found("files", {"rest": ""}, "")
    assert router.match("GET", "/files") == Found("all", {"all": "files"}, "")
    assert router.match("GET", "/") == Found("all", {"all": ""}, "")


def test_converters() -> None:
    some = uuid.uuid4()
    router = compile_routes(
        [
            get("/i/{v:int}", "int"),
            get("/f/{v:float}", "float"),
            get("/u/{v:uuid}", "uuid"),
            get("/s/{v}", "str"),
        ]
    )
    assert router.match("GET", "/i/007") == Found("int", {"v": 7}, "")
    assert router.match("GET", "/i/-1") is NOT_FOUND
    assert router.match("GET", "/i/\u0661") is NOT_FOUND
    assert router.match("GET", "/i/" + "9" * 5000) is NOT_FOUND
    assert router.match("GET", "/f/1.5") == Found("float", {"v": 1.5}, "")
    assert router.match("GET", "/f/2") == Found("float", {"v": 2.0}, "")
    assert router.match("GET", "/f/1.") is NOT_FOUND
    assert router.match("GET", f"/u/{some}") == Found("uuid", {"v": some}, "")
    assert router.match("GET", f"/u/{str(some).upper()}") is NOT_FOUND
    assert router.match("GET", "/s/") is NOT_FOUND
    assert router.match("GET", "/s/a b") == Found("str", {"v": "a b"}, "")


def test_mixed_segments() -> None:
    router = compile_routes(
        [get("/files/{name}.{ext}", "file"), get("/v{major:int}/x", "versioned")]
    )
    assert router.match("GET", "/files/report.final.pdf") == Found(
        "file", {"name": "report.final", "ext": "pdf"}, ""
    )
    assert router.match("GET", "/files/readme") is NOT_FOUND
    assert router.match("GET", "/v2/x") == Found("versioned", {"major": 2}, "")
    assert router.match("GET", "/vx/x") is NOT_FOUND


def test_mixed_tail_segment() -> None:
    router = compile_routes([get("/dl/file-{p:path}", "dl")])
    assert router.match("GET", "/dl/file-a/b") == Found("dl", {"p": "a/b"}, "")
    assert router.match("GET", "/dl/other") is NOT_FOUND


def test_static_results_are_shared_and_dynamic_ones_fresh() -> None:
    router = compile_routes([get("/a", "a"), get("/b/{x}", "b")])
    assert router.match("GET", "/a") is router.match("GET", "/a")
    assert router.match("GET", "/b/1") is not router.match("GET", "/b/1")


def test_paths_not_starting_with_a_slash_do_not_match() -> None:
    router = compile_routes([get("/{x}", "x"), get("/a/{p:path}", "rest")])
    assert router.match("GET", "") is NOT_FOUND
    assert router.match("GET", "*") is NOT_FOUND


def test_deep_and_wide_tables_compile() -> None:
    deep = "/" + "/".join(f"{{p{i}:int}}" for i in range(60))
    wide = [get(f"/w{i}/{{x}}", f"w{i}") for i in range(50)]
    router = compile_routes([get(deep, "deep"), *wide])
    found = router.match("GET", "/" + "/".join(str(i) for i in range(60)))
    assert isinstance(found, Found) and found.params["p59"] == 59
    assert router.match("GET", "/w42/q") == Found("w42", {"x": "q"}, "")
    assert router.match("GET", "/w50/q") is NOT_FOUND


def test_long_paths_beyond_the_deepest_route() -> None:
    router = compile_routes([get("/a/{b}", "ab"), get("/t/{rest:path}", "t")])
    assert router.match("GET", "/a/b/c/d/e") is NOT_FOUND
    assert router.match("GET", "/t/1/2/3/4/5") == Found("t", {"rest": "1/2/3/4/5"}, "")


def test_prepare_gets_accumulated_middleware_and_full_names() -> None:
    calls: list[tuple[Any, ...]] = []

    def prepare(r: Route, middleware: tuple[Any, ...], full_name: str | None) -> str:
        calls.append((r.handler, r.full_path, middleware, full_name))
        return f"ep:{r.handler}"

    def prepare_app(m: Mount, middleware: tuple[Any, ...]) -> str:
        calls.append(("app", m.prefix, middleware, m.name))
        return "ep:app"

    routes: list[RouteLike] = [
        mount(
            "/outer",
            [
                mount("/inner", [get("/x", "x", name="x", middleware=["r"])], name="in",
                      middleware=["i"]),
                mount("/files", object(), name="files", middleware=["f"]),
            ],
            name="out",
            middleware=["o"],
        ),
        host("h.org", [get("/y", "y")], middleware=["h"]),
    ]
    router = Router(routes, prepare=prepare, prepare_app=prepare_app)
    assert calls == [
        ("x", "/outer/inner/x", ("o", "i", "r"), "out:in:x"),
        ("app", "/files", ("o", "f"), "files"),
        ("y", "/y", ("h",), None),
    ]
    assert router.match("GET", "/outer/inner/x") == Found("ep:x", {}, "/outer/inner")


def test_route_options_are_kept_immutably() -> None:
    r = post("/upload", "h", max_body_size=1024)
    assert r.options["max_body_size"] == 1024
    with pytest.raises(TypeError):
        r.options["x"] = 1


def test_match_results_are_immutable() -> None:
    found = compile_routes([get("/a", "a")]).match("GET", "/a")
    with pytest.raises(AttributeError):
        found.endpoint = "b"  # type: ignore[misc, union-attr]
