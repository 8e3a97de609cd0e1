"""`stream(...)`: a response whose body is sent in chunks as an iterable yields them.

Async iterables are used as they are; a sync iterable is kept as it is, and the edge iterates
it off the event loop, one `next()` per worker-thread call (closing it there too when the client
goes away): nothing here starts a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import Generic, TypeVar

from lette_fp.http.entities import Stream
from lette_fp.http.response import HeadersArg, Response, _charset, _headers_with

T = TypeVar("T")


class Mapped(Generic[T]):
    """`Mapped(source, encode)`: an async iterable of `encode(item)` for each item of `source`, in
    order (`source` is closed when the iteration stops early).

    Iterating it goes through one async generator; the ASGI pump, which knows this type, iterates
    `source` and calls `encode` itself, so an SSE event costs one async-generator step, not two."""

    __slots__ = ("source", "encode")

    def __init__(self, source: AsyncIterable[T], encode: Callable[[T], bytes]) -> None:
        self.source = source
        self.encode = encode

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _mapped(self.source, self.encode)

    async def aclose(self) -> None:
        """Close `source` (its `finally` runs), for a response whose body is never iterated."""
        close = getattr(self.source, "aclose", None)
        if close is not None:
            await close()


async def _mapped(source: AsyncIterable[T], encode: Callable[[T], bytes]) -> AsyncIterator[bytes]:
    iterator = aiter(source)
    try:
        async for item in iterator:
            yield encode(item)
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()


def stream(
    chunks: AsyncIterable[bytes | str] | Iterable[bytes | str],
    media_type: str = "text/plain",
    status: int = 200,
    headers: HeadersArg = None,
) -> Response:
    """Return a response sending each chunk (`bytes`, or `str` encoded as UTF-8) as it is produced.

    `chunks` is an async iterable, or a sync one that is iterated in a worker thread. There is no
    `Content-Length` (HTTP/1.1 uses chunked transfer). When the client disconnects, iteration stops
    and the generator is closed, so its `finally` runs.
    """
    content_type = _charset(media_type)
    body = Stream(chunks, thread_backed=not hasattr(chunks, "__aiter__"))
    return Response(status, _headers_with(content_type, headers), body)
