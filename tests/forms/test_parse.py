"""`await req.form()` on real requests: the Content-Type, streaming once, spooling, closing files."""

import hashlib
import os

import httpx
import pytest

from lette_fp import App, HTTPError, Request, Response, UploadFile, json, on_request, post
from lette_fp.testing import TestClient
from tests.drive import drive
from tests.servers import ServerFactory

seen: list[UploadFile] = []
after_response: list[bytes] = []


async def describe(req: Request) -> Response:
    form = await req.form()
    out = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            out[name] = {"filename": value.filename, "size": value.size, "on_disk": value.on_disk,
                         "sha256": hashlib.sha256(data).hexdigest()}
        else:
            out[name] = value
    return json(out)


async def twice(req: Request) -> Response:
    first = await req.form()
    second = await req.replace(path="/copy").form()
    try:
        await req.read()
    except RuntimeError as exc:
        message = str(exc)
    return json({"same": first is second, "read_after_form": message})


async def keep(req: Request) -> Response:
    form = await req.form()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    seen.append(upload)

    async def read_in_background() -> None:
        await upload.seek(0)
        after_response.append(await upload.read())

    return json({"closed": upload.file.closed}).with_background(read_in_background)


async def read_then_form(req: Request) -> Response:
    req = await req.read()
    form = await req.form()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    return json({"on_disk": upload.on_disk, "size": upload.size})


async def peek(req: Request) -> Request:
    await req.read()
    return req


async def failing_twice(req: Request) -> Response:
    statuses = []
    for _ in range(2):
        try:
            await req.form(max_fields=1)
        except HTTPError as exc:
            statuses.append(exc.status)
    return json(statuses)


app = App(
    routes=[
        post("/describe", describe),
        post("/twice", twice),
        post("/keep", keep),
        post("/read-then-form", read_then_form),
        post("/peeked", describe, middleware=[on_request(peek)]),
        post("/failing", failing_twice),
        post("/small", describe, max_body_size=1000),
    ],
    max_body_size=64 * 1024 * 1024,
)
client = TestClient(app)
BIG = os.urandom(3 * 1024 * 1024)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "content_type", [None, "application/json", "text/plain", "multipart/mixed; boundary=x", "application/x-www-form-urlencodedx"]
)
def test_a_body_that_is_not_a_form_is_415(content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    resp = client.post("/describe", content=b"a=1", headers=headers)
    assert resp.status_code == 415
    assert resp.json() == {"detail": "Expected a form: application/x-www-form-urlencoded or multipart/form-data"}


def test_urlencoded_and_multipart_through_the_app() -> None:
    assert client.post("/describe", data={"a": "1", "b": "é"}).json() == {"a": "1", "b": "é"}
    resp = client.post("/describe", data={"a": "1"}, files={"f": ("x.bin", b"hi", "application/octet-stream")})
    assert resp.json() == {"a": "1", "f": {"filename": "x.bin", "size": 2, "on_disk": False, "sha256": sha(b"hi")}}


def test_a_large_file_is_spooled_to_disk() -> None:
    resp = client.post("/describe", files={"f": ("big.bin", BIG, "application/octet-stream")})
    assert resp.json()["f"] == {"filename": "big.bin", "size": len(BIG), "on_disk": True, "sha256": sha(BIG)}


def test_form_is_parsed_once_and_shared_by_copies_of_the_request() -> None:
    assert client.post("/twice", data={"a": "1"}).json() == {
        "same": True,
        "read_after_form": "the body was already consumed by req.stream() or req.form()",
    }


def test_files_stay_open_for_background_tasks_and_are_closed_after_the_response() -> None:
    seen.clear()
    after_response.clear()
    resp = client.post("/keep", files={"f": ("big.bin", BIG, "application/octet-stream")})
    assert resp.json() == {"closed": False}
    assert after_response == [BIG]
    assert len(seen) == 1 and seen[0].file.closed


def test_a_read_request_parses_its_bytes_in_memory() -> None:
    resp = client.post("/read-then-form", files={"f": ("big.bin", BIG, "application/octet-stream")})
    assert resp.json() == {"on_disk": False, "size": len(BIG)}


def test_form_after_a_middleware_read_the_body() -> None:
    resp = client.post("/peeked", data={"a": "1"}, files={"f": ("x", b"y", "text/plain")})
    assert resp.json()["a"] == "1" and resp.json()["f"]["size"] == 1


def test_a_parse_error_is_raised_again_not_a_consumed_stream() -> None:
    assert client.post("/failing", data={"a": "1", "b": "2"}).json() == [400, 400]


def test_a_form_over_the_body_limit_is_413() -> None:
    resp = client.post("/small", files={"f": ("x", b"y" * 2000, "text/plain")})
    assert resp.status_code == 413


async def test_a_form_split_over_many_messages_parses() -> None:
    encoded = httpx.Request("POST", "http://x/", data={"a": "1"}, files={"f": ("x.bin", BIG[:100_000], "text/plain")})
    body = encoded.read()
    chunks = [body[i:i + 997] for i in range(0, len(body), 997)]
    out = await drive(app, chunks, path="/describe", headers=list(encoded.headers.raw))
    assert out.json() == {"a": "1", "f": {"filename": "x.bin", "size": 100_000, "on_disk": False, "sha256": sha(BIG[:100_000])}}


async def test_a_form_over_the_limit_without_content_length_stops_reading() -> None:
    boundary = b"--xx\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n"
    out = await drive(app, [boundary] + [b"z" * 100] * 50, path="/small",
                      headers=[(b"content-type", b"multipart/form-data; boundary=xx")])
    assert out.status == 413
    assert out.received < 50


def test_uploads_through_a_real_server(serve: ServerFactory) -> None:
    with serve(app) as base, httpx.Client(base_url=base, timeout=20) as http:
        resp = http.post("/describe", data={"name": "Zoë"}, files={"f": ("big.bin", BIG, "application/octet-stream")})
        assert resp.status_code == 200
        assert resp.json() == {"name": "Zoë", "f": {"filename": "big.bin", "size": len(BIG), "on_disk": True, "sha256": sha(BIG)}}
        assert http.post("/describe", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
        assert http.post("/describe", content=b"--x\r\n", headers={"content-type": "multipart/form-data; boundary=x"}).status_code == 400
        assert http.post("/small", files={"f": ("x", b"y" * 2000, "text/plain")}).status_code == 413
