from __future__ import annotations

import pytest

from lette_fp.routing import Route, get, host, mount, websocket
from lette_fp.routing.flatten import flatten


def test_leaves_carry_prefix_names_middleware_and_aliases() -> None:
    flat = flatten(
        [
            mount(
                "/users",
                [get("/", "index", name="index", middleware=["r"]), websocket("/ws", "ws")],
                name="users",
                middleware=["m"],
            )
        ]
    )
    index, ws = flat.leaves
    assert [p.source for p in index.patterns] == ["/users/", "/users"]
    assert index.full_name == "users:index"
    assert index.middleware == ("m", "r")
    assert isinstance(index.source, Route) and index.source.full_path == "/users/"
    assert index.prefix.source == "/users"
    assert ws.full_name is None
    assert ws.methods == ("WEBSOCKET",)
    assert flat.group_names == (("users", "mount at /users"),)


def test_app_mount_leaf() -> None:
    app = object()
    (leaf,) = flatten([mount("/{tenant}/static", app, name="static")]).leaves
    assert leaf.methods is None
    assert [p.source for p in leaf.patterns] == ["/{tenant}/static", "/{tenant}/static/{path:path}"]
    assert leaf.full_name == "static"


def test_root_app_mount_has_no_exact_alias() -> None:
    (leaf,) = flatten([mount("/", object())]).leaves
    assert [p.source for p in leaf.patterns] == ["/{path:path}"]


def test_hosts_set_the_host_and_the_names() -> None:
    (leaf,) = flatten([host("{sub}.a.org", [get("/x", "x", name="x")], name="sub")]).leaves
    assert leaf.host is not None and leaf.host.names == ("sub",)
    assert leaf.full_name == "sub:x"


def test_nested_hosts_are_refused() -> None:
    with pytest.raises(ValueError, match="nested"):
        flatten([host("a.org", [host("b.org", [get("/", "x")])])])


def test_host_and_path_params_must_differ() -> None:
    with pytest.raises(ValueError, match="repeats params"):
        flatten([host("{id}.a.org", [get("/{id}", "x")])])


def test_duplicate_params_across_mounts_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate parameter 'id'"):
        flatten([mount("/{id}", [get("/{id}", "x")])])


def test_describe_names_the_handler() -> None:
    def show() -> None: ...

    (leaf,) = flatten([get("/a", show, name="a")]).leaves
    assert "show" in leaf.describe() and "'a'" in leaf.describe()
