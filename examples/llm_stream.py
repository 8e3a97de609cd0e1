"""Streaming LLM tokens with server-sent events.

Run: `uvicorn examples.llm_stream:app` and open http://127.0.0.1:8000/ — the page asks
`chat?prompt=...` with an EventSource and prints each token as it arrives. A dropped connection
reconnects with `Last-Event-ID`, and the stream resumes after the last token received. When the
page is closed, the generator stops at once (its `finally` runs).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio
import msgspec

from examples.layout import page
from lette_fp import App, Event, Request, Response, get, html, sse

log = logging.getLogger("llm_stream")

TOKEN_DELAY = 0.05


class Token(msgspec.Struct):
    """One generated token, sent as the event's JSON data."""

    text: str
    index: int


def fake_model(prompt: str) -> list[str]:
    """Stand-in for a model: the tokens of a canned answer about `prompt`."""
    answer = f"You asked about {prompt!r}. Here is a streamed answer, one token at a time."
    return [word + " " for word in answer.split()]


async def generate(prompt: str, start: int) -> AsyncIterator[Event]:
    """Yield the tokens from index `start` on, as events whose id is the token index."""
    tokens = fake_model(prompt)
    try:
        for index in range(start, len(tokens)):
            await anyio.sleep(TOKEN_DELAY)
            yield Event(Token(tokens[index], index), event="token", id=str(index))
        yield Event("done", event="end")
    finally:
        log.info("generation for %r stopped", prompt)


def chat(req: Request) -> Response:
    """Stream the answer to `?prompt=`; resume after `Last-Event-ID` when the client reconnects."""
    prompt = req.query.get("prompt", "streaming")[:500]
    last = req.headers.get("last-event-id")
    start = int(last) + 1 if last and last.isdigit() else 0
    return sse(generate(prompt, start), ping=15.0)


SCRIPT = """
let source;
const out = document.getElementById("out");
const status = document.getElementById("status");
document.getElementById("ask").onsubmit = (event) => {
  event.preventDefault();
  if (source) source.close();
  out.replaceChildren();
  let count = 0;
  status.textContent = "streaming…";
  const prompt = new FormData(event.target).get("prompt");
  source = new EventSource(out.dataset.url + "?prompt=" + encodeURIComponent(prompt));
  source.addEventListener("token", (message) => {
    const token = document.createElement("span");
    token.className = "token";
    token.textContent = JSON.parse(message.data).text;
    out.append(token);
    count += 1;
    status.textContent = "streaming… " + count + " tokens";
  });
  source.addEventListener("end", () => {
    source.close();
    status.textContent = "done: " + count + " tokens";
  });
};
"""

STYLE = """<style>
#out { min-height: 4rem; padding: .8rem; border: 1px solid #ddd; border-radius: 4px; background: #fafafa; }
.token { animation: appear .3s ease-out; } @keyframes appear { from { background: #ffe58a; } to { background: none; } }
</style>"""


def index(req: Request) -> Response:
    """`GET /`: the page that reads the stream with an EventSource."""
    body = (
        "<h1>Token stream</h1><p>A fake model answers your prompt one token at a time, "
        "sent as server-sent events and read by an <code>EventSource</code>.</p>"
        '<form id="ask"><input type="text" name="prompt" value="functional web frameworks"> '
        '<button type="submit">Ask</button></form>'
        f'<div id="out" data-url="{req.url_for("chat").path}"></div><p id="status" class="muted"></p>'
    )
    return html(page("lette_fp token stream", body, SCRIPT, head=STYLE))


app = App([get("/", index, name="index"), get("/chat", chat, name="chat")])
