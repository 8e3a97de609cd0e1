"""`stream(...)`: a response whose body is sent in chunks as an iterable yields them.

Async iterables are used as they are; sync iterables are iterated off the event loop, one
`next()` per worker-thread call, and closed there too when the client goes away.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TypeVar, cast

import anyio
import anyio.to_thread

from lette_fp.http.entities import Stream
from lette_fp.http.response import HeadersArg, Response, _charset, _headers_with

T = TypeVar("T")

_DONE = object()


def _next(iterator: Iterator[T]) -> T | object:
    return next(iterator, _DONE)


async def iterate_in_thread(iterable: Iterable[T]) -> AsyncIterator[T]:
    """Yield the items of a sync iterable, each `next()` run in a worker thread; on close (or
    cancellation) the iterator's `close()` runs in a worker thread too, so its `finally` does."""
    iterator = iter(iterable)
    try:
        while True:
            item = await anyio.to_thread.run_sync(_next, iterator)
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(close)


def is_thread_backed(items: object) -> bool:
    """Return whether `as_async_iterable(items)` hands each step to a worker thread."""
    return not hasattr(items, "__aiter__")


def as_async_iterable(items: AsyncIterable[T] | Iterable[T]) -> AsyncIterable[T]:
    """Return `items` when it is async iterable, else an async iterable running it off the loop."""
    if hasattr(items, "__aiter__"):
        return cast(AsyncIterable[T], items)
    return iterate_in_thread(items)


def stream(
    chunks: AsyncIterable[bytes | str] | Iterable[bytes | str],
    media_type: str = "text/plain",
    status: int = 200,
    headers: HeadersArg = None,
) -> Response:
    """Return a response sending each chunk (`bytes`, or `str` encoded as UTF-8) as it is produced.

    `chunks` is an async iterable, or a sync one that is iterated in a worker thread. There is no
    `Content-Length` (HTTP/1.1 uses chunked transfer). When the client disconnects, iteration stops
    and the generator is closed, so its `finally` runs.
    """
    content_type = _charset(media_type)
    body = Stream(as_async_iterable(chunks), is_thread_backed(chunks))
    return Response(status, _headers_with(content_type, headers), body)
