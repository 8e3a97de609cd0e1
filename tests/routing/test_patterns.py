from __future__ import annotations

import pytest

from lette_fp.routing.converters import INT, PATH, STR
from lette_fp.routing.patterns import (
    LITERAL,
    MIXED,
    PARAM,
    REST,
    REST_MIXED,
    Param,
    normalize_host,
    parse_host,
    parse_path,
    parse_prefix,
)


def test_segments_and_kinds() -> None:
    pattern = parse_path("/users/{id:int}/files/{name}.{ext}/{rest:path}")
    assert [s.kind for s in pattern.segments] == [LITERAL, PARAM, LITERAL, MIXED, REST]
    assert [p.name for p in pattern.params] == ["id", "name", "ext", "rest"]
    assert pattern.segments[1].parts == (Param("id", INT),)
    assert parse_path("/dl/f-{p:path}").segments[-1].kind == REST_MIXED


def test_default_converter_is_str() -> None:
    assert parse_path("/{x}").params == (Param("x", STR),)


def test_trailing_slash_is_an_empty_segment() -> None:
    assert [s.key for s in parse_path("/a/").segments] == ["a", ""]
    assert [s.key for s in parse_path("/").segments] == [""]
    assert parse_path("/a/").is_static


def test_keys_ignore_param_names() -> None:
    assert parse_path("/u/{a:int}").key == parse_path("/u/{b:int}").key
    assert parse_path("/u/{a:int}").key != parse_path("/u/{a}").key
    assert parse_path("/f/{a}.{b}").key == parse_path("/f/{x}.{y}").key


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("users", "must start with '/'"),
        ("", "must start with '/'"),
        ("/{id", "unbalanced braces"),
        ("/id}", "unbalanced braces"),
        ("/{a{b}}", "unbalanced braces"),
        ("/{x:nope}", "unknown converter 'nope'"),
        ("/{1x}", "bad parameter"),
        ("/{x:}", "bad parameter"),
        ("/{}", "bad parameter"),
        ("/{p:path}/x", "'path' param must be the last"),
        ("/{p:path}.txt", "'path' param must be the last"),
        ("/{a}/{a:int}", "duplicate parameter 'a'"),
    ],
)
def test_invalid_patterns_name_the_pattern(pattern: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as info:
        parse_path(pattern)
    assert repr(pattern) in str(info.value)


def test_prefixes() -> None:
    assert parse_prefix("/").segments == ()
    assert parse_prefix("").segments == ()
    assert parse_prefix("/api/").source == "/api"
    with pytest.raises(ValueError, match="cannot use 'path'"):
        parse_prefix("/{p:path}")
    with pytest.raises(ValueError, match="must start with"):
        parse_prefix("api")


def test_concatenation_checks_duplicates() -> None:
    assert (parse_prefix("/{a}") + parse_path("/{b}")).source == "/{a}/{b}"
    with pytest.raises(ValueError, match="duplicate parameter 'a'"):
        parse_prefix("/{a}") + parse_path("/{a}")


def test_host_patterns() -> None:
    static = parse_host("API.Example.org")
    assert static.static == "api.example.org"
    assert static.match("api.example.org") == {}
    assert static.match("www.example.org") is None
    sub = parse_host("{Sub}.example.org")
    assert sub.names == ("Sub",)
    assert sub.match("acme.example.org") == {"Sub": "acme"}
    assert sub.match("a.b.example.org") is None
    assert sub.match("example.org") is None


@pytest.mark.parametrize("bad", ["", "a.org:0", "a.org:99999", "a.org:x", ":80", "a.org/x", "{n:int}.a.org", "{a}.{a}.org"])
def test_invalid_host_patterns(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_host(bad)


def test_a_host_pattern_may_carry_a_port_used_for_urls_not_matching() -> None:
    pattern = parse_host("Port.example.org:3600")
    assert (pattern.static, pattern.port) == ("port.example.org", 3600)
    assert pattern.match("port.example.org") == {}
    assert pattern.build({}) == "port.example.org:3600"
    sub = parse_host("{sub}.example.org:8443")
    assert sub.build({"sub": "Acme"}) == "acme.example.org:8443"
    assert sub.build({}) is None
    for bad in ({"sub": "a.b"}, {"sub": ""}):
        with pytest.raises(ValueError, match="do not fit"):
            sub.build(bad)


def test_normalize_host() -> None:
    assert normalize_host("Example.ORG:8080") == "example.org"
    assert normalize_host("example.org.") == "example.org"
    assert normalize_host("[::1]:8000") == "[::1]"
    assert normalize_host("[::1]") == "[::1]"


def test_path_is_a_builtin_that_takes_anything() -> None:
    assert PATH.parse("a/b") == "a/b"
