"""Dependencies: providers resolved like handlers, checked when the App is built, run once per
request, cleaned up after the response (or when the handler returns), in reverse order, once."""

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import anyio
import msgspec
import pytest

from lette_fp import (
    App,
    Depends,
    HandlerSignatureError,
    Header,
    HTTPError,
    Request,
    State,
    get,
    mount,
    post,
    stream,
)
from lette_fp.testing import AsyncTestClient, TestClient


class User(msgspec.Struct):
    name: str


def token(x_token: Annotated[str, Header()]) -> str:
    return x_token


def current_user(tok: Annotated[str, Depends(token)], req: Request) -> User:
    if tok != "secret":
        raise HTTPError(401, "bad token")
    return User(f"alice@{req.path}")


async def async_user(user: Annotated[User, Depends(current_user)]) -> User:
    await anyio.sleep(0)
    return User(user.name.upper())


def me(user: Annotated[User, Depends(current_user)], again: Annotated[User, Depends(async_user)]) -> dict[str, str]:
    return {"user": user.name, "again": again.name}


def test_providers_take_params_the_request_and_other_providers() -> None:
    client = TestClient(App([get("/me", me)]))
    assert client.get("/me", headers={"x-token": "secret"}).json() == {"user": "alice@/me", "again": "ALICE@/ME"}
    assert client.get("/me", headers={"x-token": "no"}).status_code == 401
    missing = client.get("/me")
    assert missing.status_code == 422
    assert missing.json()["detail"] == [{"loc": ["header", "x-token"], "msg": "Field required", "type": "missing"}]


def test_a_provider_runs_once_per_request_unless_cache_is_false() -> None:
    calls: list[str] = []

    def counted() -> int:
        calls.append("p")
        return len(calls)

    def a(n: Annotated[int, Depends(counted)]) -> int:
        return n

    def shared(x: Annotated[int, Depends(counted)], y: Annotated[int, Depends(a)]) -> dict[str, int]:
        return {"x": x, "y": y}

    def fresh(x: Annotated[int, Depends(counted)], y: Annotated[int, Depends(counted, cache=False)]) -> dict[str, int]:
        return {"x": x, "y": y}

    client = TestClient(App([get("/shared", shared), get("/fresh", fresh)]))
    assert client.get("/shared").json() == {"x": 1, "y": 1}
    assert calls == ["p"]
    assert client.get("/shared").json() == {"x": 2, "y": 2}
    calls.clear()
    assert client.get("/fresh").json() == {"x": 1, "y": 2}


def test_a_cycle_is_an_error_at_build_naming_the_chain() -> None:
    def a(b: Any) -> int:
        return 0

    def b(c: Any) -> int:
        return 0

    a.__annotations__["b"] = Annotated[int, Depends(b)]
    b.__annotations__["c"] = Annotated[int, Depends(a)]

    def handler(x: Annotated[int, Depends(a)]) -> None:
        return None

    with pytest.raises(HandlerSignatureError) as caught:
        App([get("/", handler)])
    message = str(caught.value)
    assert "handler: parameter 'x' → " in message
    assert message.endswith("dependency cycle")
    assert ".a: parameter 'b' → " in message and ".b: parameter 'c' → " in message


def test_an_unresolvable_provider_param_names_the_chain() -> None:
    def needs(thing: object) -> int:
        return 0

    def uses(n: Annotated[int, Depends(needs)]) -> None:
        return None

    with pytest.raises(HandlerSignatureError, match=r"uses: parameter 'n' → .*needs: parameter 'thing'"):
        App([get("/", uses)])


def test_a_request_scoped_provider_may_not_depend_on_a_handler_scoped_one() -> None:
    def inner() -> Iterator[int]:
        yield 1

    def outer(i: Annotated[int, Depends(inner, scope="handler")]) -> Iterator[int]:
        yield i

    def handler(o: Annotated[int, Depends(outer)]) -> None:
        return None

    with pytest.raises(HandlerSignatureError, match="scope='handler'"):
        App([get("/", handler)])

    def repository(i: Annotated[int, Depends(inner, scope="handler")]) -> str:  # plain: allowed
        return f"repo {i}"

    def through(r: Annotated[str, Depends(repository)]) -> Iterator[str]:  # a generator above it: not
        yield r

    ok = App([get("/", _returning(repository))])
    assert TestClient(ok).get("/").json() == "repo 1"
    with pytest.raises(HandlerSignatureError, match=r"through: a generator provider with scope='request'"):
        App([get("/", _returning(through))])


def _returning(provider: Any) -> Any:
    def handler(value: Annotated[str, Depends(provider)]) -> str:
        return value

    return handler


class Recorder:
    """Generator providers (sync and async) that log their setup and cleanup."""

    def __init__(self) -> None:
        self.log: list[str] = []

    def sync(self, name: str) -> Any:
        def provider() -> Iterator[str]:
            self.log.append(f"open {name}")
            try:
                yield name
            except Exception as exc:
                self.log.append(f"rollback {name} {type(exc).__name__}")
                raise
            else:
                self.log.append(f"commit {name}")

        provider.__qualname__ = name
        return provider

    def async_(self, name: str) -> Any:
        async def provider() -> AsyncIterator[str]:
            self.log.append(f"open {name}")
            try:
                yield name
            except Exception as exc:
                self.log.append(f"rollback {name} {type(exc).__name__}")
                raise
            else:
                await anyio.sleep(0)
                self.log.append(f"commit {name}")

        provider.__qualname__ = name
        return provider


async def run_asgi(app: App, path: str, log: list[str], headers: list[tuple[bytes, bytes]] | None = None) -> int:
    """Serve one GET through the ASGI callable, logging each message sent."""
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            log.append(f"sent {message.get('body', b'')!r}" + (" more" if message.get("more_body") else ""))

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": headers or [], "client": ("127.0.0.1", 1), "server": ("test", 80), "state": {},
    }
    await app(scope, receive, send)
    return status


async def test_generator_cleanups_run_after_the_body_is_sent_in_reverse_order() -> None:
    rec = Recorder()
    a, b = rec.sync("a"), rec.async_("b")

    def handler(x: Annotated[str, Depends(a)], y: Annotated[str, Depends(b)]) -> str:
        rec.log.append("handler")
        return x + y

    assert await run_asgi(App([get("/", handler)]), "/", rec.log) == 200
    assert rec.log == ["open a", "open b", "handler", "sent b'\"ab\"'", "commit b", "commit a"]


async def test_a_streamed_body_can_still_use_the_provider() -> None:
    rec = Recorder()
    session = rec.async_("db")

    def handler(db: Annotated[str, Depends(session)]) -> Any:
        async def chunks() -> AsyncIterator[bytes]:
            for i in range(2):
                rec.log.append(f"chunk {i} using {db}")
                yield b"x"

        return stream(chunks())

    assert await run_asgi(App([get("/", handler)]), "/", rec.log) == 200
    assert rec.log.index("commit db") > rec.log.index("chunk 1 using db")
    assert rec.log[-1] == "commit db"
    assert rec.log.index("commit db") > max(i for i, e in enumerate(rec.log) if e.startswith("sent"))


async def test_scope_handler_cleans_up_before_anything_is_sent() -> None:
    rec = Recorder()
    tx = rec.sync("tx")

    def handler(t: Annotated[str, Depends(tx, scope="handler")]) -> str:
        rec.log.append("handler")
        return t

    await run_asgi(App([get("/", handler)]), "/", rec.log)
    assert rec.log == ["open tx", "handler", "commit tx", "sent b'\"tx\"'"]


async def test_a_failing_handler_scoped_commit_is_a_500_not_a_200() -> None:
    def failing_commit() -> Iterator[str]:
        yield "tx"
        raise RuntimeError("commit failed")

    def handler(t: Annotated[str, Depends(failing_commit, scope="handler")]) -> str:
        return t

    client = TestClient(App([get("/", handler)]), raise_server_exceptions=False)
    assert client.get("/").status_code == 500


@pytest.mark.parametrize("where", ["handler", "later provider"])
async def test_an_error_is_thrown_into_the_generators_and_the_error_response_goes_out(where: str) -> None:
    rec = Recorder()
    a, b = rec.sync("a"), rec.async_("b")

    def later(x: Annotated[str, Depends(b)]) -> str:
        if where == "later provider":
            raise HTTPError(409, "conflict")
        return x

    def handler(x: Annotated[str, Depends(a)], y: Annotated[str, Depends(later)]) -> str:
        raise HTTPError(409, "conflict")

    assert await run_asgi(App([get("/", handler)]), "/", rec.log) == 409
    assert rec.log == ["open a", "open b", "rollback b HTTPError", "rollback a HTTPError", "sent b'{\"detail\":\"conflict\"}'"]


async def test_cleanups_run_once_when_the_client_disconnects_mid_stream() -> None:
    rec = Recorder()
    session = rec.sync("db")

    def handler(db: Annotated[str, Depends(session)]) -> Any:
        async def chunks() -> AsyncIterator[bytes]:
            while True:
                yield b"x" * 10

        return stream(chunks())

    app = App([get("/", handler)])
    sends = 0

    async def receive() -> dict[str, Any]:
        await anyio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal sends
        sends += 1
        if sends > 3:
            raise OSError("connection lost")

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/", "raw_path": b"/", "root_path": "", "query_string": b"", "headers": [],
        "client": ("127.0.0.1", 1), "server": ("test", 80), "state": {},
    }
    with anyio.fail_after(5):
        with contextlib.suppress(OSError):
            await app(scope, receive, send)
    assert rec.log.count("open db") == 1
    assert len([e for e in rec.log if e.startswith(("commit", "rollback"))]) == 1


def test_guards_on_routes_mounts_and_the_app() -> None:
    seen: list[str] = []

    def guard(name: str) -> Any:
        def check(x_key: Annotated[str, Header()] = "") -> None:
            seen.append(name)
            if x_key != "k":
                raise HTTPError(403, f"{name} says no")

        return Depends(check)

    app = App(
        [
            get("/open", lambda: "open"),
            mount("/api", [get("/r", lambda: "r", dependencies=[guard("route")])], dependencies=[guard("mount")]),
        ],
        dependencies=[guard("app")],
    )
    client = TestClient(app)
    assert client.get("/api/r", headers={"x-key": "k"}).json() == "r"
    assert seen == ["app", "mount", "route"]
    seen.clear()
    assert client.get("/api/r").json() == {"detail": "app says no"}
    assert client.get("/open", headers={"x-key": "k"}).json() == "open"


def test_with_overrides_returns_a_new_app_and_leaves_the_original() -> None:
    def real_db() -> str:
        return "real"

    def nested(db: Annotated[str, Depends(real_db)]) -> str:
        return f"nested {db}"

    def handler(db: Annotated[str, Depends(real_db)], n: Annotated[str, Depends(nested)]) -> list[str]:
        return [db, n]

    original = App([get("/", handler)])
    overridden = original.with_overrides({real_db: lambda: "fake"})
    assert TestClient(overridden).get("/").json() == ["fake", "nested fake"]
    assert TestClient(original).get("/").json() == ["real", "nested real"]


def test_state_is_read_from_the_lifespan_and_a_missing_key_fails_startup() -> None:
    import contextlib

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
        yield {"engine": "sqlite"}

    def uses(engine: Annotated[str, State("engine")]) -> str:
        return engine

    def wants_other(cache: Annotated[str, State("cache")]) -> str:
        return cache

    with TestClient(App([get("/", uses)], lifespan=lifespan)) as client:
        assert client.get("/").json() == "sqlite"
    with pytest.raises(Exception, match=r"wants_other needs State\('cache'\)"), TestClient(App([get("/", wants_other)], lifespan=lifespan)):  # noqa: B017
        pass


async def test_async_and_sync_generators_and_plain_providers_work_on_both_backends() -> None:
    async def agen() -> AsyncIterator[int]:
        yield 1

    def gen() -> Iterator[int]:
        yield 2

    async def coro() -> int:
        return 3

    def plain() -> int:
        return 4

    def handler(
        a: Annotated[int, Depends(agen)], b: Annotated[int, Depends(gen)],
        c: Annotated[int, Depends(coro)], d: Annotated[int, Depends(plain)],
    ) -> int:
        return a + b + c + d

    async with AsyncTestClient(App([post("/", handler)])) as client:
        assert (await client.post("/")).json() == 10


def test_without_a_lifespan_run_a_missing_state_key_is_a_500_naming_it() -> None:
    def uses(engine: Annotated[str, State("engine")]) -> str:
        return engine

    app = App([get("/", uses)])
    assert TestClient(app, raise_server_exceptions=False).get("/").status_code == 500
    with pytest.raises(RuntimeError, match=r"uses needs State\('engine'\)"):
        TestClient(app).get("/")


def test_overrides_reach_guards_and_providers_inside_mounts() -> None:
    def deny() -> None:
        raise HTTPError(403, "no")

    app = App([mount("/m", [get("/x", lambda: "x")], dependencies=[Depends(deny)])])
    assert TestClient(app).get("/m/x").status_code == 403
    assert TestClient(app.with_overrides({deny: lambda: None})).get("/m/x").json() == "x"


def test_a_class_is_a_provider_resolved_by_its_init() -> None:
    class Pagination:
        def __init__(self, page: int = 1, size: Annotated[int, Header(alias="x-page-size")] = 10) -> None:
            self.page = page
            self.size = size

    def handler(p: Annotated[Pagination, Depends(Pagination)]) -> list[int]:
        return [p.page, p.size]

    client = TestClient(App([get("/", handler)]))
    assert client.get("/?page=3", headers={"x-page-size": "5"}).json() == [3, 5]
    assert client.get("/?page=x").json()["detail"][0]["loc"] == ["query", "page"]
