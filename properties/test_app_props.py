"""The standing reliability property: one App with a route for every parser lette_fp has, driven
with generated hostile requests and WebSocket frames. Whatever arrives, the answer is never a 5xx
(a WebSocket never closes with 1011), it comes within a time bound, and the memory a request
allocates stays within a bound proportional to what was sent."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lette_fp import (
    App,
    FormData,
    Request,
    Response,
    accept,
    file,
    get,
    json,
    post,
    route,
    text,
    websocket,
    ws_json,
)
from lette_fp.graphql import graphql
from lette_fp.middleware import cors, gzip, sessions
from tests.asgi.ws_fake import FakeClient
from tests.graphql.schema import schema

ANSWER_WITHIN = 10.0
"""Seconds an answer may take (generous: the machine running the suite may be busy)."""
MEMORY_PER_REQUEST = 8 * 1024 * 1024
"""Bytes a request may allocate at its peak beyond 10x what was sent."""


class Item(msgspec.Struct):
    name: str
    price: float
    extra: Any = None
    tags: list[str] = []


async def untyped_json(req: Request) -> Response:
    req = await req.read()
    return json({"kind": type(req.json()).__name__})


def typed_json(req: Request, item: Item) -> Response:
    return json({"name": item.name})


def mapping_json(req: Request, body: dict[str, Any]) -> Response:
    return json({"keys": len(body)})


async def form(req: Request, data: FormData) -> Response:
    return json({"fields": len(data)})


async def raw_form(req: Request) -> Response:
    return json({"fields": len(await req.form(max_fields=50, max_part_size=4096))})


def cookies(req: Request) -> Response:
    return json({"cookies": len(req.cookies), "session": len(req.attrs["session"])})


def query(req: Request) -> Response:
    q = req.query
    return json({"pairs": len(q.multi_items()), "first": q.get("q")})


def headers(req: Request) -> Response:
    h = req.headers
    return json({"names": len(h), "host": req.url.hostname, "url": str(req.url)})


def converters(req: Request, id: int, ratio: float, name: str, rest: str) -> Response:
    return json({"id": id, "ratio": ratio, "name": name, "rest": rest})


def uuid_route(req: Request) -> Response:
    return json({"key": str(req.path_params["key"])})


def download(req: Request) -> Response:
    return file(Path(__file__))


def echo_text(req: Request) -> Response:
    return text(req.path_params["word"] * 3)


async def echo_pipe(values: AsyncIterator[Item]) -> AsyncIterator[Any]:
    async for item in values:
        yield {"name": item.name}


def ws_items(req: Request) -> Response:
    return accept(ws_json(echo_pipe, Item))


APP = App(
    routes=[
        post("/json", untyped_json),
        post("/json/typed", typed_json),
        post("/json/mapping", mapping_json),
        post("/form", form),
        route("/form/raw", raw_form, methods=["POST", "PUT"]),
        get("/cookies", cookies),
        get("/query", query),
        get("/headers", headers),
        get("/items/{id:int}/{ratio:float}/{name}/{rest:path}", converters),
        get("/keys/{key:uuid}", uuid_route),
        get("/file", download),
        get("/words/{word}", echo_text),
        websocket("/ws", ws_items),
        graphql(schema, path="/graphql"),
    ],
    middleware=[
        cors(allow_origins=["https://ok.example"], allow_methods=["GET", "POST"], allow_headers=["x-token"]),
        gzip(minimum_size=10),
        sessions("a secret for the property"),
    ],
    max_body_size=256 * 1024,
)

PATHS = [
    "/json", "/json/typed", "/json/mapping", "/form", "/form/raw", "/cookies", "/query", "/headers",
    "/items/1/2.5/n/a/b", "/keys/00000000-0000-0000-0000-000000000001", "/file", "/words/hi", "/graphql",
]

header_value = st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
pathological = st.sampled_from([
    b"&" * 100_000, b"=" * 50_000, b"a=" * 20_000, b"[" * 50_000, b'{"a":' * 20_000, b"%" * 30_000,
    b"\x00" * 10_000, b"\xff" * 10_000, "é".encode() * 10_000, b"--" * 20_000,
])
body = st.one_of(
    st.binary(max_size=2000),
    pathological,
    st.builds(lambda v: msgspec.json.encode(v), st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
        max_leaves=20,
    )),
    st.builds(
        lambda boundary, parts: b"".join(
            b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + n + b"\"" + extra + b"\r\n\r\n" + v + b"\r\n"
            for n, extra, v in parts
        ) + b"--" + boundary + b"--\r\n",
        st.sampled_from([b"b0undary", b"x"]),
        st.lists(st.tuples(st.binary(max_size=10), st.sampled_from([b"", b'; filename="f.txt"', b"; filename*=x"]), st.binary(max_size=200)), max_size=4),
    ),
)
content_type = st.sampled_from([
    b"application/json", b"application/x-www-form-urlencoded", b"multipart/form-data; boundary=b0undary",
    b"multipart/form-data; boundary=x", b"multipart/form-data", b"multipart/form-data; boundary=" + b"a" * 300,
    b"application/graphql", b"text/plain", b"application/vnd.api+json", b"",
])
named_header = st.one_of(
    st.tuples(st.sampled_from([
        b"cookie", b"range", b"if-range", b"if-none-match", b"if-modified-since", b"origin", b"accept",
        b"accept-encoding", b"host", b"access-control-request-method", b"access-control-request-headers",
        b"access-control-request-private-network", b"content-length", b"authorization", b"x-forwarded-for",
    ]), header_value),
    st.tuples(st.just(b"range"), st.sampled_from([
        b"bytes=0-0", b"bytes=-1", b"bytes=" + b"0-1," * 2000, b"bytes=99999999999999999999-", b"bytes=5-2", b"items=1-2",
    ])),
    st.tuples(
        st.sampled_from([b"if-none-match", b"accept", b"accept-encoding", b"access-control-request-headers", b"origin"]),
        st.sampled_from([b'"a", ' * 50_000, b"," * 200_000, b"text/html" + b";q=1" * 50_000, b"x-h, " * 50_000, b"gzip;q=" + b"9" * 100_000]),
    ),
    st.tuples(st.just(b"cookie"), st.sampled_from([
        b"a=1; " * 3000, b"session=" + b"x" * 4000, b'k="\\054\\777"', b";" * 50_000, b"session=e30=.bad.sig",
    ])),
)
segment = st.one_of(st.text(max_size=30), st.sampled_from(["..", "%2e%2e", "%00", "-1", "1e309", "nan", "9" * 400]))
path = st.one_of(
    st.sampled_from(PATHS),
    st.builds(lambda parts: "/" + "/".join(parts), st.lists(segment, max_size=6)),
    st.builds(lambda s, r: f"/items/{s}/{s}/{s}/{r}", segment, segment),
    st.builds(lambda s: f"/keys/{s}", segment),
    st.builds(lambda s: f"/words/{s}", segment),
)
query_string = st.one_of(
    st.binary(max_size=500),
    st.sampled_from([b"&" * 100_000, b"q=" + b"%" * 10_000, b"a=1&" * 3000, b"query=%7B" + b"a%7B" * 2000]),
)
method = st.sampled_from(["GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE", "PATCH", "BREW"])
form_type = st.sampled_from([
    b"application/x-www-form-urlencoded", b"multipart/form-data; boundary=b0undary", b"multipart/form-data; boundary=x",
    b"multipart/form-data",
])
json_type = st.sampled_from([b"application/json", b"application/vnd.api+json", b""])
deep_json = st.builds(
    lambda opener, depth: opener + b"[" * depth,
    st.sampled_from([b"", b'{"a":', b'{"name":"n","price":1,"extra":', b'{"query":"{ hello }","variables":{"v":']),
    st.sampled_from([100_000, 5_000, 1_000]),
)
json_body = st.one_of(deep_json, body)
form_body = st.one_of(
    st.builds(lambda n, tail: b"&" * n + tail, st.integers(min_value=1000, max_value=200_000), st.binary(max_size=20)),
    body,
)
small = st.binary(max_size=50)
TARGETS = [
    ("POST", "/json", json_type, json_body), ("POST", "/json/typed", json_type, json_body),
    ("POST", "/json/mapping", json_type, json_body), ("POST", "/form", form_type, form_body),
    ("PUT", "/form/raw", form_type, form_body), ("POST", "/graphql", json_type, json_body),
    ("POST", "/graphql", st.just(b"application/graphql"), body), ("GET", "/graphql", st.just(b""), small),
    ("GET", "/cookies", st.just(b""), small), ("GET", "/query", st.just(b""), small),
    ("GET", "/headers", st.just(b""), small), ("GET", "/file", st.just(b""), small),
    ("OPTIONS", "/json", st.just(b""), small),
]


@st.composite
def targeted(draw: st.DrawFn) -> tuple[str, str, bytes, bytes]:
    """A request aimed at one parser: the route's method and path, a content type it reads, and a
    body meant to hurt that parser."""
    verb, where, types, bodies = draw(st.sampled_from(TARGETS))
    return verb, where, draw(types), draw(bodies)


request = st.one_of(targeted(), targeted(), targeted(), st.tuples(method, path, content_type, body))


class Sent(msgspec.Struct):
    status: int | None = None
    size: int = 0


def scope(method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode("utf-8", "surrogatepass"), "root_path": "", "query_string": query,
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)] or [b""]


async def send_request(asgi_scope: dict[str, Any], chunks: list[bytes]) -> Sent:
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent = Sent()

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert sent.status is None, "a second http.response.start"
            sent.status = message["status"]
            assert isinstance(message["headers"], list), "http.response.start carries a fresh list"
        elif message["type"] == "http.response.body":
            sent.size += len(message.get("body", b""))

    with anyio.fail_after(ANSWER_WITHIN):
        await APP(asgi_scope, receive, send)
    return sent


@pytest.fixture(scope="module")
def traced() -> Iterator[None]:
    tracemalloc.start()
    yield
    tracemalloc.stop()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    line=request,
    query=query_string,
    extra=st.lists(named_header, max_size=6),
    cuts=st.lists(st.integers(min_value=0), max_size=5),
)
@example(("POST", "/json", b"application/json", b"[" * 100_000), b"", [], [])  # the attack run's findings
@example(("POST", "/json/mapping", b"application/json", b'{"a":' + b"[" * 100_000), b"", [], [])
@example(("POST", "/json/typed", b"application/json", b'{"name":"n","price":1,"extra":' + b"[" * 100_000), b"", [], [])
@example(("POST", "/form", b"application/x-www-form-urlencoded", b"&" * 200_000), b"", [], [])
@example(("GET", "/cookies", b"", b""), b"", [(b"cookie", b"a=1; " * 150_000)], [])
@example(("GET", "/query", b"", b""), b"&" * 1_000_000, [], [])
async def test_no_hostile_request_gets_a_5xx_hangs_or_grows_memory(
    traced: None, line: tuple[str, str, bytes, bytes], query: bytes,
    extra: list[tuple[bytes, bytes]], cuts: list[int],
) -> None:
    method, path, content_type, data = line
    headers = ([(b"content-type", content_type)] if content_type else []) + extra
    asgi_scope = scope(method, path, query, headers)
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    sent = await send_request(asgi_scope, chunked(data, cuts))
    peak = tracemalloc.get_traced_memory()[1] - before
    received = len(data) + len(query) + sum(len(v) for _, v in extra)
    assert sent.status is not None and sent.status < 500, (sent.status, method, path)
    assert peak < 10 * received + MEMORY_PER_REQUEST, (peak, received)


frame = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    st.sampled_from(["[" * 100_000, '{"name": "n", "price": 1, "extra": ' + "[" * 5000, "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")]),
    st.builds(lambda v: msgspec.json.encode(v).decode(), st.dictionaries(st.sampled_from(["name", "price", "tags", "extra"]), st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=4)),
)
graphql_frame = st.one_of(
    frame,
    st.sampled_from([
        '{"type": "connection_init"}', '{"type": "connection_init", "payload": []}', '{"type": "ping"}',
        '{"type": "subscribe", "id": "1", "payload": {"query": "{ hello }"}}',
        '{"type": "subscribe", "id": "1", "payload": {"query": "' + "{ a " * 3000 + '"}}',
        '{"type": "subscribe", "id": "1", "payload": {"query": "{ hello }", "variables": ' + "[" * 5000 + "}}",
        '{"type": "complete", "id": "1"}', '{"type": "subscribe"}', '{"type": 7}',
    ]),
)


@settings(max_examples=75, deadline=None)
@given(st.lists(frame, max_size=6))
async def test_no_hostile_frames_make_a_json_pipe_fail(frames: list[str | bytes]) -> None:
    client = FakeClient(frames)
    await client.run(APP, "/ws", timeout=ANSWER_WITHIN)
    assert client.accepted is not None
    assert client.close is None or client.close[0] != 1011, client.close


@settings(max_examples=75, deadline=None)
@given(st.lists(graphql_frame, max_size=6))
async def test_no_hostile_frames_make_graphql_over_websocket_fail(frames: list[str | bytes]) -> None:
    client = FakeClient(frames, subprotocols=["graphql-transport-ws"])
    await client.run(APP, "/graphql", timeout=ANSWER_WITHIN)
    assert client.close is None or client.close[0] != 1011, client.close
