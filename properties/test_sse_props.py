"""An EventSource parser written here from the WHATWG spec recovers the events `sse` sends."""

import re
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Event, get, sse
from lette_fp.sse import encode_event, encode_item
from lette_fp.testing import TestClient


@dataclass
class Received:
    type: str
    data: str
    last_event_id: str


@dataclass
class Parsed:
    events: list[Received]
    retry: int | None


def parse_event_stream(stream: bytes) -> Parsed:
    """Interpret an event stream as html.spec.whatwg.org "Interpreting an event stream" says."""
    text = stream.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    events: list[Received] = []
    data, event_type, last_id, pending_id = "", "", "", ""
    retry: int | None = None
    lines = re.split(r"\r\n|\r|\n", text)
    for line in lines[:-1]:  # the text after the last line break is an incomplete line
        if line == "":
            last_id = pending_id
            if data == "":
                event_type = ""
                continue
            events.append(Received(event_type or "message", data[:-1] if data.endswith("\n") else data, last_id))
            data, event_type = "", ""
            continue
        if line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            event_type = value
        elif field == "data":
            data += value + "\n"
        elif field == "id":
            if "\0" not in value:
                pending_id = value
        elif field == "retry" and value and all("0" <= c <= "9" for c in value):
            retry = int(value)
    return Parsed(events, retry)


line_free = st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=12)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(line_free, inner, max_size=4),
    max_leaves=8,
)
events = st.builds(
    Event,
    data=st.none() | any_text | json_value.filter(lambda v: not isinstance(v, str)),
    event=st.none() | line_free,
    id=st.none() | line_free.filter(lambda v: "\0" not in v),
    retry=st.none() | st.integers(0, 10**9),
    comment=st.none() | any_text,
)


def expected(sent: list[Event]) -> Parsed:
    received: list[Received] = []
    last_id = ""
    retry = None
    for event in sent:
        if event.id is not None:
            last_id = event.id
        if event.retry is not None:
            retry = event.retry
        if event.data is None:
            continue
        data: Any = event.data
        text = data if isinstance(data, str) else msgspec.json.encode(data).decode()
        received.append(Received(event.event or "message", re.sub(r"\r\n|\r", "\n", text), last_id))
    return Parsed(received, retry)


@pytest.mark.parametrize("ping", [None, 15.0], ids=["no-ping", "default-ping"])
@settings(max_examples=100, deadline=None)
@given(st.lists(events, max_size=12))
def test_an_independent_parser_recovers_the_events(ping: float | None, sent: list[Event]) -> None:
    app = App([get("/", lambda req: sse(sent, ping=ping))])
    body = TestClient(app).get("/").content
    assert parse_event_stream(body) == expected(sent)


line_breaking = st.lists(st.sampled_from(["a", "é", "\n", "\r", "\r\n", "\0", " ", ":"]), max_size=12).map("".join)
unchecked_events = st.builds(
    Event,
    data=st.none() | line_breaking | st.binary(max_size=8) | json_value,
    event=st.none() | line_breaking,
    id=st.none() | line_breaking,
    retry=st.none() | st.integers(-3, 10**6),
    comment=st.none() | line_breaking,
)
items = unchecked_events | events | line_breaking | any_text | json_value | st.binary(max_size=12)


def outcome(encode: Any, value: Any) -> bytes | type[BaseException]:
    try:
        return encode(value)  # type: ignore[no-any-return]
    except ValueError as exc:
        return type(exc)


@settings(max_examples=500, deadline=None)
@given(items)
def test_the_fast_encoding_is_the_reference_encoding(item: Any) -> None:
    reference = outcome(encode_event, item if isinstance(item, Event) else Event(item))
    assert outcome(encode_item, item) == reference
