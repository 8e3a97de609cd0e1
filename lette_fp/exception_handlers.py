"""Exception handlers, compiled once: what answers an `HTTPError` or another exception.

`App(exception_handlers={404: not_found, ValueError: bad_value})`: an entry keyed by status
answers `HTTPError`s of that status; one keyed by an exception class answers that class and its
subclasses (the most derived entry wins). An entry for 500 or `Exception` answers what nothing
else does, at the edge: the 500 is sent, then the exception goes on to the server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from lette_fp.debug import debug_error, internal_error
from lette_fp.http.errors import ClientDisconnected, HTTPError
from lette_fp.http.request import Request
from lette_fp.http.response import Response, empty, json
from lette_fp.pipeline import interpret

logger = logging.getLogger("lette_fp.error")

ExceptionHandler = Callable[[Request, Exception], Any]
"""`(Request, Exception) -> Response` (sync or async, or a `returns` container of a Response)."""

_Answer = Callable[[Request, Exception], Awaitable[Response]]


def http_error_response(req: Request, exc: HTTPError) -> Response:
    """Return the default answer for an HTTPError: JSON `{"detail": ...}` with its headers
    (no body for statuses that can't have one)."""
    if exc.status < 200 or exc.status in (204, 304):
        return empty(exc.status, exc.headers)
    return json({"detail": exc.detail}, status=exc.status, headers=exc.headers)


def _adapt(fn: ExceptionHandler) -> _Answer:
    async def answer(req: Request, exc: Exception) -> Response:
        return await interpret(fn(req, exc))

    return answer


class ExceptionHandlers:
    """The App's exception handlers, by status and by exception class."""

    __slots__ = ("_by_status", "_by_type", "_last_resort", "debug")

    def __init__(self, handlers: Mapping[int | type[BaseException], ExceptionHandler] | None, debug: bool = False) -> None:
        handlers = dict(handlers or {})
        self._by_status = {k: _adapt(v) for k, v in handlers.items() if isinstance(k, int)}
        self._by_type = {k: _adapt(v) for k, v in handlers.items() if isinstance(k, type)}
        self._last_resort = self._by_status.get(500) or self._by_type.get(Exception)
        self.debug = debug

    async def answer(self, req: Request, exc: Exception) -> Response | None:
        """Return the Response for `exc`: its status's handler or the default answer for an
        `HTTPError`, the handler of its class otherwise; None when nothing maps it (the
        catch-all 500/`Exception` entry is left to `server_error`)."""
        if isinstance(exc, HTTPError):
            handler = self._by_status.get(exc.status) or self._by_class(exc)
            return http_error_response(req, exc) if handler is None else await handler(req, exc)
        if type(exc) is ClientDisconnected:
            return None
        handler = self._by_class(exc)
        return None if handler is None else await handler(req, exc)

    def _by_class(self, exc: BaseException) -> _Answer | None:
        if not self._by_type:
            return None
        for cls in type(exc).__mro__:
            handler = self._by_type.get(cls)
            if handler is not None and cls is not Exception:
                return handler
        return None

    async def at_edge(self, req: Request, exc: Exception) -> tuple[Response, Exception | None]:
        """Answer an exception that reached the edge: its Response and None when something maps
        it; else the 500 and the exception to raise on once it is sent (the failing exception
        handler's own, when one fails)."""
        try:
            resp = await self.answer(req, exc)
        except Exception as failed:
            return await self.server_error(req, failed), failed
        if resp is None:
            return await self.server_error(req, exc), exc
        return resp, None

    async def server_error(self, req: Request, exc: BaseException) -> Response:
        """Return the 500 for an exception nothing mapped: the 500/`Exception` handler's answer,
        the debug page with `debug=True`, or a bare "Internal Server Error"."""
        if self._last_resort is not None and isinstance(exc, Exception):
            try:
                return await self._last_resort(req, exc)
            except Exception:
                logger.exception("the 500 exception handler failed")
        return debug_error(req, exc) if self.debug else internal_error(req, exc)
