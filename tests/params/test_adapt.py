"""The one adaptation: every endpoint kind becomes `async (Request) -> Response`; blocking
handlers and providers run in worker threads through the App's bounded limiter."""

import functools
import threading
import time
from collections.abc import Iterator
from typing import Annotated

import anyio
import pytest

from lette_fp import App, Depends, Header, Request, Response, get, mount, text
from lette_fp.http.request import Request as RequestType
from lette_fp.params import adapt
from lette_fp.testing import AsyncTestClient, TestClient


async def test_every_kind_of_endpoint_becomes_an_async_handler() -> None:
    async def typed_async(req: Request, n: int = 1) -> Response:
        return text(f"{req.path} {n}")

    def no_args() -> str:
        return "none"

    def keyword_only(*, n: int) -> int:
        return n

    def with_prefix(prefix: str, n: int) -> str:
        return f"{prefix}{n}"

    class Callable_:
        def __call__(self, req: Request) -> str:
            return "object"

    cases = [
        (typed_async, "/p?n=3", b"/p 3"),
        (no_args, "/", b'"none"'),
        (keyword_only, "/?n=4", b"4"),
        (functools.partial(with_prefix, "#"), "/?n=5", b'"#5"'),
        (Callable_(), "/", b'"object"'),
    ]
    for fn, target, body in cases:
        handler = adapt(fn)
        path, _, query = target.partition("?")
        resp = await handler(RequestType.build("GET", path, query=query))
        assert resp.body == body, fn


def test_a_sync_handler_runs_on_the_loop_by_default() -> None:
    async def loop_thread() -> str:
        return threading.current_thread().name

    def sync_thread() -> str:
        return threading.current_thread().name

    app = App([get("/loop", loop_thread), get("/sync", sync_thread), get("/blocking", sync_thread, blocking=True)])
    with TestClient(app) as client:
        loop = client.get("/loop").json()
        assert client.get("/sync").json() == loop
        assert client.get("/blocking").json() != loop


async def test_blocking_handlers_do_not_delay_other_requests() -> None:
    def slow() -> str:
        time.sleep(0.3)
        return "slow"

    async def quick() -> str:
        return "quick"

    finished: list[str] = []
    async with AsyncTestClient(App([get("/slow", slow, blocking=True), get("/quick", quick)])) as client:
        async def call(path: str) -> None:
            finished.append((await client.get(path)).json())

        async with anyio.create_task_group() as group:
            group.start_soon(call, "/slow")
            await anyio.sleep(0.05)
            group.start_soon(call, "/quick")
    assert finished == ["quick", "slow"]


async def test_the_app_thread_limit_bounds_concurrent_blocking_handlers() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    app = App([mount("/m", [get("/w", work)], blocking=True)], thread_limit=2)
    async with AsyncTestClient(app) as client, anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(client.get, "/m/w")
    assert most == 2


def test_blocking_providers_run_in_a_thread() -> None:
    def provider_thread() -> str:
        return threading.current_thread().name

    def handler(
        on_loop: Annotated[str, Depends(provider_thread)],
        in_thread: Annotated[str, Depends(provider_thread, blocking=True)],
    ) -> list[bool]:
        return [on_loop == threading.current_thread().name, in_thread == threading.current_thread().name]

    assert TestClient(App([get("/", handler)])).get("/").json() == [True, False]


def test_thread_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="thread_limit"):
        App([], thread_limit=0)


def test_a_blocking_generator_provider_sets_up_and_cleans_up_in_a_worker_thread() -> None:
    threads: dict[str, str] = {}

    def session() -> Iterator[str]:
        threads["setup"] = threading.current_thread().name
        yield "db"
        threads["cleanup"] = threading.current_thread().name

    def handler(db: Annotated[str, Depends(session, blocking=True)]) -> str:
        threads["handler"] = threading.current_thread().name
        return db

    with TestClient(App([get("/", handler)])) as client:
        assert client.get("/").json() == "db"
    assert threads["setup"] != threads["handler"]
    assert threads["cleanup"] != threads["handler"]


def test_with_overrides_keeps_routes_given_as_an_iterator() -> None:
    def real() -> str:
        return "real"

    def handler(v: Annotated[str, Depends(real)]) -> str:
        return v

    app = App(iter([get("/", handler)]))
    assert TestClient(app.with_overrides({real: lambda: "fake"})).get("/").json() == "fake"
    assert TestClient(app).get("/").json() == "real"


def _varargs(*items: str) -> None:
    return None


def _kwargs(**items: str) -> None:
    return None


def _header_dict(h: Annotated[dict[str, str], Header()]) -> None:
    return None


def _untyped_extra(req: Request, thing) -> None:  # type: ignore[no-untyped-def]
    return None


@pytest.mark.parametrize(
    ("handler", "options", "message"),
    [
        (_varargs, {}, r"_varargs: \*args/\*\*kwargs parameter 'items'"),
        (_kwargs, {}, r"_kwargs: \*args/\*\*kwargs parameter 'items'"),
        (_header_dict, {}, r"_header_dict: parameter 'h': a header parameter must be a scalar"),
        (_untyped_extra, {}, r"_untyped_extra: parameter 'thing' is neither a path param"),
        (lambda: None, {"dependencies": [42]}, r"dependencies must be Depends\(...\) values"),
    ],
)
def test_every_build_time_error_names_the_handler_and_parameter(handler: object, options: dict[str, object], message: str) -> None:
    from lette_fp import HandlerSignatureError

    with pytest.raises(HandlerSignatureError, match=message):
        App([get("/", handler, **options)])


def test_blocking_needs_the_apps_thread_runner_when_adapted_alone() -> None:
    from lette_fp import HandlerSignatureError

    def sync() -> None:
        return None

    with pytest.raises(HandlerSignatureError, match="blocking=True needs"):
        adapt(sync, options={"blocking": True})
