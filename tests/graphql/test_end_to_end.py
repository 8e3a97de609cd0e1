"""End to end: a real GraphQL client (gql: httpx for HTTP, websockets for graphql-transport-ws)
against real servers; close codes checked with a raw websockets client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from lette_fp import App, Request
from lette_fp.graphql import graphql
from tests.graphql.schema import MESSAGES, schema
from tests.servers import ServerFactory


def context(req: Request) -> dict[str, Any]:
    params = req.attrs.get("connection_params", {})
    return {"request": req, "user": params.get("user")}


def make_app() -> App:
    return App(routes=[graphql(schema, context=context, connection_init_timeout=0.5)])


async def client_session(base: str) -> None:
    MESSAGES.clear()
    http = HTTPXAsyncTransport(url=f"{base}/graphql", timeout=5)
    async with Client(transport=http, fetch_schema_from_transport=True) as session:
        hi = gql("query Hi($n: String) { hello(name: $n) slowHello }")
        hi.variable_values = {"n": "gql"}
        result = await session.execute(hi)
        assert result == {"hello": "Hello, gql!", "slowHello": "Hello later, world!"}
        added = await session.execute(gql('mutation { addMessage(text: "from gql") }'))
        assert added == {"addMessage": ["from gql"]}
        with pytest.raises(TransportQueryError, match="told you so"):
            await session.execute(gql("{ refused }"))

    ws_url = base.replace("http://", "ws://") + "/graphql"
    transport = WebsocketsTransport(url=ws_url, init_payload={"user": "ann"}, subprotocols=["graphql-transport-ws"])
    async with Client(transport=transport) as session:
        ticks = [tick async for tick in session.subscribe(gql("subscription { count(to: 3, delay: 10) }"))]
        assert ticks == [{"count": 1}, {"count": 2}, {"count": 3}]
        over_ws = await session.execute(gql('mutation { addMessage(text: "over ws") }'))
        assert over_ws == {"addMessage": ["from gql", "over ws"]}
        assert await session.execute(gql("{ messages }")) == {"messages": ["from gql", "over ws"]}
        with pytest.raises(TransportQueryError, match="Cannot query field 'nope'"):
            async for _ in session.subscribe(gql("subscription { nope }")):
                pass
    MESSAGES.clear()


def test_gql_runs_a_query_a_mutation_and_a_subscription(serve: ServerFactory) -> None:
    with serve(make_app()) as base:
        asyncio.run(asyncio.wait_for(client_session(base), 30))


async def close_code(url: str, subprotocols: list[str], messages: list[dict[str, Any]]) -> tuple[int, str, str | None]:
    async with websockets.connect(url, subprotocols=subprotocols or None, open_timeout=5) as ws:  # type: ignore[arg-type]
        for message in messages:
            await ws.send(json.dumps(message))
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 5)
        except websockets.ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason, ws.subprotocol


def test_close_codes_reach_a_real_client(serve: ServerFactory) -> None:
    async def run(base: str) -> None:
        url = base.replace("http://", "ws://") + "/graphql"
        protocol = ["graphql-transport-ws"]
        assert await close_code(url, protocol, []) == (4408, "Connection initialisation timeout", "graphql-transport-ws")
        assert await close_code(url, [], []) == (4406, "Subprotocol not acceptable", None)
        assert await close_code(url, ["graphql-ws"], []) == (4406, "Subprotocol not acceptable", None)
        assert (await close_code(url, protocol, [{"type": "subscribe", "id": "1", "payload": {"query": "{ hello }"}}]))[:2] == (
            4401,
            "Unauthorized",
        )
        init = {"type": "connection_init"}
        assert (await close_code(url, protocol, [init, init]))[:2] == (4429, "Too many initialisation requests")
        code, reason, _ = await close_code(url, protocol, [{"type": "bogus"}])
        assert code == 4400 and reason.startswith("Invalid message received")

    with serve(make_app()) as base:
        asyncio.run(asyncio.wait_for(run(base), 30))
