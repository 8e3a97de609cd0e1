import pytest

from lette_fp import App, Request, Response, get, text
from lette_fp.middleware import https_redirect
from lette_fp.middleware.https_redirect import to_https
from lette_fp.testing import TestClient


def hello(req: Request) -> Response:
    return text(f"hello over {req.scheme}")


app = App([get("/{p:path}", hello)], middleware=[https_redirect()])


@pytest.mark.parametrize(
    ("base", "path", "location"),
    [
        ("http://example.org", "/a/b?x=1&y=%20", "https://example.org/a/b?x=1&y=%20"),
        ("http://example.org:80", "/", "https://example.org/"),
        ("http://example.org:8080", "/p", "https://example.org:8080/p"),
        ("http://example.org", "/caf%C3%A9", "https://example.org/caf%C3%A9"),
    ],
)
def test_plain_http_is_redirected_to_https_keeping_path_and_query(base: str, path: str, location: str) -> None:
    resp = TestClient(app, base_url=base, follow_redirects=False).get(path)
    assert resp.status_code == 307
    assert resp.headers["location"] == location


def test_https_requests_pass() -> None:
    resp = TestClient(app, base_url="https://example.org").get("/")
    assert resp.status_code == 200
    assert resp.text == "hello over https"


def test_a_client_following_the_redirect_lands_on_https() -> None:
    resp = TestClient(app, base_url="http://example.org").get("/x?q=1")
    assert resp.url == "https://example.org/x?q=1"
    assert resp.text == "hello over https"


def test_websocket_handshakes_go_from_ws_to_wss() -> None:
    req = Request.build(path="/chat", query="room=1", headers={"host": "example.org"}, scheme="ws")
    resp = to_https(req)
    assert isinstance(resp, Response)
    assert resp.status == 307
    assert resp.header("location") == "wss://example.org/chat?room=1"
    secure = Request.build(headers={"host": "example.org"}, scheme="wss")
    assert to_https(secure) is secure
