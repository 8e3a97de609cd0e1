from __future__ import annotations

import pytest

from lette_fp.routing import Host, Mount, Route, get, host, mount, patch, put, route, websocket


def test_constructors_build_frozen_routes() -> None:
    r = patch("/a", "h", name="n", middleware=["m"], flag=True)
    assert r == Route("/a", "h", ("PATCH",), "n", ("m",), r.options)
    assert dict(r.options) == {"flag": True}
    assert r.full_path == "/a"
    with pytest.raises(AttributeError):
        r.path = "/b"  # type: ignore[misc]
    assert put("/a", "h").methods == ("PUT",)
    assert websocket("/ws", "h").kind == "websocket"
    assert websocket("/ws", "h").methods == ("WEBSOCKET",)


def test_invalid_routes() -> None:
    with pytest.raises(ValueError, match="must start with"):
        get("users", "h")
    with pytest.raises(ValueError, match="no methods"):
        route("/", "h", [])
    with pytest.raises(ValueError, match="use websocket"):
        route("/", "h", ["WEBSOCKET"])


def test_mount_targets() -> None:
    app = object()
    assert mount("/a", app).app is app
    assert mount("/a", app).routes is None
    assert mount("/a", [get("/", "h")]).routes == (get("/", "h"),)
    assert mount("/a/", app).prefix == "/a"
    assert isinstance(host("a.org", app), Host)
    with pytest.raises(TypeError):
        mount("/a", ["not a route"])
    with pytest.raises(ValueError, match="'path' param"):
        mount("/{path}", app)
    with pytest.raises(ValueError):
        Mount("/a")
    with pytest.raises(ValueError):
        mount("/a", None)
