from __future__ import annotations

from lette_fp.routing import NOT_FOUND, Found, MethodNotAllowed, get, mount, post
from lette_fp.routing.flatten import flatten
from lette_fp.routing.table import PathTable


def table_of(routes: list[object]) -> PathTable:
    leaves = flatten(routes).leaves  # type: ignore[arg-type]
    return PathTable((leaf, getattr(leaf.source, "handler", "app")) for leaf in leaves)


def test_static_paths_are_prebuilt_results() -> None:
    table = table_of([get("/a", "a"), post("/a", "p")])
    assert table.find is None
    assert table.static["/a"]["GET"] == Found("a", {}, "")
    assert table.static["/a"]["HEAD"] is table.static["/a"]["GET"]
    assert table.static["/a"][None] == MethodNotAllowed(("GET", "HEAD", "POST"))


def test_app_mount_exact_prefix_is_static_any() -> None:
    table = table_of([mount("/static", object())])
    assert table.static["/static"] == {}
    assert table.static_any["/static"] == Found("app", {}, "/static")
    assert table.find is not None


def test_match_and_matches_any() -> None:
    table = table_of([get("/a/{x}", "a"), post("/b", "b")])
    assert table.match("GET", "/a/1") == Found("a", {"x": "1"}, "")
    assert table.match("GET", "/b") == MethodNotAllowed(("POST",))
    assert table.match("GET", "/c") is NOT_FOUND
    assert table.matches_any("/a/1") and table.matches_any("/b")
    assert not table.matches_any("/a/1/")
