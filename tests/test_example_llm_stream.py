"""The LLM token-streaming example: tokens as SSE events, resumable with Last-Event-ID."""

import json

import pytest

from examples import llm_stream
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
    assert "EventSource" in client.get("/").text
    full = token_texts(client.get("/chat", params={"prompt": "x"}).text)
    tokens = llm_stream.fake_model("x")
    assert "".join(json.loads(data)["text"] for _, data in full[:-1]) == "".join(tokens)
    assert full[-1] == ("", "done")
    resumed = token_texts(client.get("/chat", params={"prompt": "x"}, headers={"last-event-id": "3"}).text)
    assert resumed[0][0] == "4" and resumed[:-1] == full[4:-1]
