"""The notifications example: publish with POST /notify, receive on /events (SSE), in memory on
one worker (uvicorn and hypercorn) and through Redis on `uvicorn --workers 2`."""

from __future__ import annotations

import httpx

from examples.notifications import app
from lette_fp.testing import TestClient
from tests.redis_server import RedisServer
from tests.servers import ServerFactory, uvicorn_process
from tests.sse_client import Feed


def test_a_notification_needs_a_short_text() -> None:
    with TestClient(app) as client:
        assert client.post("/notify", json={"text": "hello"}).status_code == 201
        assert client.post("/notify", json={"text": ""}).status_code == 422
        assert client.post("/notify", json={"text": "x" * 281}).status_code == 422
        assert 'data-events="/events"' in client.get("/").text


def test_every_open_stream_gets_each_notification_and_the_recent_ones_first(serve: ServerFactory) -> None:
    with serve(app) as base_url:
        httpx.post(base_url + "/notify", json={"text": "earlier"}).raise_for_status()
        first, second = Feed(base_url), Feed(base_url)
        assert first.take()[1]["text"] == second.take()[1]["text"] == "earlier"
        sent = httpx.post(base_url + "/notify", json={"text": "now"}).json()["id"]
        now = first.take()
        assert now == second.take() and now[0] == sent and now[1]["text"] == "now"
        first.close(), second.close()
        resumed = Feed(base_url, last_id=sent)
        httpx.post(base_url + "/notify", json={"text": "after"}).raise_for_status()
        assert resumed.take()[1]["text"] == "after"
        resumed.close()


def test_on_two_workers_a_stream_gets_what_the_other_worker_published(fresh_redis: RedisServer) -> None:
    with uvicorn_process("examples.notifications:app", "--workers", "2", env={"REDIS_URL": fresh_redis.url}) as base_url:
        feed = Feed(base_url)
        for attempt in range(60):
            with httpx.Client() as client:
                answer = client.post(base_url + "/notify", json={"text": f"attempt {attempt}"}).json()
            _, event = feed.take()
            assert event["text"] == f"attempt {attempt}"
            if answer["worker"] != feed.worker:
                break
        else:
            raise AssertionError("every POST landed on the stream's worker")
        feed.close()
