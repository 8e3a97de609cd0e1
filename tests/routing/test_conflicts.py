from __future__ import annotations

import pytest

from lette_fp.routing import RouteConflict, get, host, mount, post, route, websocket

from .helpers import compile_routes


def show_a() -> None: ...


def show_b() -> None: ...


def test_same_method_and_pattern_conflicts_naming_both() -> None:
    with pytest.raises(RouteConflict, match="GET /users/{id:int}") as info:
        compile_routes([get("/users/{id:int}", show_a), get("/users/{uid:int}", show_b)])
    assert "show_a" in str(info.value) and "show_b" in str(info.value)


def test_conflict_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        compile_routes([get("/a", "a"), get("/a", "b")])


def test_conflict_after_flattening_mounts() -> None:
    with pytest.raises(RouteConflict):
        compile_routes([mount("/api", [get("/x", "a")]), get("/api/x", "b")])
    with pytest.raises(RouteConflict, match="/users"):
        compile_routes([mount("/users", [get("/", "index")]), get("/users", "list")])


def test_no_conflict_for_different_methods_converters_or_hosts() -> None:
    compile_routes(
        [
            get("/a/{x}", "a"),
            post("/a/{y}", "b"),
            get("/a/{x:int}", "c"),
            websocket("/a/{x}", "ws"),
            host("h.org", [get("/a/{x}", "d")]),
            host("{s}.h.org", [get("/a/{x}", "e")]),
        ]
    )


def test_explicit_head_does_not_conflict_with_automatic_head() -> None:
    compile_routes([get("/a", "a"), route("/a", "h", ["HEAD"])])
    with pytest.raises(RouteConflict, match="HEAD /a"):
        compile_routes([route("/a", "a", ["GET", "HEAD"]), route("/a", "h", ["HEAD"])])


def test_hosts_with_the_same_shape_conflict() -> None:
    with pytest.raises(RouteConflict):
        compile_routes([host("{a}.h.org", [get("/", "x")]), host("{b}.H.org", [get("/", "y")])])


def test_two_app_mounts_at_one_prefix_conflict() -> None:
    with pytest.raises(RouteConflict, match=r"\* /static"):
        compile_routes([mount("/static", object()), mount("/static/", object())])


def test_duplicate_names_conflict() -> None:
    with pytest.raises(RouteConflict, match="'home'"):
        compile_routes([get("/", "a", name="home"), get("/x", "b", name="home")])
    with pytest.raises(RouteConflict, match="'api:x'"):
        compile_routes(
            [mount("/v1", [get("/x", "a", name="x")], name="api"), get("/y", "b", name="api:x")]
        )
    with pytest.raises(RouteConflict, match="'files'"):
        compile_routes([mount("/f", object(), name="files"), mount("/g", [], name="files")])


def test_same_child_names_in_different_mounts_are_fine() -> None:
    compile_routes(
        [
            mount("/a", [get("/", "a", name="index")], name="a"),
            mount("/b", [get("/", "b", name="index")], name="b"),
        ]
    )


def test_conflicts_raise_before_prepare_is_called() -> None:
    from lette_fp.routing import Router

    calls: list[object] = []
    with pytest.raises(RouteConflict):
        Router(
            [get("/a", "a"), get("/a", "b")],
            prepare=lambda r, m, n: calls.append(r),
            prepare_app=lambda m, mw: calls.append(m),
        )
    assert calls == []
