"""Compiled: what an App compiles into, and all the edge is given (the edge never sees the App)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

import msgspec

from lette_fp.http.request import EMPTY_MAPPING, Request, UrlTable
from lette_fp.http.response import Response
from lette_fp.http.state import NO_LIFESPAN_STATE
from lette_fp.pipeline import AnyHandler

LifespanContext = Callable[[], AbstractAsyncContextManager[Mapping[str, Any] | None]]
"""Enters the app's lifespan: an async context manager whose yielded mapping becomes `req.state`."""


class LifespanState(msgspec.Struct):
    """The one mutable cell of a Compiled: what the lifespan yielded, once startup ran; and
    `unstarted`, `req.state` until then when the server passes no state of its own (empty, or for
    an app with a lifespan, `NO_LIFESPAN_STATE`: the server ran none, as daphne never does)."""

    value: Mapping[str, Any] | None = None
    unstarted: Mapping[str, Any] = EMPTY_MAPPING


class Compiled(msgspec.Struct, frozen=True):
    """An App compiled once, as one value.

    `handler` is the composed handler (app middleware around the router, route and mount
    middleware around each endpoint) for HTTP requests and WebSocket handshakes alike. Its
    outermost layer is unguarded: the edge awaits or interprets what it returns, and sends what
    `answer(req, exc)` gives for what it raises (the Response, and the exception to raise on after
    it: None when the exception was mapped); `lifespan` enters the app's lifespan (None: nothing to run); `max_body_size` bounds
    every request body; `urls` builds `url_for`; `route_of(method, path, host)` returns the full
    template of the route that answers (None: none); `server_error(req, exc)` is the 500 for an
    exception nothing mapped; `debug` marks every request's scope (`req.debug`); `state` holds the lifespan's state once it started.
    """

    handler: AnyHandler
    answer: Callable[[Request, Exception], Awaitable[tuple[Response, Exception | None]]]
    lifespan: LifespanContext | None
    max_body_size: int | None
    urls: UrlTable
    route_of: Callable[[str, str, str | None], str | None]
    server_error: Callable[[Request, BaseException], Awaitable[Response]]
    debug: bool = False
    state: LifespanState = msgspec.field(default_factory=LifespanState)

    def __post_init__(self) -> None:
        if self.lifespan is not None:
            self.state.unstarted = NO_LIFESPAN_STATE

    @property
    def websocket(self) -> AnyHandler:
        """The WebSocket entry: handshakes go through the same composed handler (method "WEBSOCKET")."""
        return self.handler
