"""static_files: real files on disk, every path-escape rule, html mode, errors, real servers."""

import contextlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lette_fp import App, mount, static_files
from lette_fp.staticfiles import safe_segments
from lette_fp.testing import TestClient
from tests.servers import ServerFactory


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text("body { color: red }")
    (root / "docs").mkdir()
    (root / "docs" / "index.html").write_text("<h1>docs</h1>")
    (root / "empty").mkdir()
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "404.html").write_text("<h1>lost</h1>")
    (root / "café.txt").write_text("coffee")
    sibling = tmp_path / "static-secret"
    sibling.mkdir()
    (sibling / "secret.txt").write_text("top secret")
    (tmp_path / "outside.txt").write_text("outside")
    os.symlink(tmp_path / "outside.txt", root / "link-out.txt")
    os.symlink(root / "css" / "site.css", root / "link-in.css")
    return root


def client_for(directory: Path, **options: bool) -> TestClient:
    return TestClient(App([mount("/static", static_files(directory=directory, **options))]), follow_redirects=False)


def test_serves_files_with_everything_file_does(site: Path) -> None:
    client = client_for(site)
    resp = client.get("/static/css/site.css")
    assert resp.status_code == 200 and resp.text == "body { color: red }"
    assert resp.headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/static/caf%C3%A9.txt").text == "coffee"
    assert client.get("/static/css/site.css", headers={"if-none-match": resp.headers["etag"]}).status_code == 304
    part = client.get("/static/css/site.css", headers={"range": "bytes=0-3"})
    assert part.status_code == 206 and part.text == "body"
    head = client.head("/static/css/site.css")
    assert head.content == b"" and head.headers["content-length"] == "19"
    assert client.get("/static/link-in.css").text == "body { color: red }"


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e/static-secret/secret.txt",
        "/static/css/%2e%2e/%2e%2e/static-secret/secret.txt",
        "/static/link-out.txt",
        "/static/css/site.css%00.png",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        "/static/..%5c..%5cstatic-secret%5csecret.txt",
        "/static/css%5csite.css",
        "/static/" + "a" * 300,
        "/static/" + "/".join(["a"] * 3000),
        "/static/missing.css",
        "/static/css",
        "/static/css/",
        "/static",
    ],
)
def test_paths_that_escape_or_name_nothing_are_404(site: Path, path: str) -> None:
    resp = client_for(site).get(path)
    assert resp.status_code == 404
    assert b"secret" not in resp.content and b"outside" not in resp.content


def test_follow_symlinks_allows_links_pointing_outside(site: Path) -> None:
    client = client_for(site, follow_symlinks=True)
    assert client.get("/static/link-out.txt").text == "outside"
    assert client.get("/static/%2e%2e/static-secret/secret.txt").status_code == 404


def test_only_get_and_head_are_allowed(site: Path) -> None:
    resp = client_for(site).post("/static/css/site.css")
    assert resp.status_code == 405 and "GET" in resp.headers["allow"]


def test_html_mode_index_redirect_and_404_page(site: Path) -> None:
    client = client_for(site, html=True)
    assert client.get("/static/docs/").text == "<h1>docs</h1>"
    redirect = client.get("/static/docs?tab=2")
    assert redirect.status_code == 307 and redirect.headers["location"] == "/static/docs/?tab=2"
    assert client.get("/static").headers["location"] == "/static/"
    assert client.get("/static/").text == "<h1>home</h1>"
    lost = client.get("/static/nope.html")
    assert lost.status_code == 404 and lost.text == "<h1>lost</h1>"
    assert client.get("/static/empty/").status_code == 404
    assert client.get("/static/link-out.txt").text == "<h1>lost</h1>"


def test_a_missing_directory_is_an_error_when_the_app_is_built(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="does not exist"):
        App([mount("/static", static_files(directory=tmp_path / "nope"))])


def test_packages_serve_their_statics_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "mythemepkg"
    (package / "statics").mkdir(parents=True)
    (package / "assets").mkdir()
    (package / "__init__.py").write_text("")
    (package / "statics" / "theme.css").write_text("theme")
    (package / "assets" / "logo.svg").write_text("<svg/>")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = App([
        mount("/a", static_files(packages=["mythemepkg"])),
        mount("/b", static_files(packages=[("mythemepkg", "assets")])),
    ])
    client = TestClient(app)
    assert client.get("/a/theme.css").text == "theme"
    assert client.get("/b/logo.svg").text == "<svg/>"
    with pytest.raises(RuntimeError, match="can't be found"):
        static_files(packages=["no_such_package_here"])
    sys.modules.pop("mythemepkg", None)


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block without root's right to read anything (a normal user needs no change)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_a_permission_error_is_401() -> None:
    root = Path(tempfile.mkdtemp(prefix="lette-static-"))
    try:
        root.chmod(0o755)
        (root / "ok.txt").write_text("ok")
        (root / "unreadable.txt").write_text("no")
        (root / "unreadable.txt").chmod(0o000)
        (root / "locked").mkdir()
        (root / "locked" / "inner.txt").write_text("no")
        (root / "locked").chmod(0o000)
        client = client_for(root)
        assert client.get("/static/ok.txt").text == "ok"
        with unprivileged():
            unreadable = client.get("/static/unreadable.txt")
            locked = client.get("/static/locked/inner.txt")
            readable = client.get("/static/ok.txt")
        assert unreadable.status_code == 401 and locked.status_code == 401
        assert readable.text == "ok"
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)


def raw_get(base_url: str, target: bytes) -> bytes:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_static_files_through_real_servers(serve: ServerFactory, site: Path) -> None:
    app = App([mount("/static", static_files(directory=site, html=True))])
    with serve(app) as base, httpx.Client(base_url=base, follow_redirects=True) as client:
        assert client.get("/static/css/site.css").text == "body { color: red }"
        assert client.get("/static/docs").text == "<h1>docs</h1>"
        for target in [b"/static/../static-secret/secret.txt", b"/static/link-out.txt", b"/static/a%00b"]:
            answer = raw_get(base, target)
            assert answer.split(b" ")[1] in (b"400", b"404") and b"top secret" not in answer


def test_safe_segments() -> None:
    assert safe_segments("a/b/c.txt") == ["a", "b", "c.txt"]
    assert safe_segments("a/") == ["a"]
    assert safe_segments("") == []
    for bad in ["../x", "a/./b", "a//b", "/abs", "a\\b", "a\0b", "x" * 256]:
        assert safe_segments(bad) is None
