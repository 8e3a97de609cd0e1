"""For generated provider graphs (DAGs of sync, async, generator and async-generator providers)
and failures at random points (a provider's setup, the handler, a generator's cleanup), served
through the ASGI callable: each provider runs at most once, every generator that yielded is
cleaned up exactly once, in reverse order of setup, and its dependencies were set up before it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, Depends, HTTPError, get

KINDS = ["sync", "async", "gen", "agen"]


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 6))
    deps = [sorted(draw(st.sets(st.integers(0, i - 1), max_size=i))) if i else [] for i in range(n)]
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(n)]
    roots = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))
    failure = draw(st.sampled_from([None, "handler"]) | st.tuples(st.sampled_from(["setup", "cleanup"]), st.integers(0, n - 1)))
    return {"n": n, "deps": deps, "kinds": kinds, "roots": roots, "failure": failure}


def build(graph: dict[str, Any], log: list[tuple[str, int]]) -> App:
    providers: list[Any] = []
    failure = graph["failure"]

    for i in range(graph["n"]):
        kind = graph["kinds"][i]
        fails_setup = failure == ("setup", i)
        fails_cleanup = failure == ("cleanup", i)

        def setup(i: int = i, fails_setup: bool = fails_setup) -> int:
            log.append(("setup", i))
            if fails_setup:
                raise HTTPError(418, f"provider {i}")
            return i

        def cleanup(i: int = i, fails_cleanup: bool = fails_cleanup) -> None:
            log.append(("cleanup", i))
            if fails_cleanup:
                raise RuntimeError(f"cleanup {i}")

        if kind == "sync":
            def provider(*args: Any, setup: Any = setup) -> int:
                return int(setup())
        elif kind == "async":
            async def provider(*args: Any, setup: Any = setup) -> int:  # type: ignore[misc]
                await anyio.sleep(0)
                return int(setup())
        elif kind == "gen":
            def provider(*args: Any, setup: Any = setup, cleanup: Any = cleanup) -> Iterator[int]:  # type: ignore[misc]
                value = setup()
                log.append(("yielded", value))
                try:
                    yield value
                finally:
                    cleanup()
        else:
            async def provider(*args: Any, setup: Any = setup, cleanup: Any = cleanup) -> AsyncIterator[int]:  # type: ignore[misc]
                value = setup()
                log.append(("yielded", value))
                try:
                    yield value
                finally:
                    await anyio.sleep(0)
                    cleanup()

        providers.append(_typed(provider, [providers[d] for d in graph["deps"][i]]))

    def handler(*args: Any) -> str:
        log.append(("handler", -1))
        if failure == "handler":
            raise HTTPError(418, "handler")
        return "ok"

    return App([get("/", _typed(handler, [providers[r] for r in graph["roots"]]))])


def _typed(fn: Any, deps: list[Any]) -> Any:
    """Give `fn` (which takes `*args`) one positional `Depends` parameter per provider in `deps`."""
    import inspect

    fn.__signature__ = inspect.Signature(
        [inspect.Parameter(f"d{k}", inspect.Parameter.POSITIONAL_ONLY) for k in range(len(deps))]
    )
    fn.__annotations__ = {f"d{k}": Annotated[int, Depends(dep)] for k, dep in enumerate(deps)}
    return fn


async def serve_once(app: App) -> int:
    status = 0
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b""}
        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/", "raw_path": b"/", "root_path": "", "query_string": b"", "headers": [],
        "client": ("127.0.0.1", 1), "server": ("test", 80), "state": {},
    }
    with contextlib.suppress(RuntimeError):  # a failing cleanup after a handler error may come out
        await app(scope, receive, send)
    return status


def reachable(graph: dict[str, Any]) -> set[int]:
    seen: set[int] = set()
    todo = list(graph["roots"])
    while todo:
        i = todo.pop()
        if i not in seen:
            seen.add(i)
            todo += graph["deps"][i]
    return seen


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_each_provider_once_and_cleanups_exactly_once_in_reverse_order(graph: dict[str, Any]) -> None:
    log: list[tuple[str, int]] = []
    status = anyio.run(serve_once, build(graph, log))
    setups = [i for event, i in log if event == "setup"]
    yielded = [i for event, i in log if event == "yielded"]
    cleanups = [i for event, i in log if event == "cleanup"]
    assert len(setups) == len(set(setups)), log
    assert set(setups) <= reachable(graph)
    for i in setups:
        assert all(d in setups[: setups.index(i)] for d in graph["deps"][i]), log
    assert cleanups == list(reversed(yielded)), log
    failure = graph["failure"]
    if failure == "handler" or (failure is not None and failure[0] == "setup" and failure[1] in reachable(graph)):
        assert status == 418
    else:  # no failure, or a cleanup failing after the response was sent
        assert set(setups) == reachable(graph)
        assert ("handler", -1) in log
        assert status == 200
