"""The auth example: login form, session cookie, `requires` with ?next=, admin scope, logout."""

import re

import httpx
import pytest

from examples import auth
from lette_fp import Request
from lette_fp.testing import TestClient


@pytest.fixture
def client() -> TestClient:
    return TestClient(auth.app, follow_redirects=False)


def log_in(client: TestClient, username: str, password: str, next_url: str | None = None) -> httpx.Response:
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login", data=data)


def test_the_private_page_sends_a_visitor_to_login_and_back(client: TestClient) -> None:
    bounced = client.get("/private")
    assert bounced.status_code == 303
    assert bounced.headers["location"] == "http://testserver/login?next=http%3A%2F%2Ftestserver%2Fprivate"

    form = client.get(bounced.headers["location"])
    assert form.status_code == 200
    assert '<input type="hidden" name="next" value="/private">' in form.text

    logged_in = log_in(client, "ann", "wonderland", "/private")
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "/private"
    cookie = logged_in.headers["set-cookie"]
    assert cookie.startswith("auth_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie

    private = client.get("/private")
    assert private.status_code == 200
    assert "Hello, ann!" in private.text
    assert '<span id="who">ann</span>' in private.text


def test_a_wrong_password_shows_the_form_again_with_the_name_and_next_kept(client: TestClient) -> None:
    for username, password in (("ann", "alice"), ("nobody", "wonderland"), ("", "")):
        refused = log_in(client, username, password, "/private")
        assert refused.status_code == 403
        assert "set-cookie" not in refused.headers
        assert '<p class="error" id="error">Wrong user name or password.</p>' in refused.text
        assert f'name="username" value="{username}"' in refused.text
        assert 'name="next" value="/private"' in refused.text
    assert client.get("/private").status_code == 303


def test_without_next_login_goes_home_and_home_names_the_user(client: TestClient) -> None:
    assert "You are not logged in" in client.get("/").text
    logged_in = log_in(client, "ann", "wonderland")
    assert logged_in.headers["location"] == "/"
    assert "You are logged in as <b>ann</b>" in client.get("/").text


@pytest.mark.parametrize(
    "target",
    ["http://evil.example/private", "//evil.example/private", "/\\evil.example", "https://testserver/private", "private", "javascript:alert(1)", "/pri\nvate"],
)
def test_next_never_leaves_the_site(client: TestClient, target: str) -> None:
    assert auth.safe_next(Request.build("GET", "/login", headers={"host": "testserver"}), target) is None
    assert log_in(client, "ann", "wonderland", target).headers["location"] == "/"


def test_next_may_be_a_full_url_on_this_site_and_keeps_its_query(client: TestClient) -> None:
    assert log_in(client, "ann", "wonderland", "http://testserver/private?tab=2").headers["location"] == "/private?tab=2"


def test_the_admin_pages_need_the_admin_scope(client: TestClient) -> None:
    assert client.get("/admin/").status_code == 303
    log_in(client, "ann", "wonderland")
    denied = client.get("/admin/")
    assert (denied.status_code, denied.json()) == (403, {"detail": "Forbidden"})

    client.cookies.clear()
    log_in(client, "root", "correct horse")
    admin = client.get("/admin/")
    assert admin.status_code == 200
    assert re.findall(r"<li>(\w+) <code>([^<]*)</code></li>", admin.text) == [("ann", "-"), ("root", "admin")]
    assert "<code>authenticated, admin</code>" in client.get("/private").text


def test_logout_ends_the_session(client: TestClient) -> None:
    log_in(client, "ann", "wonderland")
    out = client.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert "auth_session=;" in out.headers["set-cookie"]
    assert client.get("/private").status_code == 303
    assert "You are not logged in" in client.get("/").text


def test_a_tampered_session_cookie_is_no_session(client: TestClient) -> None:
    cookie = log_in(client, "ann", "wonderland").headers["set-cookie"].split(";")[0].split("=", 1)[1]
    payload, stamp, signature = cookie.split(".")
    client.cookies.clear()
    client.cookies.set("auth_session", "eyJ1c2VyIjoicm9vdCJ9" + "." + stamp + "." + signature)  # {"user":"root"}
    assert client.get("/admin/").status_code == 303
    client.cookies.set("auth_session", cookie)
    assert client.get("/private").status_code == 200


def test_the_login_form_is_bounded(client: TestClient) -> None:
    assert client.post("/login", data={"username": "ann", "password": "x" * 5000}).status_code == 413
    too_many = client.post("/login", data={"username": "ann", "password": "x", "next": "/", "extra": "1"})
    assert too_many.json() == {"detail": "Too many fields in the form (limit 3)"}
    with_file = client.post("/login", data={"username": "ann"}, files={"password": ("p.txt", b"wonderland")})
    assert with_file.json() == {"detail": "Too many files in the form (limit 0)"}


def test_passwords_are_stored_as_salted_hashes() -> None:
    ann = auth.USERS["ann"]
    assert b"wonderland" not in ann.password_hash
    assert auth.make_user("x", "wonderland").password_hash != auth.make_user("x", "wonderland").password_hash
    assert auth.check_password("ann", "wonderland") == ann
    assert auth.check_password("ann", "Wonderland") is None
