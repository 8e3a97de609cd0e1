"""For any body and any chunking, gunzip of what the client receives equals the original."""

import gzip as gzip_format
from collections.abc import AsyncIterator

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Request, Response, post, raw
from lette_fp.http.entities import Stream
from lette_fp.middleware import gzip
from lette_fp.testing import TestClient


async def echo(req: Request) -> Response:
    req = await req.read()
    body = req.bytes()
    cuts = [int(c) for c in req.headers.get("x-cuts", "").split(",") if c]
    if req.headers.get("x-mode") == "bytes":
        return raw(body, media_type="application/octet-stream")
    edges = [0, *sorted(min(c, len(body)) for c in cuts), len(body)]

    async def chunks() -> AsyncIterator[bytes]:
        for start, end in zip(edges, edges[1:], strict=False):
            yield body[start:end]

    return Response(200, (), Stream(chunks()))


app = App([post("/", echo)], middleware=[gzip(minimum_size=64, compresslevel=6)])
bodies = st.binary(max_size=4000) | st.text(alphabet="ab \n", max_size=4000).map(str.encode)


@settings(max_examples=150, deadline=None)
@given(bodies, st.lists(st.integers(0, 4000), max_size=12), st.sampled_from(["bytes", "stream"]),
       st.sampled_from(["gzip", "gzip, br", "identity", "br;q=1, *;q=0.5"]))
def test_gunzip_of_what_the_client_gets_is_the_original(body: bytes, cuts: list[int], mode: str, accept: str) -> None:
    headers = {"x-cuts": ",".join(map(str, cuts)), "x-mode": mode, "accept-encoding": accept}
    with TestClient(app) as client, client.stream("POST", "/", content=body, headers=headers) as resp:
        received = b"".join(resp.iter_raw())
        encoding = resp.headers.get("content-encoding")
    compressed = accept != "identity" and (mode == "stream" or len(body) >= 64)
    assert encoding == ("gzip" if compressed else None)
    assert (gzip_format.decompress(received) if compressed else received) == body
