"""graphql-transport-ws: whatever a client sends, the pipe answers with protocol messages or closes
with a protocol code; it never raises, never hangs, and sends nothing after a close."""

from __future__ import annotations

import json
from typing import Any

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import Request
from lette_fp.graphql import Executor
from lette_fp.graphql.transport_ws import transport_ws_pipe
from lette_fp.ws import Close
from tests.graphql.schema import schema

EXECUTOR = Executor(schema, max_depth=4)
SERVER_TYPES = {"connection_ack", "pong", "next", "error", "complete"}
CLOSE_CODES = {4400, 4401, 4409, 4429}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
queries = st.sampled_from(
    ["{ hello }", "subscription { count(to: 2) }", "{ node { child { child { child { value } } } } }", "{", "{ nope }", "mutation { addMessage(text: \"p\") }"]
)
protocol_messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["connection_init", "ping", "pong", "subscribe", "complete", "next", "bogus"])},
    optional={
        "id": st.sampled_from(["1", "2", ""]) | st.integers(),
        "payload": st.fixed_dictionaries({"query": queries}, optional={"variables": json_values}) | json_values,
    },
).map(json.dumps)
client_messages = protocol_messages | st.text(max_size=30) | st.binary(max_size=10)


async def exchange(messages: list[str | bytes]) -> list[str | Close]:
    to_pipe, pipe_in = anyio.create_memory_object_stream[str | bytes](len(messages) + 1)
    outgoing = transport_ws_pipe(EXECUTOR, Request.build("WEBSOCKET", "/graphql"), connection_init_timeout=5)(pipe_in)
    received: list[str | Close] = []
    with anyio.fail_after(5):
        for message in messages:
            to_pipe.send_nowait(message)
        await anyio.sleep(0.01)
        to_pipe.close()
        async for item in outgoing:
            received.append(item)
    return received


@settings(max_examples=150, deadline=None)
@given(st.booleans(), st.lists(client_messages, min_size=1, max_size=6))
def test_any_client_messages_get_protocol_answers_or_a_protocol_close(init_first: bool, messages: list[Any]) -> None:
    if init_first:
        messages = ['{"type": "connection_init"}', *messages]
    received = anyio.run(exchange, messages)
    closes = [i for i, item in enumerate(received) if isinstance(item, Close)]
    assert closes in ([], [len(received) - 1])
    for item in received:
        if isinstance(item, Close):
            assert item.code in CLOSE_CODES
        else:
            decoded = json.loads(item)
            assert decoded["type"] in SERVER_TYPES
