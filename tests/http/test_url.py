from urllib.parse import unquote_to_bytes

import pytest

from lette_fp.http.errors import HTTPError
from lette_fp.http.url import MAX_BARE_PERCENTS, URL, QueryParams, percent_decode, split_host


def test_query_is_multi_valued_and_decoded() -> None:
    q = QueryParams.parse(b"a=1&b=x+y&a=2&c=%E2%9C%93&empty=")
    assert q["a"] == "1"
    assert q.getall("a") == ["1", "2"]
    assert q.get("b") == "x y"
    assert q["c"] == "\u2713"
    assert q["empty"] == ""
    assert "zzz" not in q
    assert q.multi_items() == [("a", "1"), ("b", "x y"), ("a", "2"), ("c", "\u2713"), ("empty", "")]


def test_invalid_percent_encoding_and_utf8_never_fail() -> None:
    q = QueryParams.parse(b"a=%ZZ&b=%ff&%=x")
    assert q["a"] == "%ZZ"
    assert q["b"] == "\ufffd"


def test_too_many_query_fields_is_a_400() -> None:
    with pytest.raises(HTTPError) as info:
        QueryParams.parse(b"&".join(b"k=v" for _ in range(5000)))
    assert info.value.status == 400


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.org", ("example.org", None)),
        ("Example.ORG:8080", ("example.org", 8080)),
        ("[::1]:443", ("[::1]", 443)),
        ("127.0.0.1", ("127.0.0.1", None)),
        ("evil.com/path", None),
        ("a b", None),
        ("host:99999999", None),
        ("user@host", None),
        ("", None),
        (None, None),
    ],
)
def test_host_header_is_validated(value: str | None, expected: tuple[str, int | None] | None) -> None:
    assert split_host(value) == expected


def test_url_str_omits_default_port_and_keeps_path() -> None:
    assert str(URL("https", "example.org", 443, "/a b", "x=1")) == "https://example.org/a%20b?x=1"
    assert str(URL("http", "example.org", 8000, "//evil.com/x")) == "http://example.org:8000//evil.com/x"


def test_lone_percent_signs_stay_and_too_many_are_400() -> None:
    assert QueryParams.parse(b"q=100%&r=%zz%41").multi_items() == [("q", "100%"), ("r", "%zzA")]
    assert QueryParams.parse(b"q=" + b"%" * MAX_BARE_PERCENTS)["q"] == "%" * MAX_BARE_PERCENTS
    with pytest.raises(HTTPError) as caught:
        QueryParams.parse(b"q=" + b"%" * (MAX_BARE_PERCENTS + 1))
    assert caught.value.status == 400


def test_a_megabyte_of_escapes_decodes_like_the_stdlib() -> None:
    raw = b"%41%e9=%3d+" * 100_000
    assert percent_decode(raw) == unquote_to_bytes(raw)
