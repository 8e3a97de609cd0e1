"""Serving one HTTP request: build the Request, run the compiled handler, send the Response."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from lette_fp.asgi.body import Incoming
from lette_fp.asgi.compiled import Compiled
from lette_fp.asgi.senders import SENDERS, run_background, send_response, sender_for
from lette_fp.asgi.types import Receive, Scope, Send
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.request import EMPTY_MAPPING, Request


def request_state(compiled: Compiled, scope: Scope) -> Mapping[str, Any]:
    """Return the read-only `req.state`: what the app's lifespan yielded, else the server's scope
    state (a lette_fp app mounted in another app shares its state)."""
    state = compiled.state.value
    if state is not None:
        return state
    scope_state = scope.get("state")
    return MappingProxyType(dict(scope_state)) if scope_state else EMPTY_MAPPING


def request_from_scope(compiled: Compiled, scope: Scope, method: str, body: bytes | Incoming, scheme: str) -> Request:
    """Return the Request for an http or websocket `scope` (`scheme` when the scope names none)."""
    state = request_state(compiled, scope)
    try:
        return Request(
            method, scope["path"], scope["root_path"], scope["query_string"], scope["headers"],
            scope["client"], scope["server"], scope["scheme"], scope["http_version"],
            EMPTY_MAPPING, state, EMPTY_MAPPING, body, compiled.urls, scope,  # type: ignore[arg-type]
        )
    except KeyError:
        return Request(
            method,
            scope["path"],
            scope.get("root_path", ""),
            scope.get("query_string", b""),
            scope["headers"],
            scope.get("client"),
            scope.get("server"),
            scope.get("scheme", scheme),
            scope.get("http_version", "1.1"),
            EMPTY_MAPPING,
            state,
            EMPTY_MAPPING,
            body,
            compiled.urls,
            scope,  # type: ignore[arg-type]
        )


async def serve_http(compiled: Compiled, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one `http` scope: the Request goes through `compiled.handler` and the Response is sent
    by its entity's sender. An exception nothing mapped: the 500 is sent whole, then the
    exception is raised on, for the server (and outer ASGI middleware) to see."""
    method = scope["method"]
    body = Incoming(receive, scope["headers"], compiled.max_body_size)
    req = request_from_scope(compiled, scope, method, body, "http")
    gone: ClientDisconnected | None = None
    try:
        resp = await compiled.handler(req)
    except ClientDisconnected as exc:
        gone = exc
        return
    except Exception as exc:
        await send_response(await compiled.server_error(req, exc), scope, body, send)
        raise
    else:
        sender = SENDERS.get(type(resp.body)) or sender_for(resp)
        await sender(resp, scope, body, send)
        if resp.background:
            await run_background(resp)
    finally:
        shared = body.shared_state
        if shared is not None:
            if shared.cleanups is not None:
                body.release()
            if shared.deferred is not None:
                await body.run_deferred(gone or sys.exc_info()[1])
