import pytest

from lette_fp.http.headers import Headers, header_pair, raw_headers


def test_lookup_is_case_insensitive_and_first_value_wins() -> None:
    headers = Headers(raw_headers([("X-Token", "a"), ("x-token", "b"), ("Accept", "text/html")]))
    assert headers["X-TOKEN"] == "a"
    assert headers.get("x-token") == "a"
    assert headers.getall("X-Token") == ["a", "b"]
    assert "ACCEPT" in headers
    assert "missing" not in headers
    assert headers.get("missing") is None
    assert headers.get("missing", "d") == "d"


def test_iteration_yields_each_name_once() -> None:
    headers = Headers(raw_headers([("a", "1"), ("B", "2"), ("a", "3")]))
    assert list(headers) == ["a", "b"]
    assert len(headers) == 2
    assert headers.items_all() == [("a", "1"), ("b", "2"), ("a", "3")]


def test_arbitrary_bytes_decode_without_error() -> None:
    headers = Headers(((b"x-bin", b"\xff\xfe\x00"),))
    assert headers["x-bin"] == "\xff\xfe\x00"


def test_mapping_and_pairs_give_the_same_raw_headers() -> None:
    assert raw_headers({"Content-Type": "text/plain"}) == raw_headers([("content-type", b"text/plain")])

BAD_VALUES = ["a\r\nx-injected: yes", "a\nb", "a\rb", "a\x00b", "a\x7fb", "日本"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_value_with_a_control_or_non_latin1_character_is_refused_naming_the_header(value: str) -> None:
    with pytest.raises(ValueError, match="'x-echo'"):
        header_pair("x-echo", value)
    with pytest.raises(ValueError, match="'x-echo'"):
        raw_headers({"x-echo": value})
    with pytest.raises(ValueError, match="'x-echo'"):
        raw_headers([(b"x-echo", value.encode("utf-8") if value.isascii() else value)])


@pytest.mark.parametrize("name", ["x echo", "x-echo:", "x\r\necho", "", "é"])
def test_a_name_that_is_not_a_token_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invalid header name"):
        header_pair(name, "v")


def test_tabs_latin1_and_surrounding_space_are_fine() -> None:
    assert header_pair("X-Ok", "  a\tb é ") == (b"x-ok", "a\tb é".encode("latin-1"))
