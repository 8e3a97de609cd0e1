"""Handlers and middleware: the types, the one-time adaptation to `async (Request) -> Response`,
composition, and `on_request` / `on_response` for writing middleware as pure functions."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence
from types import CoroutineType
from typing import Any

from returns.io import IO, IOResult
from returns.result import Failure, Result, Success
from returns.unsafe import unsafe_perform_io

from lette_fp.http.errors import HTTPError
from lette_fp.http.request import Request
from lette_fp.http.response import Response

Handler = Callable[[Request], Awaitable[Response]]
"""What every middleware receives: an async function from Request to Response."""

AnyHandler = Callable[[Request], Any]
"""What a user may write: sync or async, returning a Response or a `returns` container of one."""

Middleware = Callable[[Handler], AnyHandler]
"""A function from the next handler to a new handler, applied once at start-up."""


def is_async_callable(obj: Any) -> bool:
    """Return True when calling `obj` returns a coroutine (functions, partials, `async __call__`)."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (callable(obj) and inspect.iscoroutinefunction(type(obj).__call__))


async def interpret(result: Any, plain: Callable[[Any], Response] | None = None) -> Response:
    """Turn what a handler returned into a Response.

    Accepts a Response, an awaitable of one, or a `returns` container: `Success(resp)`,
    `Failure(HTTPError | Exception)` (raised, so exception handlers see it), `IOResult`,
    `FutureResult`/`Future`. Any other value goes to `plain` (the typed adaptation's JSON
    encoding); without `plain` it is a TypeError naming the value.
    """
    while True:
        if isinstance(result, Response):
            return result
        if inspect.isawaitable(result):
            result = await result
        elif isinstance(result, IOResult):
            result = unsafe_perform_io(result)  # type: ignore[arg-type]
        elif isinstance(result, Result):
            if isinstance(result, Success):
                result = result.unwrap()
            elif isinstance(result, Failure):
                error = result.failure()
                if isinstance(error, BaseException):
                    raise error
                raise HTTPError(500) from TypeError(f"Failure({error!r}) holds no exception")
        elif isinstance(result, IO):
            result = unsafe_perform_io(result)
        elif plain is not None:
            return plain(result)
        else:
            raise TypeError(f"a handler returned {type(result).__name__}, not a Response: {result!r}")


def to_handler(fn: AnyHandler) -> Handler:
    """Adapt any handler (sync or async, plain or `returns`-returning) to `async (Request) -> Response`.

    Done once, when the App is built. A sync handler is called directly on the event loop: it is a
    pure function. What it returns is checked to be a Response, or interpreted into one.
    """
    if is_async_callable(fn):

        async def call_async(req: Request) -> Response:
            result = await fn(req)
            return result if type(result) is Response else await interpret(result)

        return functools.wraps(fn)(call_async)

    async def call_sync(req: Request) -> Response:
        result = fn(req)
        return result if type(result) is Response else await interpret(result)

    return functools.wraps(fn)(call_sync)


ErrorAnswer = Callable[[Request, Exception], Awaitable[Response | None]]
"""Maps an exception to its Response (an `HTTPError`, or one an exception handler takes), or
returns None when nothing maps it (then it goes on, to the next layer out)."""


def guard(handler: AnyHandler, errors: ErrorAnswer) -> Handler:
    """Return `handler` as `async (Request) -> Response` whose exceptions become Responses right
    there, as `errors` maps them; an exception nothing maps is raised on, unchanged."""

    async def guarded(req: Request) -> Response:
        try:
            result = handler(req)
            if type(result) is CoroutineType:
                result = await result
            return result if type(result) is Response else await interpret(result)
        except Exception as exc:
            answer = await errors(req, exc)
            if answer is None:
                raise
            return answer

    return functools.wraps(handler)(guarded)


def compose(handler: AnyHandler, middleware: Sequence[Middleware]) -> Handler:
    """Wrap `handler` (any handler, adapted once) in `middleware`, the first in the list
    outermost; return the async result."""
    return layer(to_handler(handler), middleware)


async def run_handler(handler: AnyHandler, req: Request) -> Response:
    """Return the Response of `handler(req)`: awaited, and interpreted when it is not one."""
    result = handler(req)
    if type(result) is CoroutineType:
        result = await result
    return result if type(result) is Response else await interpret(result)


def layer(handler: Handler, middleware: Sequence[Middleware]) -> Handler:
    """Wrap an adapted `handler` in `middleware`, the first in the list outermost; every layer is
    adapted to `async (Request) -> Response`."""
    wrapped = handler
    for mw in reversed(middleware):
        wrapped = to_handler(mw(wrapped))
    return wrapped


def guarded_layers(handler: AnyHandler, middleware: Sequence[Middleware], errors: ErrorAnswer) -> AnyHandler:
    """Wrap `handler`, which answers its own errors, in `middleware`, the first in the list
    outermost, each middleware handed a guarded next handler: what the layer inside it raises
    reaches it as a Response, as `errors` maps it ("one layer out").

    The outermost layer is returned as the middleware made it: whoever calls it (the edge, or the
    guard of an outer list) awaits or interprets its result and maps its exceptions, as `guard`
    does. A list of n middleware costs n - 1 guards."""
    wrapped = handler
    for index, mw in enumerate(reversed(middleware)):
        wrapped = mw(wrapped if index == 0 else guard(wrapped, errors))
    return wrapped


def on_request(fn: Callable[[Request], Request | Response | Awaitable[Request | Response]]) -> Middleware:
    """Lift `fn(req) -> Request | Response` into middleware: a Request goes on to the next handler,
    a Response answers at once. `fn` may be sync or async."""
    fn_is_async = is_async_callable(fn)

    def middleware(next_handler: Handler) -> Handler:
        async def handler(req: Request) -> Response:
            result = await fn(req) if fn_is_async else fn(req)  # type: ignore[misc]
            if isinstance(result, Request):
                return await next_handler(result)
            return await interpret(result)

        return functools.wraps(fn)(handler)

    return middleware


def on_response(fn: Callable[[Request, Response], Response | Awaitable[Response]]) -> Middleware:
    """Lift `fn(req, resp) -> Response` into middleware that rewrites every response.
    `fn` may be sync or async."""
    fn_is_async = is_async_callable(fn)

    def middleware(next_handler: Handler) -> Handler:
        async def handler(req: Request) -> Response:
            resp = await next_handler(req)
            result = await fn(req, resp) if fn_is_async else fn(req, resp)  # type: ignore[misc]
            return result if type(result) is Response else await interpret(result)

        return functools.wraps(fn)(handler)

    return middleware
