"""Serving HTTP: build the Request, run the compiled handler, send the Response."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from types import CoroutineType, MappingProxyType
from typing import Any

from lette_fp.asgi.body import Incoming
from lette_fp.asgi.compiled import Compiled, LifespanState
from lette_fp.asgi.senders import CONTENT_LENGTHS, content_length, send_response
from lette_fp.asgi.types import ASGIApp, Receive, Scope, Send
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.request import EMPTY_MAPPING, Request, UrlTable
from lette_fp.http.response import Response
from lette_fp.pipeline import interpret


def scope_state(scope: Scope, unstarted: Mapping[str, Any] = EMPTY_MAPPING) -> Mapping[str, Any]:
    """Return the server's scope state as `req.state` (read-only), for an app without lifespan
    state of its own (a lette_fp app mounted in another app shares that app's state); `unstarted`
    when the server has none (`LifespanState.unstarted`)."""
    values = scope.get("state")
    return MappingProxyType(dict(values)) if values else unstarted


def request_from_scope(
    scope: Scope, method: str, body: bytes | Incoming, scheme: str, state: LifespanState, urls: UrlTable
) -> Request:
    """Return the Request for an http or websocket `scope` (`scheme` when the scope names none).

    `req.state` is read-only: what the app's lifespan yielded, else the server's scope state (a
    lette_fp app mounted in another app shares its state), else `state.unstarted`."""
    values = state.value
    if values is None:
        values = scope_state(scope, state.unstarted)
    try:
        return Request(
            method, scope["path"], scope["root_path"], scope["query_string"], scope["headers"],
            scope["client"], scope["server"], scope["scheme"], scope["http_version"],
            EMPTY_MAPPING, values, EMPTY_MAPPING, body, urls, scope,  # type: ignore[arg-type]
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
            values,
            EMPTY_MAPPING,
            body,
            urls,
            scope,  # type: ignore[arg-type]
        )


def make_http(compiled: Compiled, other: ASGIApp) -> ASGIApp:
    """Return the ASGI callable serving `compiled`'s `http` scopes, and `other` for the rest.

    Per request: the Request goes through `compiled.handler` (its result awaited and interpreted
    as `pipeline.run_handler` does) and the Response is sent by its entity's sender. A bytes body
    without background tasks, the common case, is sent right here, message for message as
    `send_bytes` sends it (a property holds the two equal). An exception: what `compiled.answer`
    maps it to is sent; when nothing maps it, the 500 is sent whole, then the exception is raised
    on, for the server (and outer ASGI middleware) to see."""
    handler = compiled.handler
    limit = compiled.max_body_size
    state = compiled.state
    urls = compiled.urls
    answer = compiled.answer
    lengths = CONTENT_LENGTHS

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await other(scope, receive, send)
            return
        method = scope["method"]
        headers = scope["headers"]
        body = Incoming(receive, headers, limit)
        values = state.value
        try:
            if values is None:
                values = scope_state(scope, state.unstarted) if scope["state"] else state.unstarted
            req = Request(
                method, scope["path"], scope["root_path"], scope["query_string"], headers,
                scope["client"], scope["server"], scope["scheme"], scope["http_version"],
                EMPTY_MAPPING, values, EMPTY_MAPPING, body, urls, scope,  # type: ignore[arg-type]
            )
        except KeyError:
            req = request_from_scope(scope, method, body, "http", state, urls)
        gone: ClientDisconnected | None = None
        try:
            resp = handler(req)
            if type(resp) is CoroutineType:
                resp = await resp
            if type(resp) is not Response:
                resp = await interpret(resp)
        except ClientDisconnected as exc:
            gone = exc
            return
        except Exception as exc:
            resp, unmapped = await answer(req, exc)
            await send_response(resp, scope, body, send)
            if unmapped is exc:
                raise
            if unmapped is not None:
                raise unmapped from exc
        else:
            entity = resp.body
            status = resp.status
            if type(entity) is bytes and not resp.background and status >= 200 and status != 204 and status != 304:
                size = len(entity)
                await send({"type": "http.response.start", "status": status, "headers": [*resp.headers, lengths.get(size) or content_length(size)]})
                await send({"type": "http.response.body", "body": entity if method != "HEAD" else b""})
            else:
                await send_response(resp, scope, body, send)
        finally:
            shared = body.shared_state
            if shared is not None:
                if shared.cleanups is not None:
                    body.release()
                if shared.deferred is not None:
                    await body.run_deferred(gone or sys.exc_info()[1])

    return serve
