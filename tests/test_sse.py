"""Server-sent events: the encoding, the headers, idle pings and resuming with Last-Event-ID."""

from collections.abc import AsyncIterator

import anyio
import msgspec
import pytest

from lette_fp import App, Event, Request, Response, get, sse
from lette_fp.sse import encode_event
from lette_fp.testing import TestClient


class Token(msgspec.Struct):
    text: str
    index: int


@pytest.mark.parametrize(
    ("event", "wire"),
    [
        (Event("hi"), b"data: hi\n\n"),
        (Event("a\nb\r\nc\rd"), b"data: a\ndata: b\ndata: c\ndata: d\n\n"),
        (Event(b"raw"), b"data: raw\n\n"),
        (Event({"n": 1}), b'data: {"n":1}\n\n'),
        (Event(Token("x", 2)), b'data: {"text":"x","index":2}\n\n'),
        (Event(""), b"data: \n\n"),
        (Event("x", event="tick", id="7", retry=1500), b"event: tick\nid: 7\nretry: 1500\ndata: x\n\n"),
        (Event(comment="keep\nalive"), b": keep\n: alive\n\n"),
    ],
)
def test_events_are_encoded_per_the_whatwg_format(event: Event, wire: bytes) -> None:
    assert encode_event(event) == wire


@pytest.mark.parametrize(
    "event", [Event("x", event="a\nb"), Event("x", id="1\r"), Event("x", id="a\0"), Event("x", retry=-1)]
)
def test_fields_that_would_break_the_stream_are_refused(event: Event) -> None:
    with pytest.raises(ValueError):
        encode_event(event)


def resumable(req: Request) -> Response:
    after = int(req.headers.get("last-event-id", "0"))
    return sse((Event(f"message {i}", id=str(i)) for i in range(after + 1, after + 3)), headers={"x-stream": "1"})


def test_headers_and_resuming_with_last_event_id() -> None:
    client = TestClient(App([get("/events", resumable)]))
    first = client.get("/events")
    assert first.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["x-accel-buffering"] == "no"
    assert first.headers["x-stream"] == "1"
    assert first.text == "id: 1\ndata: message 1\n\nid: 2\ndata: message 2\n\n"
    resumed = client.get("/events", headers={"last-event-id": "2"})
    assert resumed.text == "id: 3\ndata: message 3\n\nid: 4\ndata: message 4\n\n"


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_ping_comment_is_sent_while_the_source_is_idle(backend: str) -> None:
    async def slow() -> AsyncIterator[Token]:
        yield Token("a", 0)
        await anyio.sleep(0.35)
        yield Token("b", 1)

    app = App([get("/", lambda req: sse(slow(), ping=0.1)), get("/quiet", lambda req: sse(slow(), ping=None))])
    with TestClient(app, backend=backend) as client:
        text = client.get("/").text
        quiet = client.get("/quiet").text
    events = [block for block in text.split("\n\n") if block]
    assert events[0] == 'data: {"text":"a","index":0}' and events[-1] == 'data: {"text":"b","index":1}'
    assert 2 <= events.count(": ping") <= 4
    assert ": ping" not in quiet


def test_head_sends_the_headers_and_closes_the_source_unstarted() -> None:
    started: list[bool] = []

    async def events() -> AsyncIterator[str]:
        started.append(True)
        yield "never sent"

    source = events()
    resp = TestClient(App([get("/", lambda req: sse(source))])).head("/")
    assert resp.status_code == 200 and resp.content == b""
    assert resp.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert not started
    with pytest.raises(StopAsyncIteration):
        anyio.run(source.__anext__)
