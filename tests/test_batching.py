"""batched(fn): concurrent calls grouped into one call of fn, on asyncio and trio."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest

from lette_fp import App, HTTPError, Request, Response, batched, json, post
from lette_fp.batching import Batched, BatchSizeError
from lette_fp.testing import AsyncTestClient

LONG = 60.0
"""A max_wait no test reaches: batches in these tests start because they are full."""


def recorder() -> tuple[list[list[int]], Callable[[list[int]], list[int]]]:
    calls: list[list[int]] = []

    def double(items: list[int]) -> list[int]:
        calls.append(list(items))
        return [item * 2 for item in items]

    return calls, double


class Gate:
    """An async batch function that records each batch and waits for `open()` before answering."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.opened = anyio.Event()
        self.entered = anyio.Event()

    async def __call__(self, items: list[int]) -> list[int]:
        self.calls.append(list(items))
        self.entered.set()
        await self.opened.wait()
        return [item * 2 for item in items]


async def wait_until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(5):
        while not condition():
            await anyio.sleep(0.001)


async def call_into(fn: Callable[[int], Awaitable[int]], item: int, results: dict[int, Any]) -> None:
    try:
        results[item] = await fn(item)
    except Exception as exc:
        results[item] = exc


async def test_concurrent_calls_become_batches_of_at_most_max_size_and_each_caller_gets_its_own_output() -> None:
    calls, double = recorder()
    fn = batched(double, max_size=4, max_wait=0.01)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        for item in range(10):
            tg.start_soon(call_into, fn, item, results)
    assert results == {item: item * 2 for item in range(10)}
    assert sorted(item for batch in calls for item in batch) == list(range(10))
    assert all(len(batch) <= 4 for batch in calls)
    assert len(calls) < 10


async def test_a_sync_fn_runs_in_a_worker_thread_and_an_async_fn_on_the_loop() -> None:
    threads: list[threading.Thread] = []

    def sync(items: list[int]) -> list[int]:
        threads.append(threading.current_thread())
        return items

    async def asynchronous(items: list[int]) -> list[int]:
        threads.append(threading.current_thread())
        return items

    assert await batched(sync)(1) == 1
    assert await batched(asynchronous)(2) == 2
    assert threads[0] is not threading.current_thread()
    assert threads[1] is threading.current_thread()


async def test_a_lone_call_is_answered_after_max_wait_in_a_batch_of_one() -> None:
    calls, double = recorder()
    fn = batched(double, max_size=32, max_wait=0.001)
    assert await fn(21) == 42
    assert calls == [[21]]


async def test_an_exception_fails_every_caller_of_that_batch_and_no_other() -> None:
    def fragile(items: list[int]) -> list[int]:
        if 13 in items:
            raise ValueError("unlucky batch")
        return items

    fn = batched(fragile, max_size=2, max_wait=LONG)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        for item in (13, 1):
            tg.start_soon(call_into, fn, item, results)
        await wait_until(lambda: len(results) == 2)
        for item in (2, 3):
            tg.start_soon(call_into, fn, item, results)
    assert isinstance(results[13], ValueError) and isinstance(results[1], ValueError)
    assert str(results[1]) == "unlucky batch"
    assert (results[2], results[3]) == (2, 3)


async def test_a_wrong_number_of_outputs_is_a_clear_error_for_every_caller() -> None:
    fn = batched(lambda items: items[:-1], max_size=3, max_wait=LONG)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        for item in range(3):
            tg.start_soon(call_into, fn, item, results)
    assert all(isinstance(error, BatchSizeError) for error in results.values())
    assert "returned 2 outputs for a batch of 3 inputs" in str(results[0])


async def test_an_output_that_is_not_a_sequence_is_a_clear_error() -> None:
    fn = batched(lambda items: 42)
    with pytest.raises(BatchSizeError, match="returned int, not a list of 1 outputs"):
        await fn(1)


async def test_a_caller_cancelled_before_its_batch_starts_is_left_out_of_it() -> None:
    calls, double = recorder()
    fn = batched(double, max_size=3, max_wait=LONG)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        tg.start_soon(call_into, fn, 1, results)
        leaving = anyio.CancelScope()
        tg.start_soon(_in_scope, leaving, call_into(fn, 2, results))
        await wait_until(lambda: fn.queued() == 2)
        leaving.cancel()
        await wait_until(lambda: fn.queued() == 1)
        for item in (3, 4):
            tg.start_soon(call_into, fn, item, results)
    assert [sorted(batch) for batch in calls] == [[1, 3, 4]]
    assert results == {1: 2, 3: 6, 4: 8}


async def _in_scope(scope: anyio.CancelScope, work: Awaitable[None]) -> None:
    with scope:
        await work


async def test_when_the_caller_collecting_a_batch_is_cancelled_the_next_one_takes_over() -> None:
    calls, double = recorder()
    fn = batched(double, max_size=3, max_wait=0.5)
    results: dict[int, Any] = {}
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            first = anyio.CancelScope()
            tg.start_soon(_in_scope, first, call_into(fn, 1, results))
            await wait_until(lambda: fn.queued() == 1)
            tg.start_soon(call_into, fn, 2, results)
            await wait_until(lambda: fn.queued() == 2)
            first.cancel()
    assert calls == [[2]]
    assert results == {2: 4}


async def test_a_caller_cancelled_while_its_batch_runs_stops_waiting_and_the_others_get_their_outputs() -> None:
    gate = Gate()
    fn = batched(gate, max_size=3, max_wait=LONG)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        tg.start_soon(call_into, fn, 1, results)
        await wait_until(lambda: fn.queued() == 1)
        leaving = anyio.CancelScope()
        left = anyio.Event()

        async def leave_early() -> None:
            await _in_scope(leaving, call_into(fn, 2, results))
            left.set()

        tg.start_soon(leave_early)
        await wait_until(lambda: fn.queued() == 2)
        tg.start_soon(call_into, fn, 3, results)
        await gate.entered.wait()
        leaving.cancel()
        with anyio.fail_after(5):
            await left.wait()  # while the batch is still running
        gate.opened.set()
    assert gate.calls == [[1, 2, 3]]
    assert results == {1: 2, 3: 6}


async def test_cancelling_the_caller_that_runs_the_batch_does_not_cancel_the_batch() -> None:
    gate = Gate()
    fn = batched(gate, max_size=2, max_wait=LONG)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        driver = anyio.CancelScope()
        tg.start_soon(_in_scope, driver, call_into(fn, 1, results))
        await wait_until(lambda: fn.queued() == 1)
        tg.start_soon(call_into, fn, 2, results)
        await gate.entered.wait()
        driver.cancel()
        await anyio.sleep(0.01)
        gate.opened.set()
    assert results[2] == 4


async def test_past_max_queue_waiting_callers_a_call_is_a_503_with_retry_after() -> None:
    gate = Gate()
    fn = batched(gate, max_size=1, max_wait=0, max_queue=2)
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        tg.start_soon(call_into, fn, 1, results)
        await gate.entered.wait()  # 1 is running: it no longer counts as waiting
        for item in (2, 3):
            tg.start_soon(call_into, fn, item, results)
        await wait_until(lambda: fn.queued() == 2)
        with pytest.raises(HTTPError) as refused:
            await fn(4)
        gate.opened.set()
    assert refused.value.status == 503
    assert (b"retry-after", b"1") in refused.value.headers
    assert results == {1: 2, 2: 4, 3: 6}


def test_one_batched_function_serves_several_event_loops_at_once() -> None:
    calls, double = recorder()
    fn = batched(double, max_size=4, max_wait=0.005)
    answers: dict[str, list[int]] = {}

    async def many(name: str) -> None:
        results: dict[int, Any] = {}
        async with anyio.create_task_group() as tg:
            for item in range(8):
                tg.start_soon(call_into, fn, item, results)
        answers[name] = [results[item] for item in range(8)]

    threads = [
        threading.Thread(target=anyio.run, args=(many, backend), kwargs={"backend": backend})
        for backend in ("asyncio", "trio")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert answers == {"asyncio": [i * 2 for i in range(8)], "trio": [i * 2 for i in range(8)]}
    assert all(len(batch) <= 4 for batch in calls)


async def test_it_is_a_decorator_with_or_without_options() -> None:
    @batched
    def plain(items: list[int]) -> list[int]:
        return [item + 1 for item in items]

    @batched(max_size=2)
    async def tuned(items: list[int]) -> list[int]:
        return [item + 2 for item in items]

    assert isinstance(plain, Batched) and plain.__name__ == "plain"
    assert (tuned.max_size, tuned.max_wait, tuned.max_queue) == (2, 0.005, 1024)
    assert (await plain(1), await tuned(1)) == (2, 3)


@pytest.mark.parametrize("options", [{"max_size": 0}, {"max_wait": -1}, {"max_queue": 0}])
def test_nonsense_limits_are_refused_when_the_function_is_made(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        batched(lambda items: items, **options)


async def test_in_an_app_concurrent_requests_share_a_model_call_and_errors_are_responses() -> None:
    calls, double = recorder()
    fn = batched(double, max_size=8, max_wait=0.01, max_queue=64)

    async def handler(req: Request) -> Response:
        value = int(req.query.get("x", "0"))
        if value < 0:
            raise HTTPError(400, "x must not be negative")
        return json({"y": await fn(value)})

    broken = batched(lambda items: items[:0])

    async def broken_handler(req: Request) -> Response:
        return json({"y": await broken(1)})

    app = App([post("/double", handler), post("/broken", broken_handler)])
    async with AsyncTestClient(app, raise_server_exceptions=False) as client:
        answers: dict[int, Any] = {}

        async def ask(x: int) -> None:
            answers[x] = (await client.post("/double", params={"x": x})).json()

        async with anyio.create_task_group() as tg:
            for x in range(16):
                tg.start_soon(ask, x)
        failed = await client.post("/broken")
    assert answers == {x: {"y": x * 2} for x in range(16)}
    assert len(calls) < 16
    assert failed.status_code == 500


async def test_in_an_app_a_full_queue_answers_503_with_retry_after() -> None:
    gate = Gate()
    fn = batched(gate, max_size=1, max_wait=0, max_queue=1)

    async def handler(req: Request) -> Response:
        return json({"y": await fn(int(req.query.get("x", "0")))})

    async with AsyncTestClient(App([post("/double", handler)])) as client:
        answers: dict[int, Any] = {}

        async def ask(x: int) -> None:
            answers[x] = await client.post("/double", params={"x": x})

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask, 1)
            await gate.entered.wait()
            tg.start_soon(ask, 2)
            await wait_until(lambda: fn.queued() == 1)
            refused = await client.post("/double", params={"x": 3})
            gate.opened.set()
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "1")
    assert refused.json() == {"detail": "Too many requests are waiting; retry shortly"}
    assert [answers[x].json() for x in (1, 2)] == [{"y": 2}, {"y": 4}]
