"""What a client receives from a stream is the chunks' concatenation, in order, whatever the chunks."""

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, get, stream
from lette_fp.asgi.streaming import pump
from lette_fp.http.streams import Mapped
from lette_fp.testing import TestClient

chunk = st.one_of(st.binary(max_size=64), st.text(max_size=32))


async def run(app: App, method: str = "GET") -> list[dict[str, Any]]:
    scope = {"type": "http", "method": method, "path": "/", "root_path": "", "query_string": b"", "headers": []}
    sent: list[dict[str, Any]] = []
    first = True

    async def receive() -> dict[str, Any]:
        nonlocal first
        if not first:
            await anyio.sleep_forever()
        first = False
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with anyio.fail_after(5):
        await app(scope, receive, send)
    return sent


def as_bytes(item: bytes | str) -> bytes:
    return item.encode() if isinstance(item, str) else item


@settings(max_examples=200, deadline=None)
@given(st.lists(chunk, max_size=30), st.booleans())
def test_the_body_is_the_concatenation_of_the_chunks(chunks: list[bytes | str], sync: bool) -> None:
    async def source() -> AsyncIterator[bytes | str]:
        for item in chunks:
            yield item

    app = App([get("/", lambda req: stream(iter(chunks) if sync else source()))])
    sent = anyio.run(run, app)
    start, *bodies = sent
    assert start["type"] == "http.response.start" and start["status"] == 200
    assert b"".join(m["body"] for m in bodies) == b"".join(as_bytes(c) for c in chunks)
    assert [m.get("more_body", False) for m in bodies] == [True] * (len(bodies) - 1) + [False]
    assert [m["body"] for m in bodies[:-1]] == [as_bytes(c) for c in chunks if as_bytes(c)]


def split(content: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(content)) for cut in cuts} | {0, len(content)})
    return [content[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(min_value=0, max_value=3000), max_size=20))
def test_a_client_reads_the_same_bytes_however_the_source_cuts_them(content: bytes, cuts: list[int]) -> None:
    app = App([get("/", lambda req: stream(split(content, cuts)))])
    with TestClient(app) as client, client.stream("GET", "/") as resp:
        assert b"".join(resp.iter_raw()) == content


async def pumped(chunks: Any) -> list[bytes]:
    sent: list[bytes] = []

    async def receive() -> dict[str, Any]:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["body"])

    with anyio.fail_after(5):
        assert not await pump(chunks, receive, send, shielded=False)
    return sent


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=100, deadline=None)
@given(st.lists(chunk, max_size=30))
def test_the_pump_maps_a_mapped_body_as_iterating_it_would(backend: str, items: list[bytes | str]) -> None:
    async def source() -> AsyncIterator[bytes | str]:
        for item in items:
            yield item

    async def both() -> tuple[list[bytes], list[bytes]]:
        fused = await pumped(Mapped(source(), as_bytes))
        generic = await pumped(aiter(Mapped(source(), as_bytes)))
        return fused, generic

    fused, generic = anyio.run(both, backend=backend)
    assert fused == generic == [as_bytes(item) for item in items if as_bytes(item)]


class Boom(Exception):
    """Raised by a generated source."""


async def pump_outcome(
    variant: str, chunks: list[bytes | str], fail_at: int | None, leave_after: int | None, ping: float = 0.0
) -> tuple[Any, ...]:
    """Pump `chunks` through one pump variant (with an idle ping every `ping` seconds, unless 0);
    return what the client got and how it ended."""
    from lette_fp.asgi import streaming

    closed: list[bool] = []
    got: list[bytes] = []

    async def source() -> AsyncIterator[bytes | str]:
        try:
            for index, item in enumerate(chunks):
                if index == fail_at:
                    raise Boom(index)
                yield item
        finally:
            closed.append(True)

    async def receive() -> dict[str, Any]:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if leave_after is not None and len(got) >= leave_after:
            raise OSError("the client left")
        got.append(message["body"])

    try:
        with anyio.fail_after(5):
            if variant == "reference":
                left = await streaming._pump_in_group(streaming._Source(source(), ping, b": ping"), receive, send)
            else:
                left = await streaming.pump(source(), receive, send, ping, b": ping", shielded=variant == "scoped")
        outcome: Any = left
    except Boom as exc:
        outcome = ("raised", exc.args)
    return got, outcome, closed


@settings(max_examples=150, deadline=None)
@given(
    st.lists(chunk, max_size=12),
    st.one_of(st.none(), st.integers(0, 12)),
    st.one_of(st.none(), st.integers(0, 12)),
    st.sampled_from(["scoped", "native"]),
    st.sampled_from([0.0, 15.0]),
)
def test_the_asyncio_pumps_behave_as_the_reference_pump(
    chunks: list[bytes | str], fail_at: int | None, leave_after: int | None, variant: str, ping: float
) -> None:
    reference = anyio.run(pump_outcome, "reference", chunks, fail_at, leave_after, ping, backend="asyncio")
    fast = anyio.run(pump_outcome, variant, chunks, fail_at, leave_after, ping, backend="asyncio")
    assert fast == reference
