"""multipart/form-data: what parses, and every limit and malformation as a 400 with its reason."""

import httpx
import pytest

from lette_fp import FormData, HTTPError, Request, UploadFile

PHOTO = {"photo": ("p.png", b"png", "image/png")}


def multipart(fields: dict[str, str] | None = None, files: dict[str, tuple[str, bytes, str]] | None = None) -> Request:
    """A request with the form as httpx encodes it (multipart as long as there is a file)."""
    encoded = httpx.Request("POST", "http://x/", data=fields, files=files)
    return Request.build("POST", "/", headers=list(encoded.headers.raw), body=encoded.read())


def raw(body: bytes, content_type: str = "multipart/form-data; boundary=xx") -> Request:
    return Request.build("POST", "/", headers={"content-type": content_type}, body=body)


async def error_of(req: Request, **limits: int) -> HTTPError:
    with pytest.raises(HTTPError) as caught:
        await req.form(**limits)
    return caught.value


async def test_fields_and_files_parse_in_order() -> None:
    form = await multipart({"name": "Zoë", "tag": "a"}, {"doc": ("r\u00e9sum\u00e9.txt", b"\x00\xffdata", "text/plain")}).form()
    assert form["name"] == "Zoë" and form["tag"] == "a"
    doc = form["doc"]
    assert isinstance(doc, UploadFile)
    assert (doc.filename, doc.content_type, doc.size) == ("résumé.txt", "text/plain", 6)
    assert doc.headers["content-disposition"].startswith("form-data;")
    assert await doc.read() == b"\x00\xffdata"


async def test_repeated_names_and_an_empty_file_name_are_kept() -> None:
    body = (
        b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
        b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n"
        b"--xx\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n"
        b"--xx--\r\n"
    )
    form = await raw(body).form()
    assert form.getall("a") == ["1", "2"]
    empty = form["f"]
    assert isinstance(empty, UploadFile) and empty.filename == "" and empty.size == 0


async def test_the_declared_charset_decodes_names_and_values() -> None:
    body = b"--xx\r\nContent-Disposition: form-data; name=\"caf\xe9\"\r\n\r\n\xe9t\xe9\r\n--xx--\r\n"
    form = await raw(body, "multipart/form-data; boundary=xx; charset=latin-1").form()
    assert form.multi_items() == [("café", "été")]


async def test_undecodable_text_is_replaced_not_an_error() -> None:
    body = b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--xx--\r\n"
    assert (await raw(body).form())["a"] == "\ufffd"


async def test_too_many_files_or_fields() -> None:
    files = {f"f{i}": (f"{i}.txt", b"x", "text/plain") for i in range(3)}
    assert (await error_of(multipart(files=files), max_files=2)).detail == "Too many files in the form (limit 2)"
    fields = {f"k{i}": "v" for i in range(3)}
    assert (await error_of(multipart(fields, files), max_fields=2)).detail == "Too many fields in the form (limit 2)"
    assert len(await multipart(fields, files).form(max_files=3, max_fields=3)) == 6


async def test_a_field_over_max_part_size_but_not_a_file() -> None:
    err = await error_of(multipart({"big": "x" * 11}, PHOTO), max_part_size=10)
    assert err.status == 400 and err.detail == "Form field 'big' is over the limit of 10 bytes"
    form = await multipart({"ok": "x" * 10}, {"f": ("f.bin", b"y" * 100, "application/octet-stream")}).form(max_part_size=10)
    assert form["ok"] == "x" * 10
    assert isinstance(form["f"], UploadFile) and form["f"].size == 100


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"--xx--\r\n", "multipart/form-data", "Missing boundary in the multipart/form-data Content-Type"),
        (b"--xx--\r\n", "multipart/form-data; boundary=" + "b" * 201, "Multipart boundary over 200 characters"),
        (b"--xx\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xx--\r\n", None, "A multipart part has no name in its Content-Disposition header"),
        (b"--xx\r\nContent-Type: text/plain\r\n\r\nv\r\n--xx--\r\n", None, "A multipart part has no name in its Content-Disposition header"),
        (b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished", None, "The multipart body ended before its closing boundary"),
        (b"not multipart at all", None, "Invalid multipart body: "),
        (b"--xx\r\nX: " + b"h" * 5000 + b"\r\n\r\nv\r\n--xx--\r\n", None, "Invalid multipart body: Maximum header size exceeded"),
    ],
)
async def test_malformed_bodies_are_400_with_a_reason(body: bytes, content_type: str | None, reason: str) -> None:
    err = await error_of(raw(body, content_type or "multipart/form-data; boundary=xx"))
    assert err.status == 400
    assert str(err.detail).startswith(reason)


async def test_an_empty_body_is_an_empty_form() -> None:
    assert await raw(b"").form() == FormData()
    assert await raw(b"--xx--\r\n").form() == FormData()
