"""Running blocking handlers and providers in worker threads, through a bounded limiter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread


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
