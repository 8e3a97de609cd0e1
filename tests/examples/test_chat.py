"""The chat example: fan-out to every member, notices, history, per-member errors and rate limit,
bounded queues (a slow member is dropped), Origin check; on the test client and real servers."""

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import msgspec
import pytest
from websockets.sync.client import connect

from examples.chat import create_app
from examples.chat.app import BURST, MAX_TEXT, RateLimit, chat_socket, clean_name
from examples.chat.room import SHUTTING_DOWN, Room
from lette_fp import Close, Request
from lette_fp.channels import Channels
from lette_fp.testing import TestClient, WebSocketDenied
from tests.servers import ServerFactory
from tests.sse_client import Feed


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def test_a_message_reaches_every_member_the_sender_included(client: TestClient) -> None:
    with client.websocket_connect("/ws?name=ann") as ann:
        assert ann.receive_json() == {"type": "welcome", "you": "ann", "online": ["ann"], "history": [], "worker": os.getpid()}
        with client.websocket_connect("/ws?name=bob") as bob, client.websocket_connect("/ws?name=cy") as cy:
            assert bob.receive_json()["online"] == ["ann", "bob"]
            assert ann.receive_json() == {"type": "joined", "user": "bob", "online": ["ann", "bob"]}
            assert cy.receive_json()["online"] == ["ann", "bob", "cy"]
            assert ann.receive_json()["user"] == bob.receive_json()["user"] == "cy"

            bob.send_json({"text": "hello, room"})
            received = [member.receive_json() for member in (ann, bob, cy)]
            assert [(m["type"], m["user"], m["text"]) for m in received] == [("message", "bob", "hello, room")] * 3
            assert received[0]["at"] == received[1]["at"] == received[2]["at"]
        assert ann.receive_json() == {"type": "left", "user": "cy", "online": ["ann", "bob"]}
        assert ann.receive_json() == {"type": "left", "user": "bob", "online": ["ann"]}


def test_a_newcomer_sees_the_recent_messages(client: TestClient) -> None:
    with client.websocket_connect("/ws?name=ann") as ann:
        ann.receive_json()
        for n in range(3):
            ann.send_json({"text": f"message {n}"})
            assert ann.receive_json()["text"] == f"message {n}"
    with client.websocket_connect("/ws?name=bob") as bob:
        welcome = bob.receive_json()
        assert [(m["user"], m["text"]) for m in welcome["history"]] == [("ann", f"message {n}") for n in range(3)]


async def test_the_history_is_bounded() -> None:
    async with Channels() as channels:
        room = Room(channels, history_size=3)
        for n in range(10):
            await room.say("ann", str(n))
        assert [msgspec.json.decode(m.data)["text"] for m in await room.recent()] == ["7", "8", "9"]


def test_bad_messages_get_a_reason_sent_to_the_sender_only(client: TestClient) -> None:
    with client.websocket_connect("/ws?name=ann") as ann, client.websocket_connect("/ws?name=bob") as bob:
        ann.receive_json(), ann.receive_json(), bob.receive_json()
        for bad, reason in [
            ("not json", "Invalid message: JSON is malformed"),
            ('{"txt": "typo"}', "Invalid message: Object contains unknown field `txt`"),
            ('{"text": ""}', "Invalid message: Expected `str` of length >= 1 - at `$.text`"),
            ('{"text": "' + "x" * (MAX_TEXT + 1) + '"}', f"Invalid message: Expected `str` of length <= {MAX_TEXT} - at `$.text`"),
            ('{"text": "   "}', "Empty message"),
        ]:
            bob.send_text(bad)
            answer = bob.receive_json()
            assert answer["type"] == "error" and answer["detail"].startswith(reason), answer
        bob.send_json({"text": "x" * MAX_TEXT})
        assert ann.receive_json()["text"] == "x" * MAX_TEXT  # ann saw none of the errors


def test_a_member_sending_too_fast_is_told_to_slow_down(client: TestClient) -> None:
    with client.websocket_connect("/ws?name=ann") as ann:
        ann.receive_json()
        for n in range(BURST + 1):
            ann.send_json({"text": str(n)})
        answers = [ann.receive_json() for _ in range(BURST + 1)]
    # the refusal comes straight back; the accepted ones go round through the channel
    assert [a["text"] for a in answers if a["type"] == "message"] == [str(n) for n in range(BURST)]
    assert [a for a in answers if a["type"] == "error"] == [{"type": "error", "detail": "Slow down: at most 5 messages a second"}]


def test_the_rate_limit_refills_with_time() -> None:
    limit = RateLimit(rate=2.0, burst=3, now=0.0)
    assert [limit.allow(0.0) for _ in range(4)] == [True, True, True, False]
    assert limit.allow(0.5) and not limit.allow(0.5)
    assert [limit.allow(100.0) for _ in range(4)] == [True, True, True, False]


def test_names_are_cleaned_or_made_up() -> None:
    assert clean_name("  ann\x00\x1b ") == "ann"
    assert len(clean_name("x" * 100)) == 32
    assert clean_name("").startswith("guest-") and clean_name(None).startswith("guest-")


def test_a_cross_site_page_cannot_open_the_socket(client: TestClient) -> None:
    with pytest.raises(WebSocketDenied) as denied, client.websocket_connect("/ws", headers={"origin": "http://evil.example"}):
        pass
    assert (denied.value.status, denied.value.json()) == (403, {"detail": "Cross-site WebSocket refused"})
    with client.websocket_connect("/ws?name=ann", headers={"origin": "http://testserver"}) as ann:
        assert ann.receive_json()["you"] == "ann"


def test_the_page_points_at_the_socket_wherever_it_is_mounted(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<section id="chat" data-socket="/ws" hidden>' in page.text
    assert "new WebSocket(url)" in page.text


async def test_a_slow_connection_gets_the_queued_events_then_close_1013() -> None:
    async with Channels() as channels, Room(channels, queue_size=4).running() as room:
        send, receive = anyio.create_memory_object_stream[str | bytes](1)
        resp = chat_socket(Request.build("WEBSOCKET", "/ws", query="name=slow", state={"chat_room": room}))
        outgoing = resp.body.pipe(_incoming(receive))
        with anyio.fail_after(5):
            assert '"you":"slow"' in await outgoing.__anext__()
            assert room.online() == ["slow"]
            for n in range(10):
                await room.say("someone", str(n))
            rest = [event async for event in outgoing]
        await send.aclose()
        assert rest[-1] == Close(1013, "Too slow: the room's messages were piling up")
        assert 4 <= len(rest) - 1 <= 5  # the buffer, plus the one the merge may already hold
        assert room.online() == [] and channels.stats.disconnected == 1


async def test_shutting_down_closes_every_member_with_1001() -> None:
    channels = Channels()
    await channels.start()
    async with Room(channels).running() as room:
        send, receive = anyio.create_memory_object_stream[str | bytes](1)
        outgoing = chat_socket(Request.build("WEBSOCKET", "/ws", query="name=ann", state={"chat_room": room})).body.pipe(_incoming(receive))
        with anyio.fail_after(5):
            assert '"you":"ann"' in await outgoing.__anext__()
            await channels.stop()
            assert [event async for event in outgoing] == [SHUTTING_DOWN]
        await send.aclose()


def test_the_feed_sends_the_rooms_messages_as_events_and_whoami_names_the_worker(serve: ServerFactory) -> None:
    with serve(create_app()) as base_url:
        assert httpx.get(base_url + "/whoami").json() == {"pid": os.getpid()}
        feed = Feed(base_url)
        assert feed.worker == os.getpid()
        with connect(base_url.replace("http://", "ws://") + "/ws?name=ann", open_timeout=5) as ann:
            ann.recv(timeout=5)
            ann.send('{"text": "for the feed"}')
            message_id, event = feed.take()
        assert (event["user"], event["text"]) == ("ann", "for the feed") and message_id
        feed.close()


def test_the_chat_on_a_real_server(serve: ServerFactory) -> None:
    with serve(create_app()) as base_url:
        ws_url = base_url.replace("http://", "ws://") + "/ws"
        with connect(ws_url + "?name=ann", open_timeout=5) as ann, connect(ws_url + "?name=bob", open_timeout=5) as bob:
            assert '"welcome"' in ann.recv(timeout=5) and '"welcome"' in bob.recv(timeout=5)
            assert '"joined"' in ann.recv(timeout=5)
            ann.send('{"text": "over the wire"}')
            for member in (ann, bob):
                assert '"text":"over the wire"' in member.recv(timeout=5)


async def _take(events: AsyncIterator[Any], n: int) -> AsyncIterator[Any]:
    for _ in range(n):
        try:
            yield await events.__anext__()
        except StopAsyncIteration:
            return


async def _incoming(receive: Any) -> AsyncIterator[str | bytes]:
    async with receive:
        async for message in receive:
            yield message
