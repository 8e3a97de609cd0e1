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


def _reference_parse(body: bytes) -> list[tuple[bytes, bytes]]:
    """python-multipart's own parse of `body`, with no squeezing in front."""
    from python_multipart import QuerystringParser

    fields: list[tuple[bytes, bytes]] = []
    current = [b"", b""]

    def start() -> None:
        current[:] = [b"", b""]

    def name(data: bytes, a: int, b: int) -> None:
        current[0] += data[a:b]

    def value(data: bytes, a: int, b: int) -> None:
        current[1] += data[a:b]

    def end() -> None:
        fields.append((current[0], current[1]))

    parser = QuerystringParser({"on_field_start": start, "on_field_name": name, "on_field_data": value, "on_field_end": end})
    parser.write(body)
    parser.finalize()
    return fields


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.just(b"&"), st.just(b"="), st.binary(min_size=1, max_size=5)), max_size=30),
    st.lists(st.integers(min_value=0, max_value=3000), max_size=30),
)
async def test_squeezing_runs_of_ampersands_parses_like_python_multipart(pieces: list[bytes], runs: list[int]) -> None:
    body = b"".join(piece + b"&" * run for piece, run in zip(pieces, runs + [0] * len(pieces), strict=False))
    parsed.clear()
    out = await drive(app, [body], headers=[(b"content-type", b"application/x-www-form-urlencoded")])
    assert out.status == 204
    from lette_fp.http.url import decode_part as decode_component

    assert parsed == [[(decode_component(k), decode_component(v)) for k, v in _reference_parse(body)]]
