"""The unread request body: reads ASGI `http.request` messages on demand, within a size limit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar

import anyio
import anyio.lowlevel
import msgspec

from lette_fp.asgi.types import Receive
from lette_fp.http.entities import BodyParser
from lette_fp.http.errors import ClientDisconnected, HTTPError

T = TypeVar("T")

logger = logging.getLogger("lette_fp.error")

_UNPARSED: Any = object()


class BodyState(msgspec.Struct):
    """What every copy of one request's body shares: the read bytes, whether the stream was
    consumed, what `consume` parsed, the cleanups to run when the response is done, and whether
    the body's reader is done with it (`finished`; `drained` is set then, when someone waits).
    `BodyState(receive)`; a Struct, built in C once per request that uses its body."""

    receive: Receive
    data: bytes | None = None
    streamed: bool = False
    parsed: Any = _UNPARSED
    cleanups: list[Callable[[], object]] | None = None
    finished: bool = False
    drained: anyio.Event | None = None

    def finish(self) -> None:
        """Note that no reader will take more body messages (the body ended, or the reader did)."""
        self.finished = True
        if self.drained is not None:
            self.drained.set()


class Incoming(msgspec.Struct, eq=False):
    """A request's body as the server delivers it. `read()` buffers it (once: every copy of the
    request shares the result); `stream()` yields it unbuffered; `consume(parse)` streams it into a
    parser once, within the limit. Past `limit` bytes: HTTPError 413, without reading the rest; a
    declared `Content-Length` over the limit is refused before reading.

    `Incoming(receive, headers, limit)`; a Struct (not a Python `__init__`) because one is built
    for every request, and compared by identity like any other unread stream."""

    _receive: Receive
    _headers: Iterable[tuple[bytes, bytes]]
    limit: int | None
    shared_state: BodyState | None = None

    @property
    def shared(self) -> BodyState:
        """The state every copy of this body shares, created when the body is first used."""
        state = self.shared_state
        if state is None:
            state = self.shared_state = BodyState(self._receive)
        return state

    def with_limit(self, limit: int | None) -> Incoming:
        """Return the same body with another size limit."""
        return Incoming(self._receive, self._headers, limit, self.shared)

    def _check_declared_length(self) -> None:
        if self.limit is None:
            return
        for name, value in self._headers:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    raise HTTPError(400, "Invalid Content-Length header") from None
                if declared > self.limit:
                    raise HTTPError(413, f"Request body over the limit of {self.limit} bytes")

    async def read(self) -> bytes:
        """Return the whole body, reading it on the first call (HTTPError 413 past the limit)."""
        shared = self.shared_state
        if shared is None:
            shared = self.shared_state = BodyState(self._receive)
        elif shared.data is not None:
            return shared.data
        self._check_declared_length()
        _take_stream(shared)
        chunks: list[bytes] = []
        size = 0
        limit = self.limit
        receive = shared.receive
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                shared.finish()
                raise ClientDisconnected()
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if limit is not None and size > limit:
                    raise HTTPError(413, f"Request body over the limit of {limit} bytes")
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        shared.data = data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        shared.finish()
        return data

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives, without buffering (the read bytes, if already read)."""
        shared = self.shared
        if shared.data is not None:
            if shared.data:
                yield shared.data
            return
        _take_stream(shared)
        while True:
            message = await shared.receive()
            if message["type"] == "http.disconnect":
                shared.finish()
                raise ClientDisconnected()
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                shared.finish()
                return

    async def consume(self, parse: BodyParser[T]) -> T:
        """Run `parse` over the body once, within the limit; every later call (on any copy of the
        request) returns the first result or raises the first error again."""
        shared = self.shared
        if shared.parsed is _UNPARSED:
            if shared.data is not None:
                chunks: AsyncIterator[bytes] = _Chunks(None, shared.data, None)
            else:
                self._check_declared_length()
                _take_stream(shared)
                chunks = _Chunks(shared.receive, None, self.limit)
            try:
                shared.parsed = await parse(chunks, self._close_later)
            except (HTTPError, ClientDisconnected) as exc:
                shared.parsed = _Failed(exc)
                raise
            finally:
                shared.finish()
        parsed = shared.parsed
        if type(parsed) is _Failed:
            raise parsed.error
        return parsed  # type: ignore[no-any-return]

    async def __call__(self) -> dict[str, Any]:
        """Receive the next ASGI message as the server's `receive` would (for mounted apps)."""
        return await self.shared.receive()

    def _declares_no_body(self) -> bool:
        for name, value in self._headers:
            if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"0", b"")):
                return False
        return True

    async def wait_disconnect(self) -> None:
        """Return once the client has disconnected, for a response that streams.

        Waits first until the body's reader is done with it (read, streamed to its end, or
        consumed), so that no body message is taken from the handler; a request that declares no
        body counts as read (empty). A body the handler never touches is never waited past: then
        only a failed send tells that the client left."""
        shared = self.shared
        if shared.data is None and not shared.finished:
            if not shared.streamed and self._declares_no_body():
                shared.data = b""
            else:
                if shared.drained is None:
                    shared.drained = anyio.Event()
                await shared.drained.wait()
        while (await shared.receive())["type"] != "http.disconnect":
            await anyio.lowlevel.checkpoint()

    def _close_later(self, cleanup: Callable[[], object]) -> None:
        shared = self.shared
        if shared.cleanups is None:
            shared.cleanups = []
        shared.cleanups.append(cleanup)

    def release(self) -> None:
        """Run the cleanups `consume`'s parser registered (temporary files), each once."""
        cleanups = self.shared.cleanups
        self.shared.cleanups = None
        for cleanup in cleanups or ():
            try:
                cleanup()
            except Exception:
                logger.exception("closing a request resource failed")


def _take_stream(shared: BodyState) -> None:
    if shared.streamed:
        raise RuntimeError("the body was already consumed by req.stream() or req.form()")
    shared.streamed = True


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class _Chunks:
    """The body's chunks as an async iterator: the already read bytes (`receive` None), or ASGI
    messages counted against `limit` (HTTPError 413 past it)."""

    __slots__ = ("receive", "pending", "limit", "size", "done")

    def __init__(self, receive: Receive | None, data: bytes | None, limit: int | None) -> None:
        self.receive = receive
        self.pending = data
        self.limit = limit
        self.size = 0
        self.done = False

    def __aiter__(self) -> _Chunks:
        return self

    async def __anext__(self) -> bytes:
        pending = self.pending
        if pending is not None:
            self.pending = None
            if pending:
                return pending
        receive = self.receive
        while receive is not None and not self.done:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            self.done = not message.get("more_body", False)
            chunk: bytes = message.get("body", b"")
            if chunk:
                self.size += len(chunk)
                if self.limit is not None and self.size > self.limit:
                    self.done = True
                    raise HTTPError(413, f"Request body over the limit of {self.limit} bytes")
                return chunk
        raise StopAsyncIteration
