"""Entities: what a body is. The ASGI adapter decides how to send or read one by its type.

Response bodies are `bytes` (the Bytes entity; `b""` is Empty), `Stream`, `File` or `Delegate`.
A request body is `bytes` once read, or a `BodySource` (the unread ASGI stream) before.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
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

    `thread_backed`: the chunks come from a worker thread (a sync iterable), so a client
    disconnect must not cut a hand-off short (it interrupts the source through a shielded anyio
    scope, not a plain task cancellation)."""

    chunks: AsyncIterable[bytes | str]
    thread_backed: bool = False


class Delegate(msgspec.Struct, frozen=True):
    """A body produced by another ASGI app (a mount). The adapter calls `app` with the scope's
    `root_path` set to `root_path` and `path_params` to `params`, and adds the response's headers
    to the ones the app sends."""

    app: Any
    root_path: str = ""
    params: Mapping[str, Any] = msgspec.field(default_factory=dict)
