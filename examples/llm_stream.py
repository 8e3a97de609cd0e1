"""Streaming LLM tokens with server-sent events.

Run: `uvicorn examples.llm_stream:app` and open http://127.0.0.1:8000/ — the page asks
`/chat?prompt=...` with an EventSource and prints each token as it arrives. A dropped connection
reconnects with `Last-Event-ID`, and the stream resumes after the last token received. When the
page is closed, the generator stops at once (its `finally` runs).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio
import msgspec

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
    prompt = req.query.get("prompt", "streaming")
    last = req.headers.get("last-event-id")
    start = int(last) + 1 if last and last.isdigit() else 0
    return sse(generate(prompt, start), ping=15.0)


PAGE = """<!doctype html>
<meta charset="utf-8"><title>lette_fp token stream</title>
<form id="ask"><input name="prompt" value="functional web frameworks"> <button>Ask</button></form>
<p id="out"></p>
<script>
let source;
document.getElementById("ask").onsubmit = (e) => {
  e.preventDefault();
  if (source) source.close();
  const out = document.getElementById("out");
  out.textContent = "";
  const prompt = new FormData(e.target).get("prompt");
  source = new EventSource("/chat?prompt=" + encodeURIComponent(prompt));
  source.addEventListener("token", (m) => { out.textContent += JSON.parse(m.data).text; });
  source.addEventListener("end", () => source.close());
};
</script>
"""


def index(req: Request) -> Response:
    """The page that reads the stream with an EventSource."""
    return html(PAGE)


app = App([get("/", index), get("/chat", chat)])
