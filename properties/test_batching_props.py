"""Properties of batched(fn): for any interleaving of callers, batch sizes and cancellations, each
caller gets fn's output for its own input, and a cancellation reaches no other caller."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import batched


class Poisoned(Exception):
    """fn's failure for a batch holding a poisoned input; carries the batch's number."""


caller = st.tuples(
    st.integers(min_value=0, max_value=6),  # checkpoints before the call
    st.none() | st.integers(min_value=0, max_value=12),  # checkpoints before it is cancelled
    st.booleans(),  # whether its input poisons its batch
)
scenarios = st.fixed_dictionaries(
    {
        "callers": st.lists(caller, min_size=1, max_size=24),
        "max_size": st.integers(min_value=1, max_value=6),
        "max_wait": st.sampled_from([0.0, 0.0005, 0.002]),
        "work": st.integers(min_value=0, max_value=3),  # checkpoints inside fn
        "sync": st.booleans(),
    }
)


async def run(scenario: dict[str, Any]) -> tuple[list[list[int]], dict[int, tuple[str, Any]]]:
    poisoned = {i for i, (_, _, poison) in enumerate(scenario["callers"]) if poison}
    batches: list[list[int]] = []

    def answer(items: list[int]) -> list[tuple[int, int]]:
        batches.append(list(items))
        number = len(batches) - 1
        if poisoned.intersection(items):
            raise Poisoned(number)
        return [(item, number) for item in items]

    async def async_fn(items: list[int]) -> list[tuple[int, int]]:
        for _ in range(scenario["work"]):
            await anyio.sleep(0)
        return answer(items)

    fn = batched(answer if scenario["sync"] else async_fn, max_size=scenario["max_size"], max_wait=scenario["max_wait"])
    outcomes: dict[int, tuple[str, Any]] = {}

    async def call(i: int, delay: int, scope: anyio.CancelScope) -> None:
        outcomes[i] = ("cancelled", None)
        with scope:
            for _ in range(delay):
                await anyio.sleep(0)
            try:
                outcomes[i] = ("ok", await fn(i))
            except Poisoned as exc:
                outcomes[i] = ("error", exc.args[0])

    async def cancel_later(scope: anyio.CancelScope, after: int) -> None:
        for _ in range(after):
            await anyio.sleep(0)
        scope.cancel()

    with anyio.fail_after(20):
        async with anyio.create_task_group() as tg:
            for i, (delay, cancel_after, _) in enumerate(scenario["callers"]):
                scope = anyio.CancelScope()
                tg.start_soon(call, i, delay, scope)
                if cancel_after is not None:
                    tg.start_soon(cancel_later, scope, cancel_after)
    return batches, outcomes


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=120, deadline=None)
@given(scenarios)
def test_each_caller_gets_the_output_for_its_own_input_and_cancellations_stay_local(
    backend: str, scenario: dict[str, Any]
) -> None:
    batches, outcomes = anyio.run(run, scenario, backend=backend)
    callers = scenario["callers"]
    batch_of = {item: number for number, batch in enumerate(batches) for item in batch}

    assert all(1 <= len(batch) <= scenario["max_size"] for batch in batches)
    assert sum(len(batch) for batch in batches) == len(batch_of), "an input went into two batches"
    for i, (_, cancel_after, _) in enumerate(callers):
        kind, value = outcomes[i]
        if cancel_after is None:
            assert kind != "cancelled", f"caller {i} was never cancelled but got no answer"
            assert i in batch_of
        if kind == "ok":
            assert value == (i, batch_of[i])
        elif kind == "error":
            assert value == batch_of[i]
            assert any(callers[item][2] for item in batches[value])
        if i in batch_of and kind != "cancelled":
            poisoned_batch = any(callers[item][2] for item in batches[batch_of[i]])
            assert kind == ("error" if poisoned_batch else "ok")
