"""Generator providers' cleanups: each one runs exactly once, in reverse order of setup, with the
exception (if any) thrown into the generator at its `yield`."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Sequence
from typing import Any

import anyio

RunSync = Callable[..., Awaitable[Any]]
"""`await run_sync(fn, *args)`: call a blocking function in a worker thread (given by the App)."""


class Entry:
    """One generator provider that has yielded its value and waits to be closed."""

    __slots__ = ("gen", "is_async", "scope", "run_sync", "name")

    def __init__(self, gen: Any, is_async: bool, scope: str, run_sync: RunSync | None, name: str) -> None:
        self.gen = gen
        self.is_async = is_async
        self.scope = scope
        self.run_sync = run_sync
        self.name = name

    async def close(self, exc: BaseException | None) -> None:
        """Finish the generator: resume it (no error) or throw `exc` into it. Raises what the
        generator raised instead (a new exception, or `exc` itself); returns if it swallowed
        `exc` or ended."""
        if self.is_async:
            await _close_async(self.gen, exc, self.name)
        elif self.run_sync is not None:
            await self.run_sync(functools.partial(_close_sync, self.gen, exc, self.name))
        else:
            _close_sync(self.gen, exc, self.name)


def _close_sync(gen: Generator[Any, None, None], exc: BaseException | None, name: str) -> None:
    try:
        if exc is None:
            next(gen)
        else:
            gen.throw(exc)
    except StopIteration:
        return
    raise RuntimeError(f"generator provider {name} yielded more than once")


async def _close_async(gen: AsyncGenerator[Any, None], exc: BaseException | None, name: str) -> None:
    try:
        if exc is None:
            await gen.__anext__()
        else:
            await gen.athrow(exc)
    except StopAsyncIteration:
        return
    raise RuntimeError(f"generator provider {name} yielded more than once")


async def unwind(entries: Sequence[Entry], exc: BaseException | None) -> BaseException | None:
    """Close `entries` last first, shielded from cancellation, each once; `exc` (or what a later
    cleanup raised instead) is thrown into each. Return the exception that remains: `exc`, a new
    one a cleanup raised, or None."""
    with anyio.CancelScope(shield=True):
        for entry in reversed(entries):
            try:
                await entry.close(exc)
            except BaseException as raised:  # noqa: BLE001  (passed on to the earlier cleanups)
                exc = raised
    return exc
