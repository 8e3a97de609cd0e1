import pytest

from lette_fp import App, HTTPError, Request, Response, get, json, text
from lette_fp.http.cookies import MAX_COOKIES, parse_cookies, set_cookie_value
from lette_fp.testing import TestClient


def test_parse_cookies_like_a_browser_sends_them() -> None:
    assert parse_cookies('a=1; b="two"; c=; =d; e') == {"a": "1", "b": "two", "c": "", "": "e"}


def test_set_cookie_value_has_every_attribute() -> None:
    value = set_cookie_value(
        "sid", "abc", max_age=60, path="/app", domain="example.org", secure=True, httponly=True, samesite="strict"
    )
    assert value == "sid=abc; Max-Age=60; Path=/app; Domain=example.org; Secure; HttpOnly; SameSite=strict"


def test_unsafe_values_are_quoted_as_http_cookies_does_and_bad_names_refused() -> None:
    assert set_cookie_value("k", "a;b c").startswith('k="a\\073b c";')
    assert set_cookie_value("k", "Hello, cookies!").startswith('k="Hello\\054 cookies!";')
    with pytest.raises(ValueError):
        set_cookie_value("bad name", "v")
    with pytest.raises(ValueError):
        set_cookie_value("k", "v", path="/x; Domain=evil")


@pytest.mark.parametrize("value", ["Hello, cookies!", "plain", 'quote " and \\ backslash', "a;b=c d", "é 日本 ☃", "\x00\r\n", ""])
def test_a_value_reads_back_as_it_was_set(value: str) -> None:
    header = set_cookie_value("k", value).split("; Path=")[0]
    assert parse_cookies(header) == {"k": value}


def test_a_value_quoted_by_starlette_reads_back() -> None:
    assert parse_cookies('k="Hello\\054 cookies!"; l="caf\\351"') == {"k": "Hello, cookies!", "l": "café"}


def test_cookies_round_trip_through_a_client_as_in_starlette() -> None:
    def set_it(req: Request) -> Response:
        return text("set").with_cookie("k", "Hello, cookies!")

    def read_it(req: Request) -> Response:
        return json(req.cookies)

    client = TestClient(App(routes=[get("/set", set_it), get("/read", read_it)]))
    client.get("/set")
    assert client.get("/read").json() == {"k": "Hello, cookies!"}


def test_more_cookies_than_the_limit_is_400() -> None:
    parse_cookies("; ".join(f"c{i}=v" for i in range(MAX_COOKIES)) + ";;;;")
    with pytest.raises(HTTPError) as caught:
        parse_cookies("; ".join(f"c{i}=v" for i in range(MAX_COOKIES + 1)))
    assert (caught.value.status, caught.value.detail) == (400, f"Too many cookies (limit {MAX_COOKIES})")


def test_the_limit_counts_every_cookie_header_together() -> None:
    def read_it(req: Request) -> Response:
        return json(len(req.cookies))

    client = TestClient(App(routes=[get("/", read_it)]))
    half = "; ".join(f"c{i}=v" for i in range(MAX_COOKIES // 2 + 1))
    other = "; ".join(f"d{i}=v" for i in range(MAX_COOKIES // 2 + 1))
    resp = client.get("/", headers=[("cookie", half), ("cookie", other)])
    assert (resp.status_code, resp.json()) == (400, {"detail": f"Too many cookies (limit {MAX_COOKIES})"})
    assert client.get("/", headers=[("cookie", half)]).json() == MAX_COOKIES // 2 + 1
