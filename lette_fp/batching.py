"""Micro-batching: `batched(fn)` groups concurrent calls into one call of `fn(list) -> list`.

Model servers call a model once for many requests (Ray Serve's `@serve.batch`, Triton's dynamic
batcher): one call on 32 inputs costs about what one call on a single input does. `batched`
turns `fn(list[In]) -> list[Out]` (sync, run in a worker thread, or async) into
`async (In) -> Out` that handlers await.

How a batch forms, per event loop: the first caller that finds nobody collecting becomes the
*driver*. It waits until `max_size` inputs are queued or `max_wait` seconds have passed since the
oldest queued input arrived, takes up to `max_size` inputs, calls `fn` once and hands each output
to its own caller. While that call runs, new callers queue up; the driver goes on forming
batches until its own input is answered, then hands the role to the oldest caller still waiting.
Under load batches fill up; alone, a call waits at most `max_wait`.

Only anyio primitives are used, so it runs on asyncio and trio; each event loop has its own
queue (an `anyio.lowlevel.RunVar`), so one batched function can serve several loops.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar, overload

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar

from lette_fp.http.errors import HTTPError
from lette_fp.pipeline import is_async_callable

In = TypeVar("In")
Out = TypeVar("Out")

BatchFn = Callable[[list[In]], Sequence[Out]] | Callable[[list[In]], Awaitable[Sequence[Out]]]
"""What `batched` wraps: a sync or async function from a list of inputs to as many outputs."""


class BatchSizeError(RuntimeError):
    """`fn` returned a number of outputs other than the number of inputs it was given (or a
    value that is not a sequence); every caller of that batch gets this error (a 500)."""


class _Waiter:
    """One caller: its input, and once answered its output or error."""

    __slots__ = ("item", "arrived", "wake", "started", "finished", "output", "error")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.arrived = anyio.current_time()
        self.wake = anyio.Event()
        self.started = False
        self.finished = False
        self.output: Any = None
        self.error: BaseException | None = None

    def answer(self, output: Any = None, error: BaseException | None = None) -> None:
        self.output, self.error, self.finished = output, error, True
        self.wake.set()


class _Queue:
    """The callers of one batched function on one event loop."""

    __slots__ = ("waiting", "driving", "full")

    def __init__(self) -> None:
        self.waiting: deque[_Waiter] = deque()
        self.driving = False
        self.full = anyio.Event()

    def hand_over(self) -> None:
        """Wake the oldest waiting caller, when nobody is driving, so that it drives."""
        if not self.driving and self.waiting:
            self.waiting[0].wake.set()


class Batched(Generic[In, Out]):
    """`fn(list[In]) -> list[Out]` as `async (In) -> Out`, made by `batched`: concurrent calls
    within `max_wait` seconds, up to `max_size` of them, become one call of `fn`."""

    def __init__(self, fn: BatchFn[In, Out], max_size: int, max_wait: float, max_queue: int) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, not {max_size!r}")
        if max_wait < 0:
            raise ValueError(f"max_wait must be 0 or more seconds, not {max_wait!r}")
        if max_queue < 1:
            raise ValueError(f"max_queue must be at least 1, not {max_queue!r}")
        self.fn = fn
        self.max_size = max_size
        self.max_wait = max_wait
        self.max_queue = max_queue
        self.is_async = is_async_callable(fn)
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)
        self.__doc__ = getattr(fn, "__doc__", None)
        self._queues: RunVar[_Queue] = RunVar(f"batched:{self.__name__}")

    def __repr__(self) -> str:
        return f"batched({self.__name__}, max_size={self.max_size}, max_wait={self.max_wait}, max_queue={self.max_queue})"

    def _queue(self) -> _Queue:
        queue = self._queues.get(None)
        if queue is None:
            queue = _Queue()
            self._queues.set(queue)
        return queue

    def queued(self) -> int:
        """Return how many callers on the running event loop wait for a batch to start."""
        return len(self._queue().waiting)

    async def __call__(self, item: In) -> Out:
        """Return `fn`'s output for `item`, computed in one call of `fn` with other concurrent
        callers' inputs. Raises what `fn` raised for that batch, `BatchSizeError` when `fn` gave
        the wrong number of outputs, or `HTTPError(503)` with `Retry-After` when `max_queue`
        callers already wait."""
        queue = self._queue()
        if len(queue.waiting) >= self.max_queue:
            raise HTTPError(503, "Too many requests are waiting; retry shortly", {"Retry-After": "1"})
        me = _Waiter(item)
        queue.waiting.append(me)
        if len(queue.waiting) >= self.max_size:
            queue.full.set()
        try:
            while not me.finished:
                if queue.driving:
                    await me.wake.wait()
                    if not me.finished:
                        me.wake = anyio.Event()
                else:
                    await self._drive(queue, me)
        finally:
            if not me.started:
                queue.waiting.remove(me)
            queue.hand_over()
        if me.error is not None:
            raise me.error
        return me.output  # type: ignore[no-any-return]

    async def _drive(self, queue: _Queue, me: _Waiter) -> None:
        """Form and run batches until `me` is answered (or cancelled while its input waits)."""
        queue.driving = True
        try:
            while not me.finished:
                if len(queue.waiting) < self.max_size:
                    with anyio.CancelScope(deadline=queue.waiting[0].arrived + self.max_wait):
                        await queue.full.wait()
                batch = [queue.waiting.popleft() for _ in range(min(self.max_size, len(queue.waiting)))]
                queue.full = anyio.Event()
                if len(queue.waiting) >= self.max_size:
                    queue.full.set()
                for waiter in batch:
                    waiter.started = True
                with anyio.CancelScope(shield=True):
                    await self._run(batch)
        finally:
            queue.driving = False

    async def _run(self, batch: list[_Waiter]) -> None:
        """Call `fn` once on the batch's inputs and answer every waiter in it."""
        inputs = [waiter.item for waiter in batch]
        try:
            if self.is_async:
                result = await self.fn(inputs)  # type: ignore[misc]
            else:
                result = await anyio.to_thread.run_sync(self.fn, inputs)
            outputs = _outputs(self.__name__, result, len(inputs))
        except Exception as exc:
            for waiter in batch:
                waiter.answer(error=exc)
            return
        except BaseException:
            for waiter in batch:
                waiter.answer(error=RuntimeError(f"the batch call of {self.__name__} was interrupted"))
            raise
        for waiter, output in zip(batch, outputs, strict=True):
            waiter.answer(output)


def _outputs(name: str, result: Any, expected: int) -> list[Any]:
    try:
        outputs = list(result)
    except TypeError:
        raise BatchSizeError(f"{name} returned {type(result).__name__}, not a list of {expected} outputs") from None
    if len(outputs) != expected:
        raise BatchSizeError(f"{name} returned {len(outputs)} outputs for a batch of {expected} inputs")
    return outputs


@overload
def batched(
    fn: BatchFn[In, Out], *, max_size: int = 32, max_wait: float = 0.005, max_queue: int = 1024
) -> Batched[In, Out]: ...


@overload
def batched(
    fn: None = None, *, max_size: int = 32, max_wait: float = 0.005, max_queue: int = 1024
) -> Callable[[BatchFn[In, Out]], Batched[In, Out]]: ...


def batched(
    fn: BatchFn[In, Out] | None = None,
    *,
    max_size: int = 32,
    max_wait: float = 0.005,
    max_queue: int = 1024,
) -> Batched[In, Out] | Callable[[BatchFn[In, Out]], Batched[In, Out]]:
    """Return `fn(list[In]) -> list[Out]` as an async function of one input, `async (In) -> Out`.

    Calls arriving within `max_wait` seconds of each other (counted from the oldest waiting
    call), up to `max_size` of them, are grouped into one call of `fn`; each caller gets the
    output at its own input's position. A sync `fn` runs in a worker thread, an async one on the
    event loop. An exception from `fn` is raised to every caller of that batch; a caller
    cancelled before its batch starts is left out of it; past `max_queue` waiting callers, a call
    raises `HTTPError(503)` with `Retry-After: 1`. Usable as `@batched` or `@batched(max_size=8)`.
    """
    if fn is None:
        return lambda f: Batched(f, max_size, max_wait, max_queue)
    return Batched(fn, max_size, max_wait, max_queue)
