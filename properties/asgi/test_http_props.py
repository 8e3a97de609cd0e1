"""The edge sends a bytes body itself (the common case, no sender call): message for message
what the reference sender, `send_bytes`, sends for the same Response."""

from __future__ import annotations

from typing import Any

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Response, get, route
from lette_fp.asgi.senders import send_bytes

statuses = st.sampled_from([200, 201, 204, 206, 301, 304, 400, 404, 418, 500, 503])
header_names = st.sampled_from([b"x-a", b"x-b", b"set-cookie", b"content-type"])
headers = st.lists(st.tuples(header_names, st.binary(max_size=8).filter(lambda v: b"\r" not in v and b"\n" not in v)), max_size=4)


async def messages(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def http_scope(method: str) -> dict[str, Any]:
    return {
        "type": "http", "method": method, "path": "/", "root_path": "", "query_string": b"", "headers": [],
        "client": None, "server": None, "scheme": "http", "http_version": "1.1", "state": {},
    }


@settings(max_examples=200, deadline=None)
@given(status=statuses, pairs=headers, body=st.binary(max_size=64), method=st.sampled_from(["GET", "HEAD"]))
def test_the_edge_sends_a_bytes_body_as_send_bytes_does(status: int, pairs: list[tuple[bytes, bytes]], body: bytes, method: str) -> None:
    resp = Response(status, tuple(pairs), body)
    app = App(routes=[route("/", lambda req: resp, methods=["GET", "HEAD"])])

    async def reference(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send_bytes(resp, scope, receive, send)

    via_edge = anyio.run(messages, app, http_scope(method))
    via_sender = anyio.run(messages, reference, http_scope(method))
    assert via_edge == via_sender
    assert type(via_edge[0]["headers"]) is list


def test_the_property_sees_the_bodies_it_is_about() -> None:
    app = App(routes=[get("/", lambda req: Response(200, (), b"abc"))])
    sent = anyio.run(messages, app, http_scope("GET"))
    assert sent[1] == {"type": "http.response.body", "body": b"abc"}
