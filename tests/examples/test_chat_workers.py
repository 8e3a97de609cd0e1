"""The chat example on `uvicorn --workers 2` sharing one real Redis: members on different worker
processes talk to each other, the SSE feed on one worker carries what was said on the other, and
a Redis restart in the middle loses nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from tests.redis_server import RedisServer
from tests.servers import uvicorn_process
from tests.sse_client import Feed

ATTEMPTS = 60
"""Connections tried before giving up on landing on the other worker."""


@pytest.fixture
def chat(fresh_redis: RedisServer) -> Iterator[str]:
    with uvicorn_process("examples.chat:app", "--workers", "2", env={"REDIS_URL": fresh_redis.url}) as base_url:
        yield base_url


def join(base_url: str, name: str) -> tuple[ClientConnection, int]:
    socket = connect(base_url.replace("http://", "ws://") + f"/ws?name={name}", open_timeout=10).__enter__()
    welcome = json.loads(socket.recv(timeout=10))
    assert welcome["type"] == "welcome" and welcome["you"] == name
    return socket, welcome["worker"]


def join_elsewhere(base_url: str, name: str, not_on: int) -> tuple[ClientConnection, int]:
    """Join until the connection lands on a worker other than `not_on` (bounded)."""
    for _ in range(ATTEMPTS):
        socket, worker = join(base_url, name)
        if worker != not_on:
            return socket, worker
        socket.close()
        time.sleep(0.05)
    raise AssertionError(f"every one of {ATTEMPTS} connections landed on worker {not_on}")


def next_message(socket: ClientConnection, timeout: float = 15.0) -> dict[str, Any]:
    """The next `message` event (notices skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if event["type"] in ("message", "error"):
            return event  # type: ignore[no-any-return]


def say(socket: ClientConnection, text: str) -> None:
    socket.send(json.dumps({"text": text}))


def test_members_on_two_workers_and_a_feed_share_the_room_through_a_redis_restart(chat: str, fresh_redis: RedisServer) -> None:
    ann, ann_worker = join(chat, "ann")
    bob, bob_worker = join_elsewhere(chat, "bob", not_on=ann_worker)
    with ann, bob:
        say(ann, "hello from worker one")
        assert next_message(bob)["text"] == next_message(ann)["text"] == "hello from worker one"
        say(bob, "and back from worker two")
        assert next_message(ann)["text"] == next_message(bob)["text"] == "and back from worker two"

        feed = Feed(chat)
        speaker = ann if feed.worker != ann_worker else bob
        assert feed.worker in (ann_worker, bob_worker)
        say(speaker, "for the feed, from the other worker")
        last_id, event = feed.take()
        assert event["text"] == "for the feed, from the other worker"
        next_message(ann), next_message(bob)

        fresh_redis.restart()
        texts = [f"after the restart {n}" for n in range(5)]
        for text in texts:
            say(ann, text)
            while (answer := next_message(ann, timeout=30))["type"] == "error":
                assert "unavailable" in answer["detail"]
                time.sleep(0.2)
                say(ann, text)
            assert answer["text"] == text
        assert [next_message(bob, timeout=30)["text"] for _ in texts] == texts
        assert [feed.take(timeout=30)[1]["text"] for _ in texts] == texts
        feed.close()

        resumed = Feed(chat, last_id=last_id)
        assert [resumed.take()[1]["text"] for _ in texts] == texts  # the history kept them all
        resumed.close()
