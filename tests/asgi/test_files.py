"""Sending files: whole, ranges, 304, HEAD without reading, pathsend, errors; real servers too."""

import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from lette_fp import App, Request, Response, file, get
from lette_fp.testing import TestClient
from tests.servers import ServerFactory

CONTENT = bytes(range(256)) * 1200  # 300 KiB: several read chunks


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(CONTENT)
    return path


def app_for(path: Path, **options: Any) -> App:
    return App([get("/f", lambda req: file(path, **options))])


def test_whole_file_with_validators(data_file: Path) -> None:
    with TestClient(app_for(data_file, filename="data.bin")) as client:
        resp = client.get("/f")
    assert resp.status_code == 200 and resp.content == CONTENT
    assert resp.headers["content-length"] == str(len(CONTENT))
    assert resp.headers["accept-ranges"] == "bytes"
    assert resp.headers["content-disposition"] == 'attachment; filename="data.bin"'
    assert resp.headers["etag"] and resp.headers["last-modified"]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_ranges_and_conditionals(data_file: Path, backend: str) -> None:
    client = TestClient(app_for(data_file), backend=backend)
    single = client.get("/f", headers={"range": "bytes=100000-100009"})
    assert single.status_code == 206 and single.content == CONTENT[100000:100010]
    assert single.headers["content-range"] == f"bytes 100000-100009/{len(CONTENT)}"
    multi = client.get("/f", headers={"range": "bytes=-10,0-9"})
    assert multi.status_code == 206
    assert multi.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert len(multi.content) == int(multi.headers["content-length"])
    assert CONTENT[:10] in multi.content and CONTENT[-10:] in multi.content
    etag = single.headers["etag"]
    not_modified = client.get("/f", headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert client.get("/f", headers={"range": "bytes=0-9", "if-range": '"old"'}).content == CONTENT
    assert client.get("/f", headers={"range": "bytes=999999-"}).status_code == 416
    bad = client.get("/f", headers={"range": "lines=1-2"})
    assert bad.status_code == 400 and "bytes" in bad.json()["detail"]


def test_ten_thousand_ranges_answer_fast_and_bounded(data_file: Path) -> None:
    client = TestClient(app_for(data_file))
    overlapping = "bytes=" + ",".join(f"{i}-{i + 100}" for i in range(10_000))
    disjoint = "bytes=" + ",".join(f"{i * 10}-{i * 10 + 1}" for i in range(10_000))
    started = time.perf_counter()
    merged = client.get("/f", headers={"range": overlapping})
    ignored = client.get("/f", headers={"range": disjoint})
    assert time.perf_counter() - started < 2
    assert merged.status_code == 206 and merged.content == CONTENT[:10_100]
    assert ignored.status_code == 200 and len(ignored.content) == len(CONTENT)


def test_head_sends_headers_without_ever_reading_the_file(data_file: Path) -> None:
    info = os.stat(data_file)
    app = App([get("/f", lambda req: file(data_file, stat_result=info))])
    data_file.unlink()
    client = TestClient(app)
    head = client.head("/f")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(CONTENT))
    assert client.get("/f").status_code == 404


@pytest.mark.parametrize("target", ["missing.txt", "."])
def test_a_missing_file_or_a_directory_is_404(tmp_path: Path, target: str) -> None:
    resp = TestClient(app_for(tmp_path / target)).get("/f")
    assert resp.status_code == 404 and resp.json() == {"detail": "Not Found"}


def test_other_statuses_are_sent_whole_without_conditions(data_file: Path) -> None:
    app = App([get("/f", lambda req: file(data_file, status=404))])
    resp = TestClient(app).get("/f", headers={"range": "bytes=0-1"})
    assert resp.status_code == 404 and resp.content == CONTENT


async def call(app: Any, headers: list[tuple[bytes, bytes]], extensions: dict[str, Any]) -> list[dict[str, Any]]:
    scope = {
        "type": "http", "method": "GET", "path": "/f", "root_path": "", "query_string": b"",
        "headers": headers, "extensions": extensions, "http_version": "1.1", "scheme": "http",
    }
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if requested:
            await anyio.sleep_forever()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def test_pathsend_is_used_for_whole_files_when_offered(data_file: Path) -> None:
    app = app_for(data_file)
    sent = await call(app, [], {"http.response.pathsend": {}})
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    assert sent[1]["path"] == str(data_file) and os.path.isabs(sent[1]["path"])
    ranged = await call(app, [(b"range", b"bytes=0-9")], {"http.response.pathsend": {}})
    assert [m["type"] for m in ranged] == ["http.response.start", "http.response.body", "http.response.body"]
    assert ranged[1]["body"] == CONTENT[:10]
    plain = await call(app, [], {})
    assert b"".join(m.get("body", b"") for m in plain) == CONTENT
    assert len(plain) > 3


def test_files_through_real_servers(serve: ServerFactory, data_file: Path) -> None:
    def download(req: Request) -> Response:
        return file(data_file, filename="données.bin")

    with serve(App([get("/f", download)])) as base, httpx.Client(base_url=base) as client:
        whole = client.get("/f")
        assert whole.content == CONTENT
        assert "filename*=utf-8''donn%C3%A9es.bin" in whole.headers["content-disposition"]
        part = client.get("/f", headers={"range": "bytes=10-19,-5"})
        assert part.status_code == 206 and len(part.content) == int(part.headers["content-length"])
        assert client.get("/f", headers={"if-none-match": whole.headers["etag"]}).status_code == 304
        head = client.head("/f")
        assert head.content == b"" and head.headers["content-length"] == str(len(CONTENT))


def test_a_client_hanging_up_mid_download_is_not_an_error(
    serve: ServerFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 * 1024 * 1024))
    with caplog.at_level(logging.INFO), serve(app_for(big)) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"GET /f HTTP/1.1\r\nHost: t\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        with httpx.Client(base_url=base) as client:
            assert client.get("/f", headers={"range": "bytes=0-9"}).content == big.read_bytes()[:10]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
