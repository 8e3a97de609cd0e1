import pytest

from lette_fp.http.cookies import parse_cookies, set_cookie_value


def test_parse_cookies_like_a_browser_sends_them() -> None:
    assert parse_cookies('a=1; b="two"; c=; =d; e') == {"a": "1", "b": "two", "c": "", "": "e"}


def test_set_cookie_value_has_every_attribute() -> None:
    value = set_cookie_value(
        "sid", "abc", max_age=60, path="/app", domain="example.org", secure=True, httponly=True, samesite="strict"
    )
    assert value == "sid=abc; Max-Age=60; Path=/app; Domain=example.org; Secure; HttpOnly; SameSite=strict"


def test_unsafe_values_are_encoded_and_bad_names_refused() -> None:
    assert set_cookie_value("k", "a;b c").startswith("k=a%3Bb%20c;")
    with pytest.raises(ValueError):
        set_cookie_value("bad name", "v")
    with pytest.raises(ValueError):
        set_cookie_value("k", "v", path="/x; Domain=evil")
