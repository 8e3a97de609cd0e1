"""The uploads example: multipart uploads within limits, stored under random ids, downloaded
with Content-Length and Range, on the test client and on real servers."""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from examples.uploads import Settings, clean_name, create_app, human_size
from lette_fp.testing import TestClient
from tests.servers import ServerFactory

KiB = 1024


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "uploads", max_request_bytes=64 * KiB, max_files=2, quota_bytes=100 * KiB)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def test_an_upload_is_listed_and_downloads_whole_or_in_ranges(client: TestClient, settings: Settings) -> None:
    data = os.urandom(10 * KiB)
    created = client.post("/files", files={"file": ("report.pdf", data, "application/pdf")})
    assert created.status_code == 201
    [stored] = created.json()["files"]
    assert (stored["name"], stored["size"]) == ("report.pdf", len(data))
    assert client.get("/files").json()["files"] == [stored]

    whole = client.get(stored["url"])
    assert whole.content == data
    assert whole.headers["content-length"] == str(len(data))
    assert whole.headers["content-type"] == "application/pdf"
    assert whole.headers["content-disposition"] == 'attachment; filename="report.pdf"'
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["x-content-type-options"] == "nosniff"

    resumed = client.get(stored["url"], headers={"range": "bytes=4096-"})
    assert resumed.status_code == 206
    assert resumed.headers["content-range"] == f"bytes 4096-{len(data) - 1}/{len(data)}"
    assert resumed.content == data[4096:]
    assert client.get(stored["url"], headers={"if-none-match": whole.headers["etag"]}).status_code == 304


def test_the_clients_file_name_is_only_a_label(client: TestClient, settings: Settings) -> None:
    created = client.post("/files", files={"file": ("../../etc/passwd", b"root:x:0:0")}).json()["files"][0]
    assert created["name"] == "passwd"
    assert sorted(p.suffix for p in settings.directory.iterdir()) == [".bin", ".json"]
    assert {p.stem for p in settings.directory.iterdir()} == {created["id"]}
    assert clean_name("C:\\Users\\ann\\a\x00b\x1f.txt") == "ab.txt"
    assert clean_name("..") == "upload" and clean_name("") == "upload"
    assert len(clean_name("x" * 500)) == 120


def test_several_files_in_one_upload(client: TestClient) -> None:
    created = client.post("/files", files=[("file", ("a.txt", b"a")), ("file", ("b.txt", b"bb"))])
    assert [(f["name"], f["size"]) for f in created.json()["files"]] == [("a.txt", 1), ("b.txt", 2)]
    assert {f["name"] for f in client.get("/files").json()["files"]} == {"a.txt", "b.txt"}


def test_refusals_say_why(client: TestClient, settings: Settings) -> None:
    too_big = client.post("/files", files={"file": ("big.bin", b"x" * (64 * KiB + 1))})
    assert too_big.status_code == 413
    assert too_big.json() == {"detail": "Uploads are limited to 64 KiB per request"}

    too_many = client.post("/files", files=[("file", (f"{n}.txt", b"x")) for n in range(3)])
    assert (too_many.status_code, too_many.json()) == (400, {"detail": "Too many files in the form (limit 2)"})

    nothing = client.post("/files", files={"file": ("", b"")})
    assert (nothing.status_code, nothing.json()) == (400, {"detail": "Choose a file to upload"})
    assert client.post("/files", data={"note": "no file"}).json() == {"detail": "Choose a file to upload"}
    assert client.post("/files", json={"file": "x"}).status_code == 415

    assert client.get("/files").json() == {"files": []}
    assert list(settings.directory.iterdir()) == []


def test_a_full_directory_refuses_with_507(client: TestClient, settings: Settings) -> None:
    for n in range(3):
        assert client.post("/files", files={"file": (f"{n}.bin", b"x" * 30 * KiB)}).status_code == 201
    full = client.post("/files", files={"file": ("one-more.bin", b"x" * 30 * KiB)})
    assert (full.status_code, full.json()) == (507, {"detail": "The upload directory is full (100 KiB in all)"})
    assert len(client.get("/files").json()["files"]) == 3


def test_delete_and_unknown_ids(client: TestClient, settings: Settings) -> None:
    url = client.post("/files", files={"file": ("a.txt", b"a")}).json()["files"][0]["url"]
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert client.get(url).json() == {"detail": "No such upload"}
    assert client.get("/files/not-a-uuid").status_code == 404
    assert list(settings.directory.iterdir()) == []


def test_the_page_shows_the_limits_and_points_at_the_api(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Up to <b>2 files</b> and <b>64 KiB</b> per upload" in page.text
    assert '<form id="upload" method="post" action="/files" enctype="multipart/form-data">' in page.text
    assert "upload.onprogress" in page.text


def test_settings_come_from_the_environment_with_safe_defaults(tmp_path: Path) -> None:
    default = Settings.from_env({})
    assert default.directory.name == "lette_fp-uploads"
    assert (default.max_request_bytes, default.max_files, default.quota_bytes) == (10 * 1024 * KiB, 5, 200 * 1024 * KiB)
    custom = Settings.from_env({"UPLOADS_DIR": str(tmp_path / "u"), "UPLOADS_MAX_BYTES": "2048", "UPLOADS_MAX_FILES": "1", "UPLOADS_QUOTA_BYTES": "4096"})
    assert custom == Settings(tmp_path / "u", 2048, 1, 4096)


def test_the_directory_is_made_at_start_up(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    with TestClient(create_app(Settings(target))):
        assert target.is_dir()


def test_human_sizes() -> None:
    assert [human_size(n) for n in (0, 1023, 1024, 1536, 10 * 1024 * KiB, 3 * 1024**3)] == [
        "0 bytes", "1023 bytes", "1 KiB", "1.5 KiB", "10 MiB", "3 GiB",
    ]


def test_a_large_upload_on_a_real_server_comes_back_identical_and_resumable(serve: ServerFactory, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * KiB)  # over the 1 MiB in-memory spool: goes through a temporary file
    app = create_app(Settings(tmp_path / "uploads", max_request_bytes=4 * 1024 * KiB))
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        stored = http.post("/files", files={"file": ("big.bin", data)}).json()["files"][0]
        received = b""
        with http.stream("GET", stored["url"]) as download:
            assert download.headers["content-length"] == str(len(data))
            for chunk in download.iter_bytes():
                received += chunk
                if len(received) >= len(data) // 2:
                    break
        rest = http.get(stored["url"], headers={"range": f"bytes={len(received)}-"})
        assert rest.status_code == 206
        assert hashlib.sha256(received + rest.content).digest() == hashlib.sha256(data).digest()

        refused = http.post("/files", files={"file": ("huge.bin", b"x" * (4 * 1024 * KiB + 1))})
        assert refused.status_code == 413
        assert refused.json() == {"detail": "Uploads are limited to 4 MiB per request"}
