"""Test clients built on httpx that call an ASGI app in-process: `TestClient` (sync, its own event
loop on asyncio or trio) and `AsyncTestClient` (inside your async test).

Used as context managers (`with TestClient(app) as c:`) they run the app's lifespan and stream
response bodies; used directly, each response is read whole before it is returned.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator, Iterator, MutableMapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import anyio
import anyio.abc
import anyio.from_thread
import httpx

from lette_fp.asgi.types import Message
from lette_fp.testing.websocket import (
    DEFAULT_TIMEOUT,
    AsyncWebSocketSession,
    WebSocketClosed,
    WebSocketDenied,
    WebSocketSession,
    http_url,
    websocket_scope,
)

__all__ = ["AsyncTestClient", "TestClient", "WebSocketClosed", "WebSocketDenied"]



class _Exchange:
    """One request going through the app: its messages in, its status, headers and chunks out."""

    def __init__(self, app: Any, scope: dict[str, Any], body: bytes, raise_exceptions: bool) -> None:
        self.app = app
        self.scope = scope
        self.body = body
        self.raise_exceptions = raise_exceptions
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.exc: BaseException | None = None
        self.started = anyio.Event()
        self.done = anyio.Event()
        self.disconnected = anyio.Event()
        self._body_sent = False
        self._chunks_in, self.chunks = anyio.create_memory_object_stream[bytes](math.inf)

    async def receive(self) -> Message:
        if not self._body_sent:
            self._body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", ())]
            self.started.set()
        elif message["type"] == "http.response.body":
            if self.disconnected.is_set():
                raise OSError("client disconnected")
            chunk = message.get("body", b"")
            if chunk:
                await self._chunks_in.send(chunk)
            if not message.get("more_body", False):
                self._chunks_in.close()
        elif message["type"] == "http.response.pathsend":
            self._chunks_in.send_nowait(await anyio.Path(message["path"]).read_bytes())
            self._chunks_in.close()

    async def run(self) -> None:
        try:
            await self.app(self.scope, self.receive, self.send)
            if self.status is None:
                raise RuntimeError("the app returned without sending a response")
        except BaseException as exc:
            self.exc = exc
            if isinstance(exc, anyio.get_cancelled_exc_class()):
                raise
        finally:
            self.started.set()
            self._chunks_in.close()
            self.done.set()

    def check(self) -> None:
        """Raise the app's exception when the client was asked to (or when no response exists)."""
        if self.exc is not None and (self.raise_exceptions or self.status is None):
            raise self.exc

    async def read_all(self) -> bytes:
        with self.chunks:
            return b"".join([chunk async for chunk in self.chunks])

    async def close(self) -> None:
        self.disconnected.set()
        await self.done.wait()
        self.chunks.close()


class _Runner:
    """The async side shared by both clients: builds scopes, runs exchanges, runs lifespan."""

    def __init__(self, app: Any, raise_exceptions: bool, root_path: str, client: tuple[str, int]) -> None:
        self.app = app
        self.raise_exceptions = raise_exceptions
        self.root_path = root_path
        self.client = client
        self.state: dict[str, Any] = {}
        self.group: anyio.abc.TaskGroup | None = None
        self._lifespan_in: Any = None
        self._lifespan_out: Any = None

    def scope(self, request: httpx.Request) -> dict[str, Any]:
        url = request.url
        raw_path, _, _ = url.raw_path.partition(b"?")
        port = url.port or {"http": 80, "https": 443}.get(url.scheme, 80)
        headers = [(k.lower(), v) for k, v in request.headers.raw]
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": self.root_path + unquote(raw_path.decode("ascii")),
            "raw_path": self.root_path.encode() + raw_path,
            "root_path": self.root_path,
            "query_string": url.query,
            "headers": headers,
            "client": self.client,
            "server": (url.host, port),
            "extensions": {"http.response.debug": {}},
            "state": dict(self.state),
        }

    async def buffered(self, request: httpx.Request, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        exchange = _Exchange(self.app, self.scope(request), body, self.raise_exceptions)
        async with anyio.create_task_group() as group:
            group.start_soon(exchange.run)
            content = await exchange.read_all()
            exchange.disconnected.set()
        exchange.check()
        assert exchange.status is not None
        return exchange.status, exchange.headers, content

    async def streaming(self, request: httpx.Request, body: bytes) -> _Exchange:
        assert self.group is not None
        exchange = _Exchange(self.app, self.scope(request), body, self.raise_exceptions)
        self.group.start_soon(exchange.run)
        await exchange.started.wait()
        if exchange.status is None:
            await exchange.done.wait()
            exchange.check()
        return exchange

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[_Runner]:
        """Run lifespan startup, keep a task group for streaming exchanges, then shut down."""
        failure: str | None = None
        async with anyio.create_task_group() as group:
            self.group = group
            send_in, self._lifespan_in = anyio.create_memory_object_stream[Message](math.inf)
            self._lifespan_out, recv_out = anyio.create_memory_object_stream[Message](math.inf)
            scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
            group.start_soon(self._lifespan, scope)
            await send_in.send({"type": "lifespan.startup"})
            reply = await recv_out.receive()
            if reply["type"] == "lifespan.startup.failed":
                failure = f"lifespan startup failed: {reply.get('message', '')}"
            else:
                try:
                    yield self
                finally:
                    await send_in.send({"type": "lifespan.shutdown"})
                    with anyio.move_on_after(10):
                        reply = await recv_out.receive()
                    if reply["type"] == "lifespan.shutdown.failed":
                        failure = f"lifespan shutdown failed: {reply.get('message', '')}"
            group.cancel_scope.cancel()
            self.group = None
        for stream in (send_in, recv_out, self._lifespan_in, self._lifespan_out):
            stream.close()
        if failure is not None:
            raise RuntimeError(failure)

    async def _lifespan(self, scope: dict[str, Any]) -> None:
        with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError):
            await self.app(scope, self._lifespan_in.receive, self._lifespan_out.send)


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, exchange: _Exchange) -> None:
        self.exchange = exchange

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.exchange.chunks:
            yield chunk
        await self.exchange.done.wait()
        self.exchange.check()

    async def aclose(self) -> None:
        await self.exchange.close()


class _AsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self, runner: _Runner) -> None:
        self.runner = runner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if self.runner.group is None:
            status, headers, content = await self.runner.buffered(request, body)
            return httpx.Response(status, headers=headers, content=content, request=request)
        exchange = await self.runner.streaming(request, body)
        assert exchange.status is not None
        return httpx.Response(exchange.status, headers=exchange.headers, stream=_AsyncBody(exchange), request=request)


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, portal: anyio.from_thread.BlockingPortal, exchange: _Exchange) -> None:
        self.portal = portal
        self.exchange = exchange

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                yield self.portal.call(self.exchange.chunks.receive)
            except (anyio.EndOfStream, anyio.ClosedResourceError):
                break
        self.portal.call(self.exchange.done.wait)
        self.exchange.check()

    def close(self) -> None:
        self.portal.call(self.exchange.close)


class _SyncTransport(httpx.BaseTransport):
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        runner = self.client.runner
        portal = self.client.portal
        if portal is None:
            with anyio.from_thread.start_blocking_portal(**self.client.backend) as temporary:
                status, headers, content = temporary.call(runner.buffered, request, body)
            return httpx.Response(status, headers=headers, content=content, request=request)
        exchange = portal.call(runner.streaming, request, body)
        assert exchange.status is not None
        return httpx.Response(exchange.status, headers=exchange.headers, stream=_SyncBody(portal, exchange), request=request)


class TestClient(httpx.Client):
    """A synchronous httpx client for an ASGI app. `with TestClient(app) as c:` runs lifespan.

    `backend` is "asyncio" or "trio". With `raise_server_exceptions=True` (the default) an
    exception the app didn't handle is raised in the test instead of returning the 500.
    """

    __test__ = False

    def __init__(
        self,
        app: Any,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        backend: str = "asyncio",
        backend_options: dict[str, Any] | None = None,
        client: tuple[str, int] = ("testclient", 50000),
        **kwargs: Any,
    ) -> None:
        self.runner = _Runner(app, raise_server_exceptions, root_path, client)
        self.backend: dict[str, Any] = {"backend": backend, "backend_options": backend_options or {}}
        self.portal: anyio.from_thread.BlockingPortal | None = None
        self._stack: contextlib.ExitStack | None = None
        kwargs.setdefault("follow_redirects", True)
        super().__init__(base_url=base_url, transport=_SyncTransport(self), **kwargs)

    def websocket_connect(
        self, url: str, subprotocols: Sequence[str] | None = None, headers: Any = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> WebSocketSession:
        """Return a WebSocket session with the app at `url`, for `with ... as ws:`; entering it
        raises WebSocketDenied when the handshake is refused."""
        def session() -> AsyncWebSocketSession:
            scope = websocket_scope(self.runner.scope(self.build_request("GET", http_url(url), headers=headers)), subprotocols)
            return AsyncWebSocketSession(self.runner.app, scope, self.runner.raise_exceptions, timeout)

        return WebSocketSession(session, self.portal, self.backend)

    @property
    def app_state(self) -> MutableMapping[str, Any]:
        """The lifespan state shared with the app (what the server keeps in `scope["state"]`)."""
        return self.runner.state

    def __enter__(self) -> TestClient:
        stack = contextlib.ExitStack()
        self.portal = stack.enter_context(anyio.from_thread.start_blocking_portal(**self.backend))
        try:
            stack.enter_context(self.portal.wrap_async_context_manager(self.runner.running()))
        except BaseException:
            self.portal = None
            stack.close()
            raise
        self._stack = stack
        super().__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.__exit__(exc_type, exc, tb)
        self.portal = None


class AsyncTestClient(httpx.AsyncClient):
    """An async httpx client for an ASGI app, for tests running on asyncio or trio.
    `async with AsyncTestClient(app) as c:` runs lifespan and streams bodies."""

    __test__ = False

    def __init__(
        self,
        app: Any,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("testclient", 50000),
        **kwargs: Any,
    ) -> None:
        self.runner = _Runner(app, raise_server_exceptions, root_path, client)
        self._context: Any = None
        kwargs.setdefault("follow_redirects", True)
        super().__init__(base_url=base_url, transport=_AsyncTransport(self.runner), **kwargs)

    def websocket_connect(
        self, url: str, subprotocols: Sequence[str] | None = None, headers: Any = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> AsyncWebSocketSession:
        """Return a WebSocket session with the app at `url`, for `async with ... as ws:`; entering
        it raises WebSocketDenied when the handshake is refused."""
        scope = websocket_scope(self.runner.scope(self.build_request("GET", http_url(url), headers=headers)), subprotocols)
        return AsyncWebSocketSession(self.runner.app, scope, self.runner.raise_exceptions, timeout)

    async def __aenter__(self) -> AsyncTestClient:
        self._context = self.runner.running()
        await self._context.__aenter__()
        await super().__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        await super().__aexit__(exc_type, exc, tb)
        context, self._context = self._context, None
        if context is not None:
            await context.__aexit__(exc_type, exc, tb)
