"""`stream(...)`: a response whose body is sent in chunks as an iterable yields them.

Async iterables are used as they are; a sync iterable is kept as it is, and the edge iterates
it off the event loop, one `next()` per worker-thread call (closing it there too when the client
goes away): nothing here starts a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable

from lette_fp.http.entities import Stream
from lette_fp.http.response import HeadersArg, Response, _charset, _headers_with


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
