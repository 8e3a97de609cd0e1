"""The chat App: the page, the WebSocket every member talks through, and the lifespan that owns
the room."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio
import msgspec

from examples.chat.room import SAID, Member, Problem, Room, encode
from examples.layout import page
from lette_fp import App, Close, Request, Response, accept, get, html, json, websocket
from lette_fp.channels import Channels, ChannelsUnavailable, channel_sse
from lette_fp.streams import merge

MAX_TEXT = 500
"""The longest message, in characters."""

RATE = 5.0
"""Messages a member may send per second, on average..."""

BURST = 10
"""...and at most this many in a row."""

PAGE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")


class Post(msgspec.Struct, forbid_unknown_fields=True):
    """What a client sends: `{"text": "..."}`."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TEXT)]


decode_post = msgspec.json.Decoder(Post).decode


class RateLimit:
    """A token bucket: `allow(now)` is True for at most `burst` calls in a row and `rate` per
    second on average."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.last = now

    def allow(self, now: float) -> bool:
        """Take one token if there is one (the bucket refills with the time since the last call)."""
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def clean_name(name: str | None) -> str:
    """Return a display name: without control characters, at most 32 characters, or a guest name."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name or "").strip()[:32]
    return name or f"guest-{secrets.randbelow(10_000):04d}"


def same_origin(req: Request) -> bool:
    """Whether a browser's handshake comes from a page of this site (browsers let any page open a
    WebSocket anywhere, with the user's cookies; `Origin` says which page it was). Clients that
    are not browsers send no `Origin`."""
    origin = req.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == req.headers.get("host")


async def posts(incoming: AsyncIterator[str | bytes], member: Member, room: Room) -> AsyncIterator[str]:
    """Publish each valid message the member sends; yield a `Problem` (to the member only) for
    one that is malformed, too long, over the rate limit, or that the channels can't take."""
    limit = RateLimit(RATE, BURST, anyio.current_time())
    async for message in incoming:
        try:
            post = decode_post(message)
        except msgspec.MsgspecError as exc:
            yield encode(Problem(f"Invalid message: {exc}")).decode()
            continue
        if not post.text.strip():
            yield encode(Problem("Empty message")).decode()
        elif not limit.allow(anyio.current_time()):
            yield encode(Problem(f"Slow down: at most {RATE:g} messages a second")).decode()
        else:
            try:
                await room.say(member.name, post.text)
            except ChannelsUnavailable:
                yield encode(Problem("The room is unavailable right now; try again")).decode()


def chat_socket(req: Request) -> Response:
    """`WS /ws?name=...`: join the room. The member gets a welcome, then every event of the room
    (its own messages included) while its own messages are read and published."""
    if not same_origin(req):
        return json({"detail": "Cross-site WebSocket refused"}, status=403)
    room: Room = req.state["chat_room"]
    name = clean_name(req.query.get("name"))

    async def pipe(incoming: AsyncIterator[str | bytes]) -> AsyncIterator[str | Close]:
        recent = await room.recent()
        async with room.listen(recent) as (said, notices):
            member = await room.join(name)
            try:
                yield room.welcome(member, recent)
                sources = posts(incoming, member, room), room.deliver(member, said), room.deliver(member, notices)
                async with merge(*sources) as events:
                    async for event in events:
                        yield event
                        if isinstance(event, Close):
                            return
            finally:
                await room.leave(member)

    return accept(pipe)


def index(req: Request) -> Response:
    """`GET /`: the chat page."""
    body = PAGE.replace("{{ socket_path }}", req.url_for("socket").path)
    return html(page("lette_fp chat", body))


def feed(req: Request) -> Response:
    """`GET /events`: the room's messages as server-sent events (the id of each is the message
    id, so a reconnecting EventSource resumes where it left off); `X-Worker` names the worker."""
    return channel_sse(req.state["chat_room"].channels, SAID, req=req, headers={"x-worker": str(os.getpid())})


def whoami(req: Request) -> Response:
    """`GET /whoami`: the worker process that answered (to see several workers at work)."""
    return json({"pid": os.getpid()})


def lifespan_on(channels: Channels | None) -> Any:
    """Return the lifespan owning the room, on `channels` (when None: on Redis at `REDIS_URL`
    if that is set, else in memory); at shutdown every member is told the server is going away."""

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        own = channels if channels is not None else Channels.from_url(os.environ.get("REDIS_URL"))
        async with own, Room(own).running() as room:
            yield {"chat_room": room}

    return lifespan


def create_app(channels: Channels | None = None) -> App:
    """Return the chat App (each App has its own room, on `channels` or as `lifespan_on` says)."""
    return App(
        routes=[
            get("/", index, name="index"), websocket("/ws", chat_socket, name="socket"),
            get("/events", feed, name="events"), get("/whoami", whoami, name="whoami"),
        ],
        lifespan=lifespan_on(channels),
    )


app = create_app()
