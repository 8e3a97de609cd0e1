"""Any JSON value msgspec can encode round-trips through `req.json()`, however the body is split
into ASGI messages (empty messages included)."""

from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Request, Response, empty, post
from tests.drive import drive

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)

decoded: list[Any] = []


async def record(req: Request) -> Response:
    req = await req.read()
    decoded.append(req.json())
    return empty()


app = App(routes=[post("/", record)])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    chunks = [data[a:b] for a, b in zip(points, points[1:], strict=False)]
    return [b"", *chunks, b""] if len(cuts) % 2 else chunks


@settings(max_examples=150, deadline=None)
@given(json_values, st.lists(st.integers(min_value=0), max_size=12))
async def test_json_round_trips_for_any_chunking(value: Any, cuts: list[int]) -> None:
    body = msgspec.json.encode(value)
    decoded.clear()
    out = await drive(app, split(body, cuts), headers=[(b"content-type", b"application/json")])
    assert out.status == 204
    assert decoded == [value]
