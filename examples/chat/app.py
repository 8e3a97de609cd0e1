"""The chat App: the page, the WebSocket every member talks through, and the lifespan that owns
the room."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio
import msgspec

from examples.chat.room import Member, Problem, Room, encode
from examples.layout import page
from lette_fp import App, Close, Request, Response, accept, get, html, json, websocket
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
    one that is malformed, too long, or over the rate limit."""
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
            room.say(member.name, post.text)


def chat_socket(req: Request) -> Response:
    """`WS /ws?name=...`: join the room. The member gets a welcome, then every event of the room
    (its own messages included) while its own messages are read and published."""
    if not same_origin(req):
        return json({"detail": "Cross-site WebSocket refused"}, status=403)
    room: Room = req.state["chat_room"]
    name = clean_name(req.query.get("name"))

    async def pipe(incoming: AsyncIterator[str | bytes]) -> AsyncIterator[str | Close]:
        with room.join(name) as member:
            yield room.welcome(member)
            async with merge(posts(incoming, member, room), member.events()) as events:
                async for event in events:
                    yield event
                    if isinstance(event, Close):
                        return

    return accept(pipe)


def index(req: Request) -> Response:
    """`GET /`: the chat page."""
    body = PAGE.replace("{{ socket_path }}", req.url_for("socket").path)
    return html(page("lette_fp chat", body))


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    """Own the room: made at start-up; at shutdown every member is told the server is going away."""
    room = Room()
    try:
        yield {"chat_room": room}
    finally:
        room.close()


def create_app() -> App:
    """Return the chat App (each App has its own room)."""
    return App(
        routes=[get("/", index, name="index"), websocket("/ws", chat_socket, name="socket")],
        lifespan=lifespan,
    )


app = create_app()
