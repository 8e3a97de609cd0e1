"""Run a middleware chain whose awaits never suspend (plain values in, a Response out) without an
event loop, so properties can try thousands of cases quickly."""

from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise AssertionError("the middleware waited on something: these properties expect pure values")
