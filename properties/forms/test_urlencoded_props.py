"""Urlencoded forms: whatever httpx encodes parses back equal however the body is split; any bytes
parse without error."""

from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Request, Response, empty, post
from tests.drive import drive

parsed: list[list[tuple[str, Any]]] = []


async def record(req: Request) -> Response:
    parsed.append((await req.form()).multi_items())
    return empty()


app = App(routes=[post("/", record)])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.text(min_size=1, max_size=12), st.lists(st.text(max_size=30), min_size=1, max_size=3), min_size=1, max_size=6),
    st.lists(st.integers(min_value=0), max_size=10),
)
async def test_an_encoded_form_parses_back_equal(data: dict[str, list[str]], cuts: list[int]) -> None:
    request = httpx.Request("POST", "http://x/", data=data)
    parsed.clear()
    out = await drive(app, split(request.read(), cuts), headers=list(request.headers.raw))
    assert out.status == 204
    assert parsed == [[(name, value) for name, values in data.items() for value in values]]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(min_value=0), max_size=6))
async def test_any_bytes_parse_without_error(body: bytes, cuts: list[int]) -> None:
    out = await drive(app, split(body, cuts), headers=[(b"content-type", b"application/x-www-form-urlencoded")])
    assert out.status == 204
