"""`channel_sse`: server-sent events from a subscription, ids equal to message ids, resume from
`Last-Event-ID`, on every backend."""

from __future__ import annotations

from typing import Any

import anyio

from lette_fp.channels import Channels, channel_sse
from lette_fp.http.headers import raw_headers
from lette_fp.http.request import Request
from tests.channels.conftest import MakeChannels


def request(headers: dict[str, str] | None = None) -> Request:
    return Request(method="GET", path="/events", raw_headers=raw_headers(headers or {}))


async def read_events(channels: Channels, n: int, **options: Any) -> list[str]:
    response = channel_sse(channels, "news", ping=None, **options)
    assert response.headers[0] == (b"content-type", b"text/event-stream; charset=utf-8")
    chunks = aiter(response.body.chunks)  # type: ignore[union-attr]
    events = []
    with anyio.fail_after(5):
        while len(events) < n:
            chunk = await chunks.__anext__()
            events.extend(block for block in (chunk if isinstance(chunk, str) else chunk.decode()).split("\n\n") if block)
    await chunks.aclose()  # type: ignore[attr-defined]
    return events


async def test_each_message_is_an_event_with_the_message_id(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        results: list[list[str]] = []
        sent: dict[str, str] = {}

        async def reader() -> None:
            results.append(await read_events(channels, 2, req=request()))

        async with anyio.create_task_group() as group:
            group.start_soon(reader)
            with anyio.fail_after(5):
                while not results:
                    text = f"headline {len(sent)}"
                    sent[text] = await channels.publish("news", text)
                    await anyio.sleep(0.02)
    events = [dict(line.split(": ", 1) for line in event.split("\n")) for event in results[0]]
    assert len(events) == 2 and all(sent[event["data"]] == event["id"] for event in events)
    assert int(events[1]["data"].split()[1]) == int(events[0]["data"].split()[1]) + 1


async def test_last_event_id_resumes_after_it_and_a_bad_one_is_ignored(make_channels: MakeChannels) -> None:
    async with make_channels() as channels:
        ids = [await channels.publish("news", f"headline {n}") for n in range(4)]
        resumed = await read_events(channels, 2, req=request({"last-event-id": ids[1]}))
        assert resumed == [f"id: {ids[2]}\ndata: headline 2", f"id: {ids[3]}\ndata: headline 3"]
        fallback = await read_events(channels, 1, req=request({"last-event-id": "x" * 5000}), history=1)
        assert fallback == [f"id: {ids[3]}\ndata: headline 3"]


async def test_a_resume_older_than_the_history_starts_with_a_gap_event(make_channels: MakeChannels) -> None:
    async with make_channels(history=2) as channels:
        ids = [await channels.publish("news", str(n)) for n in range(200)]
        events = await read_events(channels, 1, last_id=ids[0])
        assert events[0].startswith("event: gap\ndata: {") and f'"after":"{ids[0]}"' in events[0]
