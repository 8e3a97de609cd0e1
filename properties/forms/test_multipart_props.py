"""Multipart forms: whatever httpx encodes parses back equal (however the body is split), and no
byte string as a multipart body gives a 500 or a hang."""

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lette_fp import App, Request, Response, UploadFile, empty, post
from tests.drive import drive

# Names and file names: any text but what HTML5 form encoding escapes (`"`, control characters),
# which a server can't tell apart from the escape itself, and `\` (python-multipart's
# Content-Disposition parser mis-splits a quoted value ending in an escaped backslash).
names = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'), max_size=12)
filenames = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'), min_size=1, max_size=12
)
content_types = st.sampled_from(["application/octet-stream", "text/plain; charset=utf-8", "image/png"])
fields = st.dictionaries(names, st.lists(st.text(max_size=40), min_size=1, max_size=3), max_size=4)
files = st.lists(st.tuples(names, filenames, st.binary(max_size=3000), content_types), min_size=1, max_size=4)

parsed: list[list[tuple[str, Any]]] = []


async def record(req: Request) -> Response:
    form = await req.form()
    items: list[tuple[str, Any]] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            items.append((name, (value.filename, value.content_type, await value.read(), value.size)))
        else:
            items.append((name, value))
    parsed.append(items)
    return empty()


app = App(routes=[post("/", record)])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields, files, st.lists(st.integers(min_value=0), max_size=10))
async def test_an_encoded_form_parses_back_equal(
    data: dict[str, list[str]], uploads: list[tuple[str, str, bytes, str]], cuts: list[int]
) -> None:
    request = httpx.Request(
        "POST", "http://x/", data=data, files=[(name, (filename, content, ctype)) for name, filename, content, ctype in uploads]
    )
    parsed.clear()
    out = await drive(app, split(request.read(), cuts), headers=list(request.headers.raw))
    assert out.status == 204, out.body
    expected = [(name, value) for name, values in data.items() for value in values]
    expected += [(name, (filename, ctype, content, len(content))) for name, filename, content, ctype in uploads]
    assert parsed == [expected]


def valid_body() -> bytes:
    request = httpx.Request("POST", "http://x/", data={"a": "1"}, files={"f": ("f.txt", b"hello", "text/plain")},
                            headers={"content-type": "multipart/form-data; boundary=xx"})
    return request.read()


def mutate(body: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(body)
    for position, byte in edits:
        if out:
            out[position % len(out)] = byte
    return bytes(out)


hostile_bodies = (
    st.binary(max_size=600)
    | st.builds(mutate, st.just(valid_body()), st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=4))
    | st.builds(lambda n: valid_body()[:n], st.integers(min_value=0, max_value=400))
)
hostile_types = st.sampled_from([b"multipart/form-data; boundary=xx", b"multipart/form-data; boundary=", b"multipart/form-data"]) | st.binary(
    max_size=60
).map(lambda b: b"multipart/form-data; boundary=" + b.replace(b"\r", b"").replace(b"\n", b""))


@settings(max_examples=300, deadline=None)
@given(hostile_bodies, hostile_types, st.lists(st.integers(min_value=0), max_size=6))
async def test_any_bytes_as_a_multipart_body_is_never_a_500_or_a_hang(body: bytes, content_type: bytes, cuts: list[int]) -> None:
    out = await drive(app, split(body, cuts), headers=[(b"content-type", content_type)], timeout=5)
    assert out.status in (204, 400), out.body
