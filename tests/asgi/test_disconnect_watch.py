"""The asyncio disconnect watch: started only once the loop runs, dropped when settled first."""

import asyncio
from typing import Any

import pytest

from lette_fp.asgi import disconnect_watch
from lette_fp.asgi.disconnect_watch import DisconnectWatch, running_asyncio_task


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def no_receive() -> dict[str, Any]:
    raise AssertionError("the watch calls receive only through its wait function")


async def test_a_watch_settled_before_the_loop_runs_starts_nothing_and_keeps_nothing() -> None:
    waited: list[bool] = []

    async def wait(receive: Any) -> None:
        waited.append(True)

    task = running_asyncio_task()
    assert task is not None
    for _ in range(3):
        watch = DisconnectWatch(task, no_receive, wait)
        watch.start_soon()
        watch.settle()
    assert disconnect_watch._pending.get(task.get_loop()) == []
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert waited == []
    assert task.get_loop() not in disconnect_watch._pending


async def test_a_client_leaving_cancels_the_watched_task_once_the_loop_runs() -> None:
    gone = asyncio.Event()

    async def wait(receive: Any) -> None:
        await gone.wait()

    async def idle_stream() -> None:
        await asyncio.Event().wait()

    victim = asyncio.get_running_loop().create_task(idle_stream())
    await asyncio.sleep(0)
    watch = DisconnectWatch(victim, no_receive, wait)
    watch.start_soon()
    await asyncio.sleep(0)
    assert watch.watcher is not None and not victim.done()
    gone.set()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(victim, 5)
    assert watch.fired


async def test_a_settled_watch_stops_its_watcher_and_cancels_nothing() -> None:
    async def wait(receive: Any) -> None:
        await asyncio.Event().wait()

    async def idle_stream() -> None:
        await asyncio.sleep(0.05)

    victim = asyncio.get_running_loop().create_task(idle_stream())
    watch = DisconnectWatch(victim, no_receive, wait)
    watch.start_soon()
    await asyncio.sleep(0)
    watcher = watch.watcher
    assert watcher is not None
    watch.settle()
    await asyncio.wait_for(victim, 5)
    await asyncio.sleep(0)
    assert watcher.cancelled() and not watch.fired


def test_no_asyncio_task_outside_a_loop() -> None:
    assert running_asyncio_task() is None
