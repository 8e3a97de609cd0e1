"""Serving one WebSocket connection: the handshake is a Request through the App's pipeline.

The Request has method "WEBSOCKET" (what websocket routes match), scheme "ws"/"wss" and an
empty body; it goes through the same middleware and router as HTTP. What comes back decides:
- a Response whose body is a `WebSocketPipe` (from `accept`): the handshake is accepted with
  its subprotocol and headers, and the pipe runs (lette_fp/asgi/ws_pipe.py); its background
  tasks run after the socket is closed;
- a `Delegate` (a mounted ASGI app): the connection is handed to that app;
- any other Response denies the handshake: sent as it is through the `websocket.http.response`
  extension where the server has it, otherwise as close 1008 (the server answers HTTP 403).
An exception nothing mapped denies the handshake with the App's 500 and is raised on, for the
server to log; so is an exception from the pipe, after the connection is closed with 1011.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from lette_fp.asgi.compiled import Compiled
from lette_fp.asgi.http import request_from_scope
from lette_fp.asgi.senders import run_background, send_response
from lette_fp.asgi.types import Message, Receive, Scope, Send
from lette_fp.asgi.ws_pipe import run_pipe
from lette_fp.http.entities import Delegate, WebSocketPipe
from lette_fp.http.request import Request
from lette_fp.http.response import Response
from lette_fp.pipeline import run_handler
from lette_fp.ws import subprotocols

logger = logging.getLogger("lette_fp.error")

DENIAL_EXTENSION = "websocket.http.response"
POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011


def make_websocket(compiled: Compiled) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Return the ASGI callable for `websocket` scopes of `compiled` (read once, here)."""
    handler = compiled.websocket

    async def serve_websocket(scope: Scope, receive: Receive, send: Send) -> None:
        connect = await receive()
        if connect["type"] != "websocket.connect":
            return
        req = request_from_scope(scope, "WEBSOCKET", b"", "ws", compiled.state, compiled.urls)
        try:
            resp = await run_handler(handler, req)
        except Exception as exc:
            resp, unmapped = await compiled.answer(req, exc)
            if unmapped is not None:
                await deny(resp, scope, receive, send, INTERNAL_ERROR)
                if unmapped is exc:
                    raise
                raise unmapped from exc
        body = resp.body
        try:
            if type(body) is WebSocketPipe:
                _check_subprotocol(body, req)
        except Exception as exc:
            await deny(await compiled.server_error(req, exc), scope, receive, send, INTERNAL_ERROR)
            raise
        if type(body) is WebSocketPipe:
            error = await accept_and_run(resp, body, receive, send, req.path)
            if error is not None:
                raise error
        elif type(body) is Delegate:
            await delegate(resp, body, connect, scope, receive, send)
        else:
            await deny(resp, scope, receive, send, POLICY_VIOLATION)

    return serve_websocket


def _check_subprotocol(body: WebSocketPipe, req: Request) -> None:
    chosen = body.subprotocol
    if chosen is not None and chosen not in subprotocols(req):
        raise ValueError(f"accept() chose subprotocol {chosen!r}, which the client did not offer")


async def accept_and_run(resp: Response, body: WebSocketPipe, receive: Receive, send: Send, path: str) -> Exception | None:
    """Accept the handshake, run the pipe, then the response's background tasks; return the
    pipe's exception, if any (the caller raises it on)."""
    try:
        await send({"type": "websocket.accept", "subprotocol": body.subprotocol, "headers": list(resp.headers)})
    except Exception:
        logger.debug("the client left WebSocket %s before the handshake completed", path, exc_info=True)
        return None
    error = await run_pipe(body.pipe, receive, send, path)
    if resp.background:
        await run_background(resp)
    return error


async def deny(resp: Response, scope: Scope, receive: Receive, send: Send, close_code: int) -> None:
    """Refuse the handshake with `resp`: as an HTTP response where the server offers it, else
    with a close (`close_code`) before accepting, which the server turns into HTTP 403."""
    if DENIAL_EXTENSION in (scope.get("extensions") or {}):
        http_scope = {**scope, "type": "http", "method": "GET", "extensions": {}}
        await send_response(resp, http_scope, _as_http_receive(receive), _as_denial(send))
        return
    await send({"type": "websocket.close", "code": close_code})
    if resp.background:
        await run_background(resp)


def _as_http_receive(receive: Receive) -> Receive:
    async def receive_http() -> Message:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return {"type": "http.disconnect"}
        return message

    return receive_http


def _as_denial(send: Send) -> Send:
    async def send_denial(message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start" or kind == "http.response.body":
            await send({**message, "type": "websocket." + kind})
        else:
            raise RuntimeError(f"a {kind!r} message can't answer a WebSocket handshake")

    return send_denial


async def delegate(resp: Response, body: Delegate, connect: Message, scope: Scope, receive: Receive, send: Send) -> None:
    """Hand the connection to a mounted ASGI app: it receives the `websocket.connect` again, and
    the response's headers are added to its handshake answer."""
    child = {**scope, "root_path": body.root_path, "path_params": dict(body.params)}
    pending: list[Message] = [connect]
    extra = resp.headers

    async def replay_connect() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    async def send_with_headers(message: Message) -> None:
        if extra and message["type"] in ("websocket.accept", "websocket.http.response.start"):
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        await send(message)

    await body.app(child, replay_connect, send_with_headers)

