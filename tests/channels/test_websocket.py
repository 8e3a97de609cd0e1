"""`channel_pipe`: a WebSocket room in a few lines, on every backend, through the test client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from lette_fp import App, Request, Response, accept, get, json, websocket
from lette_fp.channels import Channels, Gap, Message, channel_pipe
from tests.channels.conftest import MakeChannels


def room_app(channels: Channels, **options: object) -> App:
    def room(req: Request) -> Response:
        return accept(channel_pipe(req.state["channels"], f"room:{req.path_params['name']}", **options))  # type: ignore[arg-type]

    return App(routes=[websocket("/rooms/{name}", room)], lifespan=channels.lifespan())


def test_what_one_member_sends_every_member_of_the_room_receives(make_channels: MakeChannels, anyio_backend: str) -> None:
    from lette_fp.testing import TestClient

    with TestClient(room_app(make_channels()), backend=anyio_backend) as client, \
            client.websocket_connect("/rooms/a") as ann, client.websocket_connect("/rooms/a") as bob, \
            client.websocket_connect("/rooms/b") as elsewhere:
        ann.send_text("hello from ann")
        assert ann.receive_text() == bob.receive_text() == "hello from ann"
        bob.send_bytes(b"\xff binary")
        assert ann.receive_bytes() == bob.receive_bytes() == b"\xff binary"
        elsewhere.send_text("only in b")
        assert elsewhere.receive_text() == "only in b"
        ann.send_text("still only a")
        assert bob.receive_text() == "still only a"


def test_a_newcomer_gets_the_history_and_inbound_outbound_shape_the_frames(make_channels: MakeChannels, anyio_backend: str) -> None:
    from lette_fp.testing import TestClient

    def outbound(item: Message | Gap) -> str | None:
        return None if isinstance(item, Gap) else f"{item.channel}: {item.text()}"

    app = room_app(make_channels(), history=2, inbound=lambda frame: None if frame == "skip" else frame, outbound=outbound)
    with TestClient(app, backend=anyio_backend) as client:
        with client.websocket_connect("/rooms/x") as first:
            for text in ("one", "skip", "two", "three"):
                first.send_text(text)
            assert [first.receive_text() for _ in range(3)] == ["room:x: one", "room:x: two", "room:x: three"]
        with client.websocket_connect("/rooms/x") as later:
            assert [later.receive_text() for _ in range(2)] == ["room:x: two", "room:x: three"]


def test_the_channels_are_in_req_state_next_to_the_apps_own_lifespan_state(make_channels: MakeChannels, anyio_backend: str) -> None:
    from lette_fp.testing import TestClient

    events: list[str] = []

    @asynccontextmanager
    async def own(app: App) -> AsyncIterator[dict[str, str]]:
        events.append("own started")
        yield {"greeting": "hello"}
        events.append("own stopped")

    channels = make_channels()

    def show(req: Request) -> Response:
        return json({"greeting": req.state["greeting"], "channels": req.state["channels"] is channels, "started": channels.started})

    app = App(routes=[get("/", show)], lifespan=channels.lifespan(own))
    with TestClient(app, backend=anyio_backend) as client:
        assert client.get("/").json() == {"greeting": "hello", "channels": True, "started": True}
    assert events == ["own started", "own stopped"] and not channels.started
