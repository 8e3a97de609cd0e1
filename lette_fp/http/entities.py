"""Entities: what a body is, as one closed union. The edge sends each kind by its type.

A response body is an `Entity`: `bytes` (`b""` is empty), `Stream` (chunks as they come; SSE
and its idle pings are Streams), `File` (a path on disk), `Delegate` (another ASGI app answers)
or `WebSocketPipe` (an accepted WebSocket handshake). A new kind of response is one entity
here, one constructor and one sender in `lette_fp/asgi/senders.py`.

A request body is `bytes` once read, or a `BodySource` (the unread ASGI stream) before.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import msgspec

_T = TypeVar("_T")

CloseLater = Callable[[Callable[[], object]], None]
"""Registers a cleanup (closing a temporary file, ...) to run when the response is done."""

BodyParser = Callable[[AsyncIterator[bytes], CloseLater], Awaitable[_T]]
"""A parser of a request body streamed in chunks (e.g. a multipart form), given a `CloseLater`."""


@runtime_checkable
class BodySource(Protocol):
    """An unread request body. Implemented by the ASGI adapter; handlers never see `receive`."""

    async def read(self) -> bytes:
        """Read the whole body (bounded by the source's limit) and return it; repeatable."""
        ...

    def stream(self) -> AsyncIterator[bytes]:
        """Yield the body in chunks as they arrive, without buffering it."""
        ...

    async def consume(self, parse: BodyParser[_T]) -> _T:
        """Run `parse` over the body's chunks (bounded by the source's limit) once; return its
        result, the same one on every later call. `parse` may register cleanups to run when the
        response is done."""
        ...


class Stream(msgspec.Struct, frozen=True):
    """A body sent in chunks as `chunks` yields them (`bytes` or `str`, str encoded as UTF-8).

    `chunks` is an async iterable, or a sync one that the edge iterates in a worker thread.
    `thread_backed`: the chunks come from a worker thread (a sync iterable, or an async source
    that hands work to one), so a client disconnect must not cut a hand-off short (it interrupts
    the source through a shielded anyio scope, not a plain task cancellation)."""

    chunks: AsyncIterable[bytes | str] | Iterable[bytes | str]
    thread_backed: bool = False
    ping_interval: float | None = None
    """Send `ping` whenever this many seconds pass without a chunk (None: never). An SSE comment
    ping keeps proxies and clients from timing an idle connection out."""
    ping: bytes = b""


DEFAULT_CHUNK_SIZE = 64 * 1024
"""How many bytes the edge reads per chunk of a `File` when it can't hand the path to the server."""


class File(msgspec.Struct, frozen=True):
    """A body read from `path` when sent. `stat_result`, when given, saves the edge a `stat`."""

    path: str
    stat_result: os.stat_result | None = None
    chunk_size: int = DEFAULT_CHUNK_SIZE


class Delegate(msgspec.Struct, frozen=True):
    """A body produced by another ASGI app (a mount). The adapter calls `app` with the scope's
    `root_path` set to `root_path` and `path_params` to `params`, and adds the response's headers
    to the ones the app sends."""

    app: Any
    root_path: str = ""
    params: Mapping[str, Any] = msgspec.field(default_factory=dict)


Pipe = Callable[[AsyncIterator[Any]], AsyncIterable[Any]]
"""A WebSocket pipe: from the client's messages to the messages to send (see `lette_fp.ws`)."""


class WebSocketPipe(msgspec.Struct, frozen=True):
    """The body of an accepting handshake Response: the edge runs `pipe` on the connection and
    answers the handshake with `subprotocol` (None for none)."""

    pipe: Pipe
    subprotocol: str | None = None


Entity = bytes | Stream | File | Delegate | WebSocketPipe
"""Every kind of response body (`bytearray` and `memoryview` are accepted and sent as bytes)."""
