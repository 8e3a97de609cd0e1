from collections.abc import AsyncIterator

import anyio
import pytest

from lette_fp.streams import drain, merge, tasks_in


async def numbers(start: int, count: int, finished: list[int], delay: float = 0) -> AsyncIterator[int]:
    try:
        for n in range(start, start + count):
            await anyio.sleep(delay)
            yield n
    finally:
        finished.append(start)


async def forever(finished: list[str], name: str) -> AsyncIterator[str]:
    try:
        while True:
            await anyio.sleep(0.001)
            yield name
    finally:
        finished.append(name)


async def failing_after(count: int) -> AsyncIterator[int]:
    for n in range(count):
        yield n
    raise KeyError("source broke")


async def test_merge_yields_every_element_once_in_each_sources_order() -> None:
    finished: list[int] = []
    with anyio.fail_after(5):
        items = [n async for n in merge(numbers(0, 5, finished), numbers(100, 3, finished, 0.001))]
    assert sorted(items) == [0, 1, 2, 3, 4, 100, 101, 102]
    assert [n for n in items if n < 100] == [0, 1, 2, 3, 4]
    assert [n for n in items if n >= 100] == [100, 101, 102]
    assert sorted(finished) == [0, 100]


async def test_merge_interleaves_as_elements_arrive() -> None:
    async def slow() -> AsyncIterator[str]:
        await anyio.sleep(0.2)
        yield "slow"

    async def fast() -> AsyncIterator[str]:
        yield "fast"

    with anyio.fail_after(5):
        assert [x async for x in merge(slow(), fast())] == ["fast", "slow"]


async def test_merge_of_nothing_is_empty() -> None:
    with anyio.fail_after(5):
        assert [x async for x in merge()] == []


async def test_a_failing_source_cancels_the_others_and_raises_its_error() -> None:
    finished: list[str] = []
    seen: list[object] = []
    with anyio.fail_after(5), pytest.raises(KeyError, match="source broke"):
        async for item in merge(forever(finished, "a"), failing_after(3), forever(finished, "b")):
            seen.append(item)
    assert sorted(finished) == ["a", "b"]
    assert [x for x in seen if isinstance(x, int)] == [0, 1, 2]


async def test_closing_the_merge_cancels_and_closes_every_source() -> None:
    finished: list[str] = []
    with anyio.fail_after(5):
        async with merge(forever(finished, "a"), forever(finished, "b")) as items:
            first = await items.__anext__()
            assert first in ("a", "b")
        assert sorted(finished) == ["a", "b"]
        with pytest.raises(StopAsyncIteration):
            await items.__anext__()


async def test_aclose_stops_a_lazily_started_merge() -> None:
    finished: list[str] = []
    with anyio.fail_after(5):
        items = merge(forever(finished, "a"), forever(finished, "b"))
        assert await items.__anext__() in ("a", "b")
        await items.aclose()
    assert sorted(finished) == ["a", "b"]


async def test_nothing_is_read_ahead_of_the_consumer() -> None:
    produced: list[int] = []

    async def counting() -> AsyncIterator[int]:
        for n in range(100):
            produced.append(n)
            yield n

    with anyio.fail_after(5):
        async with merge(counting()) as items:
            await items.__anext__()
            await items.__anext__()
            await anyio.sleep(0.05)
            assert len(produced) <= 3


async def test_in_a_given_group_an_abandoned_merge_ends_with_the_group() -> None:
    finished: list[str] = []
    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            with tasks_in(group):
                items = merge(forever(finished, "a"), forever(finished, "b"))
                assert await items.__anext__() in ("a", "b")
            assert finished == []
            group.cancel_scope.cancel()
    assert sorted(finished) == ["a", "b"]


async def test_the_lease_of_tasks_in_tells_whether_a_merge_used_the_group() -> None:
    finished: list[str] = []
    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            with tasks_in(group) as idle:
                pass
            with tasks_in(group) as busy:
                items = merge(forever(finished, "a"))
                assert not busy.used
                assert await items.__anext__() == "a"
            assert not idle.used and busy.used
            group.cancel_scope.cancel()
    assert finished == ["a"]


async def test_a_timeout_around_one_element_leaves_the_merge_usable() -> None:
    async def late() -> AsyncIterator[str]:
        await anyio.sleep(0.2)
        yield "late"

    with anyio.fail_after(5):
        async with merge(late()) as items:
            with anyio.move_on_after(0.01):
                await items.__anext__()
            assert await items.__anext__() == "late"


async def test_drain_consumes_everything_and_yields_nothing() -> None:
    consumed: list[int] = []

    async def source() -> AsyncIterator[int]:
        for n in range(5):
            consumed.append(n)
            yield n

    with anyio.fail_after(5):
        assert [x async for x in drain(source())] == []
    assert consumed == [0, 1, 2, 3, 4]
