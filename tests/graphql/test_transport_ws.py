"""The graphql-transport-ws pipe on its own, fed plain async iterators: the whole protocol,
including every close code it defines."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from graphql import GraphQLField, GraphQLInt, GraphQLObjectType, GraphQLSchema

from lette_fp import HTTPError, Request
from lette_fp.graphql import Executor
from lette_fp.graphql.transport_ws import transport_ws_pipe
from lette_fp.ws import Close
from tests.graphql.schema import MESSAGES, schema

EXECUTOR = Executor(schema)


class Client:
    """The client's end of a pipe under test: send messages, receive what the pipe yields."""

    def __init__(self, outgoing: MemoryObjectSendStream[str | bytes], incoming: MemoryObjectReceiveStream[Any]) -> None:
        self.outgoing = outgoing
        self.incoming = incoming

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        await self.outgoing.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def receive(self) -> dict[str, Any] | Close:
        with anyio.fail_after(5):
            item = await self.incoming.receive()
        return item if isinstance(item, Close) else json.loads(item)

    async def init(self, payload: dict[str, Any] | None = None) -> None:
        await self.send({"type": "connection_init", **({"payload": payload} if payload else {})})
        assert await self.receive() == {"type": "connection_ack"}

    async def nothing_pending(self) -> None:
        """Round-trip a ping: everything sent before the pong has been received."""
        await self.send({"type": "ping"})
        assert await self.receive() == {"type": "pong"}

    async def closed(self) -> None:
        """Wait until the pipe ended (it yields nothing more)."""
        with anyio.fail_after(5):
            with pytest.raises(anyio.EndOfStream):
                await self.incoming.receive()


@asynccontextmanager
async def connect(executor: Executor = EXECUTOR, req: Request | None = None, **options: Any) -> AsyncIterator[Client]:
    """Run the pipe in a task; leaving the block is the client disconnecting."""
    to_pipe, pipe_in = anyio.create_memory_object_stream[str | bytes](100)
    pipe_out, from_pipe = anyio.create_memory_object_stream[Any](100)
    pipe = transport_ws_pipe(executor, req or Request.build("WEBSOCKET", "/graphql"), **options)

    async def run() -> None:
        async with pipe_out:
            outgoing = pipe(pipe_in)
            try:
                async for message in outgoing:
                    await pipe_out.send(message)
            finally:
                await outgoing.aclose()  # type: ignore[attr-defined]

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        with anyio.fail_after(10):
            yield Client(to_pipe, from_pipe)
            to_pipe.close()


def subscribe(id: str, query: str, **payload: Any) -> dict[str, Any]:
    return {"type": "subscribe", "id": id, "payload": {"query": query, **payload}}


async def test_init_ack_ping_pong() -> None:
    async with connect() as client:
        await client.send({"type": "ping", "payload": {"early": True}})
        assert await client.receive() == {"type": "pong", "payload": {"early": True}}
        await client.init({"token": "t"})
        await client.send({"type": "pong"})
        await client.nothing_pending()


async def test_a_subscription_streams_next_then_complete() -> None:
    async with connect() as client:
        await client.init()
        await client.send(subscribe("s1", "subscription { count(to: 3) }"))
        for i in (1, 2, 3):
            assert await client.receive() == {"type": "next", "id": "s1", "payload": {"data": {"count": i}}}
        assert await client.receive() == {"type": "complete", "id": "s1"}


async def test_queries_and_mutations_run_over_the_socket_too() -> None:
    MESSAGES.clear()
    async with connect() as client:
        await client.init()
        await client.send(subscribe("q", "query($n: String) { slowHello(name: $n) }", variables={"n": "ws"}))
        assert await client.receive() == {"type": "next", "id": "q", "payload": {"data": {"slowHello": "Hello later, ws!"}}}
        assert await client.receive() == {"type": "complete", "id": "q"}
        await client.send(subscribe("m", 'mutation { addMessage(text: "over ws") }'))
        assert await client.receive() == {"type": "next", "id": "m", "payload": {"data": {"addMessage": ["over ws"]}}}
        assert await client.receive() == {"type": "complete", "id": "m"}
    MESSAGES.clear()


async def test_operations_run_concurrently_and_complete_stops_one() -> None:
    async with connect() as client:
        await client.init()
        await client.send(subscribe("slow", "subscription { count(to: 1000, delay: 50) }"))
        assert await client.receive() == {"type": "next", "id": "slow", "payload": {"data": {"count": 1}}}
        await client.send(subscribe("fast", "{ hello }"))
        fast: list[Any] = []
        while len(fast) < 2:
            message = await client.receive()
            assert isinstance(message, dict)
            if message["id"] == "fast":
                fast.append(message)
        assert fast == [
            {"type": "next", "id": "fast", "payload": {"data": {"hello": "Hello, world!"}}},
            {"type": "complete", "id": "fast"},
        ]
        await client.send({"type": "complete", "id": "slow"})
        await client.send({"type": "complete", "id": "unknown"})
        await client.send({"type": "ping"})
        while (message := await client.receive()) != {"type": "pong"}:
            assert isinstance(message, dict) and message["id"] == "slow" and message["type"] == "next"
        await anyio.sleep(0.15)
        await client.nothing_pending()
        await client.send(subscribe("slow", "subscription { count(to: 1) }"))
        assert await client.receive() == {"type": "next", "id": "slow", "payload": {"data": {"count": 1}}}
        assert await client.receive() == {"type": "complete", "id": "slow"}


async def test_refused_operations_get_one_error_and_no_complete() -> None:
    deep = "{ node { child { child { value } } } }"
    async with connect(Executor(schema, max_depth=3)) as client:
        await client.init()
        await client.send(subscribe("bad", "subscription { nope }"))
        assert await client.receive() == {
            "type": "error",
            "id": "bad",
            "payload": [{"message": "Cannot query field 'nope' on type 'Subscription'.", "locations": [{"line": 1, "column": 16}]}],
        }
        await client.send(subscribe("deep", deep))
        error = await client.receive()
        assert isinstance(error, dict) and error["type"] == "error"
        assert error["payload"][0]["message"] == "Operation has depth 4, over the maximum of 3."
        await client.send(subscribe("two", "query A { hello } query B { hello }"))
        assert (await client.receive())["type"] == "error"  # type: ignore[index]
        await client.nothing_pending()


async def test_subscription_errors_before_and_during_the_stream() -> None:
    async with connect() as client:
        await client.init()
        await client.send(subscribe("r", "subscription { refused }"))
        refused = await client.receive()
        assert isinstance(refused, dict) and refused["type"] == "next"
        assert refused["payload"]["errors"][0]["message"] == "no ticks for you"
        assert await client.receive() == {"type": "complete", "id": "r"}
        await client.send(subscribe("v", "subscription($to: Int!) { count(to: $to) }", variables={"to": "x"}))
        bad_variables = await client.receive()
        assert isinstance(bad_variables, dict) and "data" not in bad_variables["payload"]
        assert await client.receive() == {"type": "complete", "id": "v"}
        await client.send(subscribe("f", "subscription { countThenFail }"))
        assert await client.receive() == {"type": "next", "id": "f", "payload": {"data": {"countThenFail": 1}}}
        failed = await client.receive()
        assert failed == {"type": "error", "id": "f", "payload": [{"message": "Internal Server Error"}]}
        await client.nothing_pending()


async def test_a_context_refusing_with_http_error_shows_its_detail() -> None:
    def context(req: Request) -> str:
        if not req.attrs["connection_params"].get("token"):
            raise HTTPError(401, "a token is needed")
        return "ok"

    async with connect(Executor(schema, context=context)) as client:
        await client.init()
        await client.send(subscribe("w", "subscription { whoami }"))
        assert await client.receive() == {"type": "error", "id": "w", "payload": [{"message": "a token is needed"}]}


async def test_the_context_sees_the_connection_init_payload() -> None:
    def context(req: Request) -> str:
        return f"{req.attrs['connection_params'].get('user')} on {req.path}"

    async with connect(Executor(schema, context=context)) as client:
        await client.init({"user": "ann"})
        await client.send(subscribe("w", "subscription { whoami }"))
        assert await client.receive() == {"type": "next", "id": "w", "payload": {"data": {"whoami": "ann on /graphql"}}}


async def test_4401_subscribe_before_the_acknowledgement() -> None:
    async with connect() as client:
        await client.send(subscribe("s", "{ hello }"))
        assert await client.receive() == Close(4401, "Unauthorized")
        await client.closed()


async def test_4408_no_connection_init_in_time() -> None:
    async with connect(connection_init_timeout=0.05) as client:
        assert await client.receive() == Close(4408, "Connection initialisation timeout")
        await client.closed()
    async with connect(connection_init_timeout=0.05) as client:
        await client.init()
        await anyio.sleep(0.1)
        await client.nothing_pending()


async def test_4429_a_second_connection_init() -> None:
    async with connect() as client:
        await client.init()
        await client.send({"type": "connection_init"})
        assert await client.receive() == Close(4429, "Too many initialisation requests")
        await client.closed()


async def test_4409_an_id_already_in_use() -> None:
    async with connect() as client:
        await client.init()
        await client.send(subscribe("same", "subscription { count(to: 1000, delay: 50) }"))
        assert (await client.receive())["type"] == "next"  # type: ignore[index]
        await client.send(subscribe("same", "{ hello }"))
        assert await client.receive() == Close(4409, "Subscriber for same already exists")
        await client.closed()


async def test_4409_reason_is_cut_to_fit_a_close_frame() -> None:
    long_id = "é" * 200
    async with connect() as client:
        await client.init()
        await client.send(subscribe(long_id, "subscription { count(to: 1000, delay: 50) }"))
        assert (await client.receive())["type"] == "next"  # type: ignore[index]
        await client.send(subscribe(long_id, "{ hello }"))
        close = await client.receive()
        assert isinstance(close, Close) and close.code == 4409
        assert len(close.reason.encode()) <= 123
        assert close.reason.startswith("Subscriber for éé")


@pytest.mark.parametrize(
    "message",
    [
        "{not json",
        b'{"type": "connection_init"}',
        '["connection_init"]',
        '{"payload": {}}',
        '{"type": "what"}',
        '{"type": "next", "id": "1", "payload": {}}',
        '{"type": "connection_init", "payload": [1]}',
        '{"type": "ping", "payload": "text"}',
        "[" * 100_000,
    ],
)
async def test_4400_invalid_messages_before_init(message: str | bytes) -> None:
    async with connect() as client:
        await client.send(message)
        close = await client.receive()
        assert isinstance(close, Close) and close.code == 4400
        assert close.reason.startswith("Invalid message received")
        await client.closed()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "subscribe", "payload": {"query": "{ hello }"}},
        {"type": "subscribe", "id": "", "payload": {"query": "{ hello }"}},
        {"type": "subscribe", "id": "1", "payload": "{ hello }"},
        {"type": "subscribe", "id": "1", "payload": {"variables": {}}},
        {"type": "subscribe", "id": "1", "payload": {"query": "{ hello }", "variables": [1]}},
        {"type": "complete"},
    ],
)
async def test_4400_invalid_messages_after_init(message: dict[str, Any]) -> None:
    async with connect() as client:
        await client.init()
        await client.send(message)
        close = await client.receive()
        assert isinstance(close, Close) and close.code == 4400
        await client.closed()


async def test_operations_per_connection_are_limited() -> None:
    async with connect(max_operations=2) as client:
        await client.init()
        for id in ("a", "b"):
            await client.send(subscribe(id, "subscription { count(to: 1000, delay: 50) }"))
            assert (await client.receive())["type"] == "next"  # type: ignore[index]
        await client.send(subscribe("c", "{ hello }"))
        while (message := await client.receive())["id"] != "c":  # type: ignore[index]
            pass
        assert message == {"type": "error", "id": "c", "payload": [{"message": "Too many operations on this connection (at most 2)."}]}


def endless_schema(stopped: anyio.Event) -> GraphQLSchema:
    """A schema whose `tick` subscription never ends by itself; `stopped` is set when it is closed."""

    async def forever() -> AsyncIterator[int]:
        try:
            while True:
                yield 1
                await anyio.sleep(0.01)
        finally:
            stopped.set()

    return GraphQLSchema(
        query=GraphQLObjectType("Query", {"x": GraphQLField(GraphQLInt)}),
        subscription=GraphQLObjectType(
            "Subscription",
            {"tick": GraphQLField(GraphQLInt, subscribe=lambda *_: forever(), resolve=lambda value, info: value)},
        ),
    )


async def test_a_client_leaving_stops_its_subscriptions() -> None:
    stopped = anyio.Event()
    async with connect(Executor(endless_schema(stopped))) as client:
        await client.init()
        await client.send(subscribe("t", "subscription { tick }"))
        assert (await client.receive())["type"] == "next"  # type: ignore[index]
    with anyio.fail_after(5):
        await stopped.wait()


async def test_closing_the_pipe_mid_stream_is_clean() -> None:
    stopped = anyio.Event()
    to_pipe, pipe_in = anyio.create_memory_object_stream[str | bytes](10)
    outgoing = transport_ws_pipe(Executor(endless_schema(stopped)), Request.build("WEBSOCKET", "/graphql"))(pipe_in)
    with anyio.fail_after(5):
        await to_pipe.send(json.dumps({"type": "connection_init"}))
        assert await outgoing.__anext__() == '{"type":"connection_ack"}'
        await to_pipe.send(json.dumps(subscribe("1", "subscription { tick }")))
        assert json.loads(await outgoing.__anext__())["type"] == "next"
        await anyio.sleep(0.05)
        await outgoing.aclose()  # type: ignore[attr-defined]
        await stopped.wait()
    to_pipe.close()
