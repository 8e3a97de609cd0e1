from __future__ import annotations

import uuid

import pytest

from lette_fp.routing import Found, NoMatchFound, get, register_converter
from lette_fp.routing.converters import FLOAT, INT, MISS, STR, UUID, get_converter

from .helpers import compile_routes


def test_builtin_parsers() -> None:
    assert STR.parse("abc") == "abc"
    assert STR.parse("") is MISS
    assert INT.parse("12") == 12
    assert INT.parse("1a") is MISS
    assert INT.parse("\u00b2") is MISS
    assert INT.parse("9" * 5000) is MISS
    assert FLOAT.parse("1.25") == 1.25
    assert FLOAT.parse("1e5") is MISS
    value = uuid.uuid4()
    assert UUID.parse(str(value)) == value
    assert UUID.parse(str(value).upper()) is MISS


def test_builtin_printers() -> None:
    assert INT.to_string(5) == "5"
    assert FLOAT.to_string(1e-7) == "0.0000001"
    assert FLOAT.to_string(2.5) == "2.5"
    assert float(FLOAT.to_string(1e22)) == 1e22
    with pytest.raises(ValueError):
        INT.to_string(-1)
    with pytest.raises(ValueError):
        FLOAT.to_string(float("nan"))


def test_custom_converter_matches_and_builds() -> None:
    register_converter(
        "yesno", "yes|no", lambda s: s == "yes", lambda v: "yes" if v else "no"
    )
    router = compile_routes([get("/flag/{on:yesno}", "flag", name="flag")])
    assert router.match("GET", "/flag/yes") == Found("flag", {"on": True}, "")
    assert router.match("GET", "/flag/no") == Found("flag", {"on": False}, "")
    assert router.match("GET", "/flag/maybe") != Found("flag", {"on": False}, "")
    assert router.url_path_for("flag", on=True) == "/flag/yes"


def test_to_python_value_error_means_no_match() -> None:
    def even(text: str) -> int:
        number = int(text)
        if number % 2:
            raise ValueError("odd")
        return number

    register_converter("even", "[0-9]+", even, str)
    router = compile_routes([get("/n/{n:even}", "even"), get("/n/{n}", "other")])
    assert router.match("GET", "/n/4") == Found("even", {"n": 4}, "")
    assert router.match("GET", "/n/3") == Found("other", {"n": "3"}, "")


def test_custom_converter_in_a_mixed_segment() -> None:
    register_converter("hex", "[0-9a-f]+", lambda s: int(s, 16), lambda v: format(v, "x"))
    router = compile_routes([get("/c/#{rgb:hex}", "colour", name="c")])
    assert router.match("GET", "/c/#ff00aa") == Found("colour", {"rgb": 0xFF00AA}, "")
    assert router.url_path_for("c", rgb=255) == "/c/#ff"


def test_registry_rules() -> None:
    with pytest.raises(ValueError, match="cannot be replaced"):
        register_converter("path", ".*", str, str)
    with pytest.raises(ValueError, match="not an identifier"):
        register_converter("a-b", ".*", str, str)
    with pytest.raises(ValueError, match="invalid regex"):
        register_converter("broken", "(", str, str)
    with pytest.raises(KeyError):
        get_converter("never-registered")


def test_printed_value_must_match_the_regex() -> None:
    register_converter("lower", "[a-z]+", str, str)
    router = compile_routes([get("/l/{w:lower}", "l", name="l")])
    with pytest.raises(NoMatchFound, match="does not match"):
        router.url_path_for("l", w="ABC")
