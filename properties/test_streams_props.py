"""merge: every element of every input exactly once, each input's order kept, whatever the timing;
and stopping early always closes every input."""

from collections.abc import AsyncIterator

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.streams import merge

BACKENDS = ["asyncio", "trio"]

# Each input is a list of elements; each element has a number of scheduler turns to wait first.
inputs = st.lists(st.lists(st.integers(min_value=0, max_value=3), max_size=12), max_size=6)


async def source(index: int, waits: list[int], closed: list[int]) -> AsyncIterator[tuple[int, int]]:
    try:
        for position, turns in enumerate(waits):
            for _ in range(turns):
                await anyio.sleep(0)
            yield index, position
    finally:
        closed.append(index)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=150, deadline=None)
@given(inputs)
def test_merge_yields_each_element_once_in_each_inputs_order(backend: str, waits: list[list[int]]) -> None:
    closed: list[int] = []

    async def collect() -> list[tuple[int, int]]:
        with anyio.fail_after(10):
            return [item async for item in merge(*(source(i, w, closed) for i, w in enumerate(waits)))]

    merged = anyio.run(collect, backend=backend)
    assert sorted(merged) == sorted((i, p) for i, w in enumerate(waits) for p in range(len(w)))
    for i, w in enumerate(waits):
        assert [p for j, p in merged if j == i] == list(range(len(w)))
    assert sorted(closed) == list(range(len(waits)))


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=100, deadline=None)
@given(inputs, st.integers(min_value=1, max_value=20))
def test_stopping_early_closes_every_input(backend: str, waits: list[list[int]], take: int) -> None:
    closed: list[int] = []

    async def take_some() -> tuple[int, list[int]]:
        taken = 0
        with anyio.fail_after(10):
            async with merge(*(source(i, w, closed) for i, w in enumerate(waits))) as items:
                async for _ in items:
                    taken += 1
                    if taken >= take:
                        break
        return taken, list(closed)

    taken, closed_on_exit = anyio.run(take_some, backend=backend)
    assert taken == min(take, sum(len(w) for w in waits))
    assert sorted(closed_on_exit) == list(range(len(waits)))
