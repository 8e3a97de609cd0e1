"""Handlers and middleware: the types, the one-time adaptation to `async (Request) -> Response`,
composition, and `on_request` / `on_response` for writing middleware as pure functions."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence
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


def returns_response(fn: Any) -> bool:
    """Return True when `fn` is an `async def` annotated `-> Response` (lette_fp's, by name or as a
    string naming it in the function's module): it is trusted to return one, as its type says."""
    if not inspect.iscoroutinefunction(fn):
        return False
    annotation = getattr(fn, "__annotations__", {}).get("return")
    if isinstance(annotation, str):
        annotation = getattr(fn, "__globals__", {}).get(annotation) if annotation.isidentifier() else None
    return annotation is Response


def to_handler(fn: AnyHandler) -> Handler:
    """Adapt any handler (sync or async, plain or `returns`-returning) to `async (Request) -> Response`.

    Done once at start-up. A sync handler is called directly on the event loop: it is a pure function.
    An `async def` annotated `-> Response` is returned as it is (no adapter frame per request).
    """
    if getattr(fn, "__lette_async_handler__", False) or returns_response(fn):
        return fn
    if is_async_callable(fn):

        async def call_async(req: Request) -> Response:
            result = await fn(req)
            if type(result) is Response:
                return result
            return await interpret(result)

        return mark_handler(call_async, fn)

    async def call_sync(req: Request) -> Response:
        result = fn(req)
        if type(result) is Response:
            return result
        return await interpret(result)

    return mark_handler(call_sync, fn)


def mark_handler(handler: Handler, original: Any) -> Handler:
    """Mark `handler`, an adapter made for `original`, as already `async (Request) -> Response`
    (`to_handler` returns it as it is) and give it `original`'s names; return it."""
    handler.__lette_async_handler__ = True  # type: ignore[attr-defined]
    handler.__wrapped__ = original  # type: ignore[attr-defined]
    handler.__name__ = getattr(original, "__name__", handler.__name__)
    handler.__qualname__ = getattr(original, "__qualname__", handler.__qualname__)
    return handler


def compose(handler: AnyHandler, middleware: Sequence[Middleware]) -> Handler:
    """Wrap `handler` in `middleware`, the first in the list outermost; return the async result."""
    wrapped = to_handler(handler)
    for mw in reversed(middleware):
        wrapped = to_handler(mw(wrapped))
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

        return mark_handler(handler, fn)

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

        return mark_handler(handler, fn)

    return middleware
