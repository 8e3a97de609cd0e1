"""Stream helpers: `merge` interleaves async iterators, each read by its own task.

`merge(a, b)` yields whatever any input produces first, every element exactly once and each
input's elements in their order. Nothing is read ahead: an input's task waits until its element
is taken before reading the next one. When an input raises, the others are cancelled (and closed)
and the error is raised to the consumer; when the consumer stops (`aclose()`, or leaving
`async with merge(...) as items:`), every input is cancelled and closed.

The input tasks need a task group. Inside `tasks_in(group)` (the WebSocket adapter opens one
around every pipe) they run in that group, so a merge a pipe abandons is cancelled with the
connection. Elsewhere each merge opens its own group on its first element and closes it when it
ends or is closed: then close it in the task that iterates it, e.g. `async with merge(...) as items:`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

T = TypeVar("T")

class TaskLease:
    """What `tasks_in(group)` gives its block: `used` turns true once a merge started its input
    tasks in the group (so whoever owns the group knows whether there is anything to cancel)."""

    __slots__ = ("group", "used")

    def __init__(self, group: anyio.abc.TaskGroup) -> None:
        self.group = group
        self.used = False


_owner: contextvars.ContextVar[TaskLease | None] = contextvars.ContextVar("lette_fp.streams.owner", default=None)


@contextlib.contextmanager
def tasks_in(group: anyio.abc.TaskGroup) -> Iterator[TaskLease]:
    """Within this block, `merge` starts its input tasks in `group` rather than a group of its own;
    returns a context manager giving the block's `TaskLease`. Their end is then bounded by the
    group's, even for a merge that is never closed."""
    lease = TaskLease(group)
    token = _owner.set(lease)
    try:
        yield lease
    finally:
        _owner.reset(token)


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class Merged(AsyncIterator[T], Generic[T]):
    """The async iterator `merge` returns; also an async context manager that closes it."""

    def __init__(self, sources: tuple[AsyncIterable[T], ...]) -> None:
        self._sources = sources
        self._started = False
        self._lazy = False
        self._closed = False
        self._scopes: list[anyio.CancelScope] = []
        self._own_group: anyio.abc.TaskGroup | None = None
        self._owner_scope: anyio.CancelScope | None = None
        self._running = 0
        self._all_stopped: anyio.Event | None = None
        self._receive: MemoryObjectReceiveStream[Any] | None = None

    def __aiter__(self) -> Merged[T]:
        return self

    async def __aenter__(self) -> Merged[T]:
        if not self._started:
            await self._start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def __anext__(self) -> T:
        if not self._started:
            self._lazy = True
            await self._start()
        if self._closed or self._receive is None:
            raise StopAsyncIteration
        try:
            item = await self._receive.receive()
        except anyio.EndOfStream:
            await self.aclose()
            raise StopAsyncIteration from None
        except BaseException:
            if self._own_group is not None and self._lazy:
                await self.aclose()
            raise
        if type(item) is _Failure:
            await self.aclose()
            raise item.error
        return item  # type: ignore[no-any-return]

    async def _start(self) -> None:
        self._started = True
        if not self._sources:
            self._closed = True
            return
        send, self._receive = anyio.create_memory_object_stream[Any](0)
        self._all_stopped = anyio.Event()
        lease = _owner.get()
        if lease is None:
            group = self._own_group = anyio.create_task_group()
            await group.__aenter__()
        else:
            lease.used = True
            group = lease.group
            self._owner_scope = group.cancel_scope
        self._running = len(self._sources)
        with send:
            for source in self._sources:
                scope = anyio.CancelScope()
                self._scopes.append(scope)
                group.start_soon(self._produce, source, send.clone(), scope)

    async def _produce(self, source: AsyncIterable[T], send: MemoryObjectSendStream[Any], scope: anyio.CancelScope) -> None:
        try:
            with scope:
                await self._forward(source, send, scope)
        finally:
            send.close()
            self._running -= 1
            if self._running == 0 and self._all_stopped is not None:
                self._all_stopped.set()
                if self._owner_scope is not None and self._owner_scope.cancel_called and self._receive is not None:
                    self._closed = True
                    self._receive.close()

    @staticmethod
    async def _forward(source: AsyncIterable[T], send: MemoryObjectSendStream[Any], scope: anyio.CancelScope) -> None:
        try:
            iterator = aiter(source)
            try:
                if not scope.cancel_called:
                    async for item in iterator:
                        await send.send(item)
            finally:
                await _aclose(iterator)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        except Exception as exc:
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                await send.send(_Failure(exc))

    async def aclose(self) -> None:
        """Stop: cancel and close every input, and wait until they have finished."""
        if self._closed:
            return
        self._closed = True
        for scope in self._scopes:
            scope.cancel()
        if self._receive is not None:
            self._receive.close()
        group, self._own_group = self._own_group, None
        if group is not None:
            group.cancel_scope.cancel()
            await group.__aexit__(None, None, None)
        elif self._all_stopped is not None:
            await self._all_stopped.wait()


async def drain(source: AsyncIterable[Any]) -> AsyncIterator[Any]:
    """Consume `source` to its end and yield nothing: `merge(drain(incoming), feed)` keeps reading
    a WebSocket's messages (so a disconnect is seen) while only `feed` is sent."""
    async for _ in source:
        pass
    return
    yield


def merge(*sources: AsyncIterable[T]) -> Merged[T]:
    """Return an async iterator over the elements of all `sources` as they come: every element
    exactly once, each source's in order. It ends when every source has ended; when one raises,
    the rest are cancelled and the error is raised; closing it cancels every source."""
    return Merged(sources)


async def _aclose(iterator: Any) -> None:
    close = getattr(iterator, "aclose", None)
    if close is not None:
        await close()

