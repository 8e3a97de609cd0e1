"""Live notifications over server-sent events, on one worker or many.

Run: `uvicorn examples.notifications:app` and open http://127.0.0.1:8000/ in two tabs — what
is sent in one appears in both. `POST /notify` with `{"text": "..."}` sends one from anywhere
(`curl -d '{"text":"deploy done"}' http://127.0.0.1:8000/notify`).

On several workers, share the channel through Redis:
`REDIS_URL=redis://127.0.0.1:6379/0 uvicorn examples.notifications:app --workers 2`. Each
event's id is the message id, so a reconnecting EventSource resumes where it left off, on
whichever worker it lands.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec

from examples.layout import page
from lette_fp import App, Request, Response, get, html, json, post
from lette_fp.channels import Channels, channel_sse

CHANNEL = "notifications"
RECENT = 10
"""Notifications a new page is shown first."""


class Notify(msgspec.Struct, forbid_unknown_fields=True):
    """What `POST /notify` takes."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=280)]


class Notification(msgspec.Struct):
    """What every page receives."""

    text: str
    at: str


class Sent(msgspec.Struct):
    """What `POST /notify` answers: the notification's id, and the worker that published it."""

    id: str
    worker: int


async def notify(req: Request, body: Notify) -> Response:
    """`POST /notify`: publish a notification to every open page, on every worker."""
    channels: Channels = req.state["notifications"]
    note = Notification(body.text.strip() or body.text, datetime.now(UTC).isoformat(timespec="seconds"))
    return json(Sent(await channels.publish(CHANNEL, note), os.getpid()), status=201)


def events(req: Request) -> Response:
    """`GET /events`: the notifications as server-sent events, the last few first; a
    `Last-Event-ID` resumes after that one. `X-Worker` names the worker serving the stream."""
    return channel_sse(req.state["notifications"], CHANNEL, req=req, history=RECENT, headers={"x-worker": str(os.getpid())})


SCRIPT = """
const list = document.getElementById("list");
const source = new EventSource(list.dataset.events);
source.onopen = () => { document.getElementById("status").textContent = "live"; };
source.onerror = () => { document.getElementById("status").textContent = "reconnecting…"; };
source.onmessage = (message) => {
  const note = JSON.parse(message.data);
  const item = document.createElement("li");
  item.textContent = note.text;
  list.prepend(item);
};
document.getElementById("send").onsubmit = async (event) => {
  event.preventDefault();
  const text = new FormData(event.target).get("text");
  await fetch(list.dataset.notify, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({text})});
  event.target.reset();
};
"""


def index(req: Request) -> Response:
    """`GET /`: a page that sends notifications and shows them as they arrive."""
    body = (
        '<h1>Notifications</h1><p>Everything sent here appears on every open page, through one '
        'channel (in memory, or Redis with <code>REDIS_URL</code>). <span id="status" class="muted">connecting…</span></p>'
        '<form id="send"><label for="text">Notification</label><input type="text" id="text" name="text" maxlength="280" required>'
        '<br><button type="submit">Send</button></form>'
        f'<ul id="list" data-events="{req.url_for("events").path}" data-notify="{req.url_for("notify").path}"></ul>'
    )
    return html(page("Notifications", body, SCRIPT))


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    """Open the channels: on Redis at `REDIS_URL` when it is set, else in this process's memory."""
    async with Channels.from_url(os.environ.get("REDIS_URL")) as channels:
        yield {"notifications": channels}


def create_app() -> App:
    """Return the notifications App (each App has its own channels, opened by its lifespan)."""
    return App(
        routes=[get("/", index, name="index"), post("/notify", notify, name="notify"), get("/events", events, name="events")],
        lifespan=lifespan,
    )


app = create_app()
