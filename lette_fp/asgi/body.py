"""The unread request body: reads ASGI `http.request` messages on demand, within a size limit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from lette_fp.http.errors import ClientDisconnected, HTTPError

Receive = Callable[[], Awaitable[dict[str, Any]]]


class _Shared:
    __slots__ = ("receive", "data", "streamed")

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.data: bytes | None = None
        self.streamed = False


class Incoming:
    """A request's body as the server delivers it. `read()` buffers it (once: every copy of the
    request shares the result); `stream()` yields it unbuffered. Past `limit` bytes: HTTPError 413,
    without reading the rest; a declared `Content-Length` over the limit is refused before reading."""

    __slots__ = ("_shared", "_headers", "limit")

    def __init__(self, receive: Receive, headers: Iterable[tuple[bytes, bytes]], limit: int | None) -> None:
        self._shared = _Shared(receive)
        self._headers = headers
        self.limit = limit

    def with_limit(self, limit: int | None) -> Incoming:
        """Return the same body with another size limit."""
        other = Incoming.__new__(Incoming)
        other._shared = self._shared
        other._headers = self._headers
        other.limit = limit
        return other

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
        shared = self._shared
        if shared.data is not None:
            return shared.data
        if shared.streamed:
            raise RuntimeError("the body was already consumed by req.stream()")
        self._check_declared_length()
        chunks: list[bytes] = []
        size = 0
        limit = self.limit
        receive = shared.receive
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if limit is not None and size > limit:
                    shared.streamed = True
                    raise HTTPError(413, f"Request body over the limit of {limit} bytes")
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        shared.data = data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return data

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives, without buffering (the read bytes, if already read)."""
        shared = self._shared
        if shared.data is not None:
            if shared.data:
                yield shared.data
            return
        if shared.streamed:
            raise RuntimeError("the body stream was already consumed")
        shared.streamed = True
        while True:
            message = await shared.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return
