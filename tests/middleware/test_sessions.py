import logging
import time
from base64 import b64encode
from types import MappingProxyType
from typing import Any

import pytest
from itsdangerous import TimestampSigner

from lette_fp import App, Request, Response, get, json, post, text
from lette_fp.middleware import sessions
from lette_fp.middleware.sessions import SessionCodec
from lette_fp.testing import TestClient

SECRET = "a secret nobody guesses"


def show(req: Request) -> Response:
    return json(dict(req.session))


def untouched(req: Request) -> Response:
    return text("no session used")


async def login(req: Request) -> Response:
    req = await req.read()
    return text("welcome").with_session({"user": req.text(), "roles": ["admin"]})


def logout(req: Request) -> Response:
    return text("bye").with_session(None)


def same_again(req: Request) -> Response:
    return text("same").with_session(dict(req.session))


def make_app(**options: Any) -> App:
    routes = [get("/", show), get("/untouched", untouched), post("/login", login),
              post("/logout", logout), get("/same", same_again)]
    return App(routes, middleware=[sessions(SECRET, **options)])


def test_a_session_set_by_a_handler_is_read_back_on_the_next_request() -> None:
    client = TestClient(make_app())
    assert client.get("/").json() == {}
    resp = client.post("/login", content=b"ann")
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith("session=")
    for attribute in ("Max-Age=1209600", "Path=/", "HttpOnly", "SameSite=lax"):
        assert attribute in cookie
    assert "Secure" not in cookie
    assert client.get("/").json() == {"user": "ann", "roles": ["admin"]}


def test_req_session_is_immutable() -> None:
    seen: list[Any] = []

    def mutate(req: Request) -> Response:
        seen.append(req.session)
        with pytest.raises(TypeError):
            req.session["user"] = "mallory"  # type: ignore[index]
        return text("ok")

    TestClient(App([get("/", mutate)], middleware=[sessions(SECRET)])).get("/")
    assert seen and not hasattr(seen[0], "__setitem__")


def test_set_cookie_only_when_the_session_changed() -> None:
    client = TestClient(make_app())
    assert "set-cookie" not in client.get("/").headers
    assert "set-cookie" not in client.get("/untouched").headers
    client.post("/login", content=b"ann")
    assert "set-cookie" not in client.get("/").headers
    assert "set-cookie" not in client.get("/same").headers
    assert "set-cookie" in client.post("/login", content=b"bob").headers
    assert client.get("/").json()["user"] == "bob"


def test_with_session_none_clears_the_cookie() -> None:
    client = TestClient(make_app())
    client.post("/login", content=b"ann")
    resp = client.post("/logout")
    cleared = resp.headers["set-cookie"]
    assert cleared.startswith("session=;")
    assert "Max-Age=0" in cleared
    assert client.get("/").json() == {}
    assert "set-cookie" not in client.post("/logout").headers


def test_vary_cookie_only_when_the_session_was_read() -> None:
    client = TestClient(make_app())
    assert client.get("/").headers["vary"] == "Cookie"
    assert "vary" not in client.get("/untouched").headers
    assert "vary" not in client.post("/login", content=b"ann").headers


def test_a_tampered_cookie_signed_with_another_key_or_garbage_is_an_empty_session() -> None:
    client = TestClient(make_app())
    good = client.post("/login", content=b"ann").headers["set-cookie"].split(";")[0].split("=", 1)[1]
    other = SessionCodec("another key").dumps({"user": "mallory"})
    payload, _, rest = good.partition(".")
    forged = b64encode(b'{"user":"mallory"}').decode() + "." + rest
    for value in (other, forged, good[:-1], good + "x", "garbage", "a.b.c", "é" * 10, "x" * 9000):
        fresh = TestClient(make_app())
        assert fresh.get("/", headers={"cookie": f"session={value}".encode()}).json() == {}, value
    assert TestClient(make_app()).get("/", headers={"cookie": f"session={good}"}).json()["user"] == "ann"


def test_an_expired_cookie_is_an_empty_session() -> None:
    class Signed3DaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 24 * 3600

    old = Signed3DaysAgo(SECRET).sign(b64encode(b'{"user":"ann"}')).decode()
    client = TestClient(make_app(max_age=2 * 24 * 3600))
    assert client.get("/", headers={"cookie": f"session={old}"}).json() == {}
    lenient = TestClient(make_app(max_age=4 * 24 * 3600))
    assert lenient.get("/", headers={"cookie": f"session={old}"}).json() == {"user": "ann"}


def test_cookie_options() -> None:
    client = TestClient(
        make_app(session_cookie="sid", max_age=None, path="/app", same_site="strict", https_only=True, domain="example.org"),
        base_url="https://testserver",
    )
    cookie = client.post("/login", content=b"ann").headers["set-cookie"]
    assert cookie.startswith("sid=")
    assert "Max-Age" not in cookie
    for attribute in ("Path=/app", "Domain=example.org", "Secure", "HttpOnly", "SameSite=strict"):
        assert attribute in cookie


def test_keys_rotate_oldest_first() -> None:
    old_cookie = SessionCodec("old key").dumps({"user": "ann"})
    rotated = App([get("/", show)], middleware=[sessions(["old key", "new key"])])
    assert TestClient(rotated).get("/", headers={"cookie": f"session={old_cookie}"}).json() == {"user": "ann"}
    assert SessionCodec("new key").loads(SessionCodec(["old key", "new key"]).dumps({"a": 1})) == {"a": 1}


def test_starlette_session_cookies_are_read_with_the_same_key() -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    def set_it(request: Any) -> PlainTextResponse:
        request.session["user"] = "ann"
        return PlainTextResponse("ok")

    theirs = Starlette(routes=[Route("/", set_it)], middleware=[Middleware(SessionMiddleware, secret_key=SECRET)])
    value = TestClient(theirs).get("/").cookies["session"]
    assert TestClient(make_app()).get("/", headers={"cookie": f"session={value}"}).json() == {"user": "ann"}


def test_an_empty_secret_key_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="secret_key"):
        sessions("")


def test_a_session_too_big_for_browsers_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def huge(req: Request) -> Response:
        return text("ok").with_session({"blob": "x" * 5000})

    with caplog.at_level(logging.WARNING, logger="lette_fp.sessions"):
        TestClient(App([get("/", huge)], middleware=[sessions(SECRET)])).get("/")
    assert "browsers drop cookies" in caplog.text


def test_with_session_keeps_a_read_only_copy() -> None:
    data = {"n": 1}
    resp = text("x").with_session(data)
    data["n"] = 2
    assert resp.attrs["session"] == {"n": 1}
    assert isinstance(resp.attrs["session"], MappingProxyType)
    assert text("x").with_session(None).attrs == {"session": None}
    assert text("x").attrs == {}


def test_req_session_without_the_middleware_says_what_is_missing() -> None:
    with pytest.raises(AttributeError, match="sessions"):
        Request.build().session  # noqa: B018
