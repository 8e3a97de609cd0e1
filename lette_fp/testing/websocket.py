"""WebSocket sessions for the test clients: `client.websocket_connect(path)` runs the app's
`websocket` scope in-process and plays the client, the way uvicorn would play the server.

The session offers the `websocket.http.response` extension, so a denied handshake raises
`WebSocketDenied` carrying the app's status, headers and body; a close the app sends raises
`WebSocketClosed` (code, reason) from the next receive or send.
"""

from __future__ import annotations

import base64
import contextlib
import math
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import anyio
import anyio.abc
import anyio.from_thread
import httpx
import msgspec

from lette_fp.asgi.types import Message

HeadersArg = Mapping[str, str] | Sequence[tuple[str, str]] | None

DEFAULT_TIMEOUT = 10.0
"""Seconds a session waits for the app (a message, the handshake, the end) before TimeoutError."""


class WebSocketDenied(Exception):
    """The app refused the handshake: `status`, `headers` and `content` of its HTTP answer."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], content: bytes) -> None:
        super().__init__(f"WebSocket handshake denied with HTTP {status}")
        self.status = status
        self.headers = httpx.Headers(headers)
        self.content = content

    @property
    def text(self) -> str:
        """The body of the denial, decoded as UTF-8."""
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        """The body of the denial, decoded as JSON."""
        return msgspec.json.decode(self.content)


class WebSocketClosed(Exception):
    """The connection is closed: by the app with `code` and `reason`, or it ended without a
    close frame (1006)."""

    def __init__(self, code: int, reason: str = "") -> None:
        super().__init__(f"WebSocket closed with {code} {reason!r}")
        self.code = code
        self.reason = reason


class _AppEnded:
    __slots__ = ()


_APP_ENDED = _AppEnded()


def websocket_scope(http_scope: dict[str, Any], subprotocols: Sequence[str] | None) -> dict[str, Any]:
    """Return the `websocket` scope a server would build for the handshake `http_scope` describes."""
    offered = list(subprotocols or ())
    headers = [(k, v) for k, v in http_scope["headers"] if k not in (b"connection", b"upgrade")]
    headers += [
        (b"connection", b"upgrade"),
        (b"upgrade", b"websocket"),
        (b"sec-websocket-version", b"13"),
        (b"sec-websocket-key", base64.b64encode(os.urandom(16))),
    ]
    if offered:
        headers.append((b"sec-websocket-protocol", ", ".join(offered).encode("latin-1")))
    scope = {**http_scope, "type": "websocket", "headers": headers, "subprotocols": offered}
    scope["scheme"] = "wss" if http_scope["scheme"] == "https" else "ws"
    scope["extensions"] = {"websocket.http.response": {}}
    scope.pop("method", None)
    return scope


def http_url(url: str) -> str:
    """Return `url` with a ws/wss scheme turned into http/https (what httpx builds requests from)."""
    if url.startswith("ws://") or url.startswith("wss://"):
        return "http" + url[2:]
    return url


class AsyncWebSocketSession:
    """A WebSocket connection to the app, for async tests: `async with client.websocket_connect(...)`.

    After the handshake, `subprotocol` and `headers` hold what the app accepted with.
    """

    def __init__(self, app: Any, scope: dict[str, Any], raise_exceptions: bool, timeout: float | None) -> None:
        self.app = app
        self.scope = scope
        self.raise_exceptions = raise_exceptions
        self.timeout = timeout
        self.subprotocol: str | None = None
        self.headers = httpx.Headers()
        self.close_code: int | None = None
        self.close_reason = ""
        self._to_app, self._app_inbox = anyio.create_memory_object_stream[Message](math.inf)
        self._app_outbox, self._from_app = anyio.create_memory_object_stream[Any](math.inf)
        self._client_left: Message | None = None
        self._exc: BaseException | None = None
        self._done: anyio.Event | None = None
        self._context: Any = None

    async def __aenter__(self) -> AsyncWebSocketSession:
        self._context = self._connected()
        return await self._context.__aenter__()  # type: ignore[no-any-return]

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        context, self._context = self._context, None
        return await context.__aexit__(exc_type, exc, tb)  # type: ignore[no-any-return]

    @contextlib.asynccontextmanager
    async def _connected(self) -> AsyncIterator[AsyncWebSocketSession]:
        failure: BaseException | None = None
        self._done = anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(self._run_app)
            self._to_app.send_nowait({"type": "websocket.connect"})
            try:
                await self._handshake()
            except BaseException as exc:
                failure = exc
            else:
                try:
                    yield self
                except BaseException as exc:
                    failure = exc
                if self._client_left is None and self.close_code is None:
                    self._to_app.send_nowait({"type": "websocket.disconnect", "code": 1000})
            try:
                await self._wait_for_app(group)
            except TimeoutError as exc:
                failure = failure or exc
        for stream in (self._to_app, self._app_inbox, self._app_outbox, self._from_app):
            stream.close()
        if failure is None or isinstance(failure, WebSocketDenied | WebSocketClosed):
            self._raise_app_exception()
        if failure is not None:
            raise failure

    async def _run_app(self) -> None:
        assert self._done is not None
        try:
            await self.app(self.scope, self._app_receive, self._app_send)
        except BaseException as exc:
            if isinstance(exc, anyio.get_cancelled_exc_class()):
                raise
            self._exc = exc
        finally:
            self._done.set()
            with contextlib.suppress(anyio.ClosedResourceError):
                self._app_outbox.send_nowait(_APP_ENDED)

    async def _app_receive(self) -> Message:
        if self._client_left is not None:
            return self._client_left
        message = await self._app_inbox.receive()
        if message["type"] == "websocket.disconnect":
            self._client_left = message
        return message

    async def _app_send(self, message: Message) -> None:
        if self._client_left is not None and message["type"] == "websocket.send":
            raise OSError("the client disconnected")
        self._app_outbox.send_nowait(message)

    async def _next(self) -> Any:
        with anyio.fail_after(self.timeout):
            return await self._from_app.receive()

    async def _handshake(self) -> None:
        message = await self._next()
        if message is _APP_ENDED:
            self._raise_app_exception()
            raise WebSocketDenied(500, [], b"")
        kind = message["type"]
        if kind == "websocket.accept":
            self.subprotocol = message.get("subprotocol")
            self.headers = httpx.Headers(list(message.get("headers") or ()))
        elif kind == "websocket.close":
            raise WebSocketDenied(403, [], b"")
        elif kind == "websocket.http.response.start":
            status, headers = message["status"], list(message.get("headers") or ())
            chunks: list[bytes] = []
            while True:
                body = await self._next()
                if body is _APP_ENDED:
                    break
                chunks.append(body.get("body", b""))
                if not body.get("more_body", False):
                    break
            raise WebSocketDenied(status, headers, b"".join(chunks))
        else:
            raise RuntimeError(f"the app answered the handshake with {kind!r}")

    def _raise_app_exception(self) -> None:
        exc, self._exc = self._exc, None
        if exc is not None and self.raise_exceptions:
            raise exc

    async def _wait_for_app(self, group: anyio.abc.TaskGroup) -> None:
        assert self._done is not None
        with anyio.move_on_after(self.timeout):
            await self._done.wait()
        if not self._done.is_set():
            group.cancel_scope.cancel()
            raise TimeoutError(f"the app kept running {self.timeout}s after the client left")

    async def send_text(self, data: str) -> None:
        """Send a text message."""
        await self._send({"type": "websocket.receive", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        await self._send({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: Any, mode: str = "text") -> None:
        """Send `data` encoded as JSON, in a text message (or binary with `mode="binary"`)."""
        encoded = msgspec.json.encode(data)
        if mode == "text":
            await self.send_text(encoded.decode())
        else:
            await self.send_bytes(encoded)

    async def _send(self, message: Message) -> None:
        if self.close_code is not None:
            raise WebSocketClosed(self.close_code, self.close_reason)
        if self._client_left is not None:
            raise RuntimeError("the session was closed by the client")
        self._to_app.send_nowait(message)

    async def receive(self) -> str | bytes:
        """Return the next message from the app: `str` for text, `bytes` for binary. Raises
        WebSocketClosed once the app closed (or ended), TimeoutError after `timeout` seconds."""
        if self.close_code is not None:
            raise WebSocketClosed(self.close_code, self.close_reason)
        message = await self._next()
        if message is _APP_ENDED:
            self._app_outbox.send_nowait(_APP_ENDED)
            failed = self._exc is not None
            self._raise_app_exception()
            self.close_code = 1011 if failed else 1006
            raise WebSocketClosed(self.close_code)
        kind = message["type"]
        if kind == "websocket.send":
            text = message.get("text")
            return text if text is not None else bytes(message["bytes"])
        if kind == "websocket.close":
            self.close_code = int(message.get("code", 1000))
            self.close_reason = message.get("reason") or ""
            self._client_left = {"type": "websocket.disconnect", "code": self.close_code}
            raise WebSocketClosed(self.close_code, self.close_reason)
        raise RuntimeError(f"the app sent {kind!r} on an open WebSocket")

    async def receive_text(self) -> str:
        """Return the next message, which must be text."""
        message = await self.receive()
        if not isinstance(message, str):
            raise TypeError(f"expected a text message, got {len(message)} bytes")
        return message

    async def receive_bytes(self) -> bytes:
        """Return the next message, which must be binary."""
        message = await self.receive()
        if not isinstance(message, bytes):
            raise TypeError(f"expected a binary message, got text {message[:50]!r}")
        return message

    async def receive_json(self) -> Any:
        """Return the next message (text or binary) decoded as JSON."""
        return msgspec.json.decode(await self.receive())

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Disconnect with `code` and `reason`; the app's `incoming` ends."""
        if self._client_left is None:
            self._client_left = {"type": "websocket.disconnect", "code": code, "reason": reason}
            self._to_app.send_nowait(self._client_left)


class WebSocketSession:
    """The synchronous face of `AsyncWebSocketSession`, for `TestClient`: use it with `with`."""

    def __init__(
        self,
        make_session: Callable[[], AsyncWebSocketSession],
        portal: anyio.from_thread.BlockingPortal | None,
        backend: dict[str, Any],
    ) -> None:
        self._make_session = make_session
        self._portal = portal
        self._backend = backend
        self._stack: contextlib.ExitStack | None = None
        self._session: AsyncWebSocketSession | None = None

    def __enter__(self) -> WebSocketSession:
        with contextlib.ExitStack() as stack:
            portal = self._portal or stack.enter_context(anyio.from_thread.start_blocking_portal(**self._backend))
            session = self._make_session()
            stack.enter_context(portal.wrap_async_context_manager(session))
            self._portal, self._session = portal, session
            self._stack = stack.pop_all()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.__exit__(exc_type, exc, tb)

    @property
    def _open(self) -> tuple[anyio.from_thread.BlockingPortal, AsyncWebSocketSession]:
        if self._portal is None or self._session is None or self._stack is None:
            raise RuntimeError("use the session in a `with client.websocket_connect(...) as ws:` block")
        return self._portal, self._session

    @property
    def subprotocol(self) -> str | None:
        """The subprotocol the app accepted with (None for none)."""
        return self._open[1].subprotocol

    @property
    def headers(self) -> httpx.Headers:
        """The extra headers the app accepted with."""
        return self._open[1].headers

    def send_text(self, data: str) -> None:
        """Send a text message."""
        portal, session = self._open
        portal.call(session.send_text, data)

    def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        portal, session = self._open
        portal.call(session.send_bytes, data)

    def send_json(self, data: Any, mode: str = "text") -> None:
        """Send `data` as JSON, in a text message (or binary with `mode="binary"`)."""
        portal, session = self._open
        portal.call(session.send_json, data, mode)

    def receive(self) -> str | bytes:
        """Return the next message (`str` or `bytes`); WebSocketClosed once the app closed."""
        portal, session = self._open
        return portal.call(session.receive)

    def receive_text(self) -> str:
        """Return the next message, which must be text."""
        portal, session = self._open
        return portal.call(session.receive_text)

    def receive_bytes(self) -> bytes:
        """Return the next message, which must be binary."""
        portal, session = self._open
        return portal.call(session.receive_bytes)

    def receive_json(self) -> Any:
        """Return the next message decoded as JSON."""
        portal, session = self._open
        return portal.call(session.receive_json)

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Disconnect with `code` and `reason`."""
        portal, session = self._open
        portal.call(session.close, code, reason)
