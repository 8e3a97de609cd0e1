from __future__ import annotations

import uuid

import pytest

from lette_fp.routing import NoMatchFound, get, host, mount, websocket

from .helpers import compile_routes


@pytest.fixture
def router():  # type: ignore[no-untyped-def]
    return compile_routes(
        [
            get("/", "home", name="home"),
            get("/users/{id:int}", "user", name="user"),
            get("/u/{key:uuid}/{score:float}", "score", name="score"),
            get("/files/{name}.{ext}", "file", name="file"),
            get("/raw/{rest:path}", "raw", name="raw"),
            mount("/api", [get("/", "api", name="index"),
                           mount("/{org}", [get("/{repo}", "repo", name="repo")], name="orgs")],
                  name="api"),
            mount("/static", object(), name="static"),
            mount("/{tenant}/assets", object(), name="assets"),
            host("{sub}.example.org", [get("/dash", "dash", name="dash")], name="sub"),
            websocket("/ws/{room}", "ws", name="ws"),
            mount("/plain", [get("/x", "x", name="plain-x")]),
        ]
    )


def test_builds_paths(router) -> None:  # type: ignore[no-untyped-def]
    key = uuid.UUID(int=1)
    assert router.url_path_for("home") == "/"
    assert router.url_path_for("user", id=42) == "/users/42"
    assert router.url_path_for("score", key=key, score=0.5) == f"/u/{key}/0.5"
    assert router.url_path_for("file", name="report", ext="pdf") == "/files/report.pdf"
    assert router.url_path_for("raw", rest="a/b/c") == "/raw/a/b/c"
    assert router.url_path_for("ws", room="lobby") == "/ws/lobby"


def test_names_inside_mounts(router) -> None:  # type: ignore[no-untyped-def]
    assert router.url_path_for("api:index") == "/api/"
    assert router.url_path_for("api:orgs:repo", org="py", repo="lette") == "/api/py/lette"
    assert router.url_path_for("plain-x") == "/plain/x"


def test_app_mounts_append_path(router) -> None:  # type: ignore[no-untyped-def]
    assert router.url_path_for("static", path="/css/a.css") == "/static/css/a.css"
    assert router.url_path_for("static", path="css/a.css") == "/static/css/a.css"
    assert router.url_path_for("static", path="") == "/static"
    assert router.url_path_for("assets", tenant="acme", path="/x.png") == "/acme/assets/x.png"
    with pytest.raises(NoMatchFound, match="missing \\['path'\\]"):
        router.url_path_for("static")


def test_host_routes_give_the_path_only(router) -> None:  # type: ignore[no-untyped-def]
    assert router.url_path_for("sub:dash") == "/dash"
    assert router.url_path_for("sub:dash", sub="acme") == "/dash"


def test_errors(router) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoMatchFound, match="no route named 'usr'; did you mean 'user'"):
        router.url_path_for("usr")
    with pytest.raises(NoMatchFound, match="missing \\['id'\\]"):
        router.url_path_for("user")
    with pytest.raises(NoMatchFound, match="unexpected \\['extra'\\]"):
        router.url_path_for("user", id=1, extra=2)
    with pytest.raises(NoMatchFound, match="not a valid int"):
        router.url_path_for("user", id=-3)
    with pytest.raises(NoMatchFound, match="not a valid int"):
        router.url_path_for("user", id="abc")
    with pytest.raises(NoMatchFound):
        router.url_path_for("score", key="not-a-uuid", score=1.0)
    with pytest.raises(NoMatchFound):
        router.url_path_for("score", key=uuid.UUID(int=1), score=float("inf"))


def test_str_params_with_slash_or_empty_are_refused(router) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoMatchFound, match="does not match"):
        router.url_path_for("api:orgs:repo", org="a/b", repo="x")
    with pytest.raises(NoMatchFound):
        router.url_path_for("api:orgs:repo", org="", repo="x")


def test_mixed_segments_that_would_not_match_back_are_refused(router) -> None:  # type: ignore[no-untyped-def]
    assert router.url_path_for("file", name="a.b", ext="c") == "/files/a.b.c"
    with pytest.raises(NoMatchFound, match="would not match back"):
        router.url_path_for("file", name="a", ext="b.c")


def test_built_paths_match_back(router) -> None:  # type: ignore[no-untyped-def]
    path = router.url_path_for("api:orgs:repo", org="py", repo="lette")
    assert router.match("GET", path).params == {"org": "py", "repo": "lette"}


def test_named_mounts_of_routes_reverse_with_path(router) -> None:  # type: ignore[no-untyped-def]
    assert router.url_path_for("api", path="/anything") == "/api/anything"
    assert router.url_path_for("api:orgs", org="py", path="/lette") == "/api/py/lette"
    assert router.url_path_for("sub", path="/dash") == "/dash"
    with pytest.raises(NoMatchFound, match="missing \\['org'\\]"):
        router.url_path_for("api:orgs", path="/x")


def test_reverse_gives_the_host_of_a_host_route(router) -> None:  # type: ignore[no-untyped-def]
    assert router.reverse("sub:dash", {"sub": "acme"}) == ("acme.example.org", "/dash")
    assert router.reverse("sub:dash", {}) == (None, "/dash")
    assert router.reverse("sub", {"sub": "acme", "path": "/x"}) == ("acme.example.org", "/x")
    assert router.reverse("user", {"id": 1}) == (None, "/users/1")
    with pytest.raises(NoMatchFound, match="do not fit"):
        router.reverse("sub:dash", {"sub": "a.b"})


def test_starlette_mixed_hosts() -> None:
    mixed = compile_routes(
        [
            host("www.example.org", [get("/", "home", name="homepage"), get("/users", "users", name="users")]),
            host("api.example.org", [get("/users", "api-users", name="users")], name="api"),
            host("port.example.org:3600", [get("/", "port-home", name="homepage")], name="port"),
            host("{subdomain}.example.org", [get("/homepage", "sub-home", name="home")], name="subdomain"),
        ]
    )
    assert mixed.reverse("users", {}) == ("www.example.org", "/users")
    assert mixed.reverse("api:users", {}) == ("api.example.org", "/users")
    assert mixed.reverse("port:homepage", {}) == ("port.example.org:3600", "/")
    assert mixed.reverse("subdomain", {"subdomain": "foo", "path": "/homepage"}) == ("foo.example.org", "/homepage")
    assert mixed.match("GET", "/", "port.example.org:3600").endpoint == "port-home"  # type: ignore[union-attr]
    assert mixed.match("GET", "/", "port.example.org").endpoint == "port-home"  # type: ignore[union-attr]
