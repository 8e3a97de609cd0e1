"""Serving HTTP: build the Request, run the compiled handler, send the Response."""

from __future__ import annotations

from types import MappingProxyType

from lette_fp.asgi.body import Incoming
from lette_fp.asgi.compiled import Compiled, LifespanState
from lette_fp.asgi.senders import SENDERS, run_background, send_response, sender_for
from lette_fp.asgi.types import ASGIApp, Receive, Scope, Send
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.request import EMPTY_MAPPING, Request, UrlTable


def request_from_scope(
    scope: Scope, method: str, body: bytes | Incoming, scheme: str, state: LifespanState, urls: UrlTable
) -> Request:
    """Return the Request for an http or websocket `scope` (`scheme` when the scope names none).

    `req.state` is read-only: what the app's lifespan yielded, else the server's scope state (a
    lette_fp app mounted in another app shares its state)."""
    values = state.value
    if values is None:
        scope_state = scope.get("state")
        values = MappingProxyType(dict(scope_state)) if scope_state else EMPTY_MAPPING
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

    Per request: the Request goes through `compiled.handler` and the Response is sent by its
    entity's sender. An exception nothing mapped: the 500 is sent whole, then the exception is
    raised on, for the server (and outer ASGI middleware) to see."""
    handler = compiled.handler
    limit = compiled.max_body_size
    state = compiled.state
    urls = compiled.urls
    server_error = compiled.server_error
    senders = SENDERS

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await other(scope, receive, send)
            return
        body = Incoming(receive, scope["headers"], limit)
        req = request_from_scope(scope, scope["method"], body, "http", state, urls)
        try:
            resp = await handler(req)
        except ClientDisconnected:
            return
        except Exception as exc:
            await send_response(await server_error(req, exc), scope, body, send)
            raise
        else:
            await (senders.get(type(resp.body)) or sender_for(resp))(resp, scope, body, send)
            if resp.background:
                await run_background(resp)
        finally:
            shared = body.shared_state
            if shared is not None and shared.cleanups is not None:
                body.release()

    return serve
