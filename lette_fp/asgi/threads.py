"""Sync iterables at the edge: each `next()` in a worker thread, never on the event loop."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TypeVar, cast

import anyio
import anyio.to_thread

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


def as_async_iterable(items: AsyncIterable[T] | Iterable[T]) -> AsyncIterable[T]:
    """Return `items` when it is async iterable, else an async iterable running it off the loop."""
    if hasattr(items, "__aiter__"):
        return cast(AsyncIterable[T], items)
    return iterate_in_thread(items)
