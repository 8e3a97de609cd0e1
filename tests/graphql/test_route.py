"""The graphql() route value over the App: its WebSocket half through the in-process test client
(both anyio backends), middleware on the handshake, and mounting."""

from typing import Any

import pytest

from lette_fp import App, Request, Response, mount, on_request, text
from lette_fp.graphql import graphql
from lette_fp.testing import AsyncTestClient, WebSocketClosed, WebSocketDenied
from tests.graphql.schema import schema

PROTOCOL = ["graphql-transport-ws"]


async def test_a_subscription_through_the_app() -> None:
    app = App(routes=[mount("/api", [graphql(schema)])])
    async with AsyncTestClient(app) as client, client.websocket_connect("/api/graphql", subprotocols=PROTOCOL) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        await ws.send_json({"type": "connection_init"})
        assert await ws.receive_json() == {"type": "connection_ack"}
        await ws.send_json({"type": "subscribe", "id": "1", "payload": {"query": "subscription { count(to: 2) }"}})
        assert await ws.receive_json() == {"type": "next", "id": "1", "payload": {"data": {"count": 1}}}
        assert await ws.receive_json() == {"type": "next", "id": "1", "payload": {"data": {"count": 2}}}
        assert await ws.receive_json() == {"type": "complete", "id": "1"}


async def test_without_the_subprotocol_the_connection_closes_with_4406() -> None:
    async with AsyncTestClient(App(routes=[graphql(schema)])) as client, client.websocket_connect("/graphql") as ws:
        assert ws.subprotocol is None
        with pytest.raises(WebSocketClosed) as closed:
            await ws.receive()
    assert (closed.value.code, closed.value.reason) == (4406, "Subprotocol not acceptable")


async def test_middleware_sees_the_handshake_and_the_context_sees_its_attrs() -> None:
    def authenticate(req: Request) -> Request | Response:
        user = req.query.get("user")
        if user is None:
            return text("who are you?", status=401)
        return req.with_attrs(user=user)

    def context(req: Request) -> Any:
        return f"{req.attrs['user']}/{req.attrs.get('connection_params', {}).get('device', 'http')}"

    app = App(routes=[graphql(schema, context=context)], middleware=[on_request(authenticate)])
    async with AsyncTestClient(app) as client:
        assert (await client.post("/graphql?user=bo", json={"query": "{ whoami }"})).json() == {"data": {"whoami": "bo/http"}}
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/graphql", subprotocols=PROTOCOL):
                pass
        assert (denied.value.status, denied.value.text) == (401, "who are you?")
        async with client.websocket_connect("/graphql?user=ann", subprotocols=PROTOCOL) as ws:
            await ws.send_json({"type": "connection_init", "payload": {"device": "phone"}})
            assert await ws.receive_json() == {"type": "connection_ack"}
            await ws.send_json({"type": "subscribe", "id": "w", "payload": {"query": "subscription { whoami }"}})
            assert await ws.receive_json() == {"type": "next", "id": "w", "payload": {"data": {"whoami": "ann/phone"}}}
