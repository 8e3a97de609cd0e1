"""The LLM token-streaming example: tokens as SSE events, resumable with Last-Event-ID."""

import json

import pytest

from examples import llm_stream
from lette_fp import App, mount
from lette_fp.testing import TestClient


@pytest.fixture(autouse=True)
def fast_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm_stream, "TOKEN_DELAY", 0.0)


def token_texts(body: str) -> list[tuple[str, str]]:
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((fields.get("id", ""), fields["data"]))
    return events


def test_tokens_stream_as_events_and_resume_after_the_last_id() -> None:
    client = TestClient(llm_stream.app)
    full = token_texts(client.get("/chat", params={"prompt": "x"}).text)
    tokens = llm_stream.fake_model("x")
    assert "".join(json.loads(data)["text"] for _, data in full[:-1]) == "".join(tokens)
    assert full[-1] == ("", "done")
    resumed = token_texts(client.get("/chat", params={"prompt": "x"}, headers={"last-event-id": "3"}).text)
    assert resumed[0][0] == "4" and resumed[:-1] == full[4:-1]


def test_the_page_reads_the_stream_from_the_chat_route_wherever_the_app_is_mounted() -> None:
    alone = TestClient(llm_stream.app).get("/")
    assert alone.headers["content-type"] == "text/html; charset=utf-8"
    assert '<div id="out" data-url="/chat">' in alone.text
    assert "new EventSource(out.dataset.url" in alone.text
    mounted = TestClient(App([mount("/llm", llm_stream.app)])).get("/llm/")
    assert '<div id="out" data-url="/llm/chat">' in mounted.text


def test_a_long_prompt_is_cut_to_500_characters() -> None:
    events = token_texts(TestClient(llm_stream.app).get("/chat", params={"prompt": "x" * 10_000}).text)
    text = "".join(json.loads(data)["text"] for _, data in events[:-1])
    assert "x" * 500 in text and "x" * 501 not in text
