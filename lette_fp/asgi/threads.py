"""Worker threads at the edge: sync iterables (each `next()` in a worker thread, never on the
event loop), and blocking handlers and providers through a bounded limiter (`ThreadRunner`)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

import anyio
import anyio.lowlevel
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


class ThreadRunner:
    """`await runner(fn)` calls `fn()` in a worker thread (anyio.to_thread), at most `limit` at a
    time across the App (anyio's default limiter, 40 threads, when `limit` is None). The limiter
    is made on first use, once per event loop."""

    __slots__ = ("limit", "_limiters")

    def __init__(self, limit: int | None = None) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"thread_limit must be at least 1, not {limit}")
        self.limit = limit
        self._limiters: dict[Any, anyio.CapacityLimiter] = {}

    async def __call__(self, fn: Callable[[], Any]) -> Any:
        limiter = None
        if self.limit is not None:
            loop = anyio.lowlevel.current_token().native_token
            limiter = self._limiters.get(loop)
            if limiter is None:
                if len(self._limiters) > 8:
                    self._limiters.clear()  # loops come and go in tests; a server has one
                limiter = self._limiters[loop] = anyio.CapacityLimiter(self.limit)
        return await anyio.to_thread.run_sync(fn, limiter=limiter)
