from __future__ import annotations

from lette_fp.routing import Found, get

from .helpers import compile_routes


def test_generated_source_for_a_small_table() -> None:
    router = compile_routes([get("/users/{id:int}", "user")])
    source = router._default.source
    assert "s0 == 'users'" in source
    assert "def find(path, method):" in source


def test_many_literal_children_use_a_dispatch_dict() -> None:
    router = compile_routes([get(f"/r{i}/{{id:int}}", f"r{i}") for i in range(20)])
    assert ".get(s0)" in router._default.source
    assert router.match("GET", "/r13/5") == Found("r13", {"id": 5}, "")


def test_deep_tables_are_split_into_functions() -> None:
    deep = "/" + "/".join(f"x{i}/{{p{i}}}" for i in range(30))
    router = compile_routes([get(deep, "deep")])
    assert "(segs, n, method, pre)" in router._default.source
    path = "/" + "/".join(f"x{i}/v{i}" for i in range(30))
    found = router.match("GET", path)
    assert isinstance(found, Found)
    assert found.params == {f"p{i}": f"v{i}" for i in range(30)}


def test_literal_text_is_quoted_safely() -> None:
    odd = "it's \"quoted\" \\ \n"
    router = compile_routes([get(f"/{odd}/{{x}}", "odd")])
    assert router.match("GET", f"/{odd}/1") == Found("odd", {"x": "1"}, "")


def test_inline_int_params_accept_ascii_digits_only_and_never_fail_on_length() -> None:
    router = compile_routes([get("/users/{id:int}", "user"), get("/deep/{a:int}/" + "/".join(f"x{i}" for i in range(45)), "deep")])
    assert router.match("GET", "/users/0042") == Found("user", {"id": 42}, "")
    for bad in ("/users/-1", "/users/+1", "/users/1.5", "/users/²", "/users/١", "/users/", "/users/" + "9" * 5000):
        assert not isinstance(router.match("GET", bad), Found), bad
    deep = "/deep/7/" + "/".join(f"x{i}" for i in range(45))
    assert router.match("GET", deep) == Found("deep", {"a": 7}, "")
