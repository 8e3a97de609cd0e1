"""GZip: compress response bodies, bytes or streamed, for clients that accept gzip.

A bytes body is compressed whole; a `Stream` body is wrapped so each chunk is compressed and
flushed as it comes (streaming stays streaming, nothing is buffered). File and mounted-app
(`Delegate`) bodies are sent as they are.
"""

from __future__ import annotations

import gzip as gzip_format
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, cast

import msgspec

from lette_fp.http.entities import Stream
from lette_fp.http.request import Request
from lette_fp.http.response import Response
from lette_fp.middleware._headers import add_vary, first_header
from lette_fp.pipeline import Middleware, on_response

MAX_CODINGS = 32
"""Codings past this many in one `Accept-Encoding` header are ignored."""

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_NEVER = frozenset({b"content-encoding", b"content-range"})


def accepts_gzip(accept_encoding: bytes | None) -> bool:
    """Return whether an `Accept-Encoding` value accepts gzip: listed (or `*` with gzip not listed)
    with a q-value above 0, among its first MAX_CODINGS codings."""
    if accept_encoding is None:
        return False
    lowered = accept_encoding.lower()
    if b"gzip" not in lowered and b"*" not in lowered:
        return False
    star = False
    for part in lowered.decode("latin-1").split(",", MAX_CODINGS)[:MAX_CODINGS]:
        coding, _, params = part.partition(";")
        coding = coding.strip()
        if coding not in ("gzip", "*"):
            continue
        accepted = _quality(params) > 0
        if coding == "gzip":
            return accepted
        star = accepted
    return star


def _quality(params: str) -> float:
    for param in params.split(";", 8)[:8]:
        key, _, value = param.partition("=")
        if key.strip() == "q":
            value = value.strip()
            try:
                return float(value) if len(value) <= 5 else 0.0
            except ValueError:
                return 0.0
    return 1.0


def compressible(resp: Response, minimum_size: int) -> bool:
    """Return whether gzip may compress `resp`: a bytes body of at least `minimum_size` bytes or a
    `Stream` (unless its `Content-Length` says it is smaller), not already encoded, not a range,
    not `text/event-stream`, and a status that has a body."""
    status = resp.status
    if status < 200 or status in (204, 206, 304):
        return False
    declared_length = None
    for key, value in resp.headers:
        if key in _NEVER:
            return False
        if key == b"content-type" and value[:17].lower() == b"text/event-stream":
            return False
        if key == b"content-length":
            declared_length = value
    body = resp.body
    if type(body) is bytes:
        return len(body) >= minimum_size
    if type(body) is Stream:
        return declared_length is None or not declared_length.isdigit() or int(declared_length) >= minimum_size
    return False


def _compress(compressor: Any, chunk: bytes | str) -> bytes:
    data = chunk.encode() if isinstance(chunk, str) else chunk
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH) if data else b""


async def gzip_chunks(chunks: AsyncIterable[bytes | str], compresslevel: int = 9) -> AsyncIterator[bytes]:
    """Yield the gzip stream of `chunks`: each non-empty chunk compressed and flushed at once, so
    the client gets it without waiting for the next one; the gzip trailer last."""
    compressor = zlib.compressobj(compresslevel, zlib.DEFLATED, _GZIP_WBITS)
    iterator = chunks.__aiter__()
    try:
        async for chunk in iterator:
            if data := _compress(compressor, chunk):
                yield data
        yield compressor.flush()
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()


def gzip_chunks_sync(chunks: Iterable[bytes | str], compresslevel: int = 9) -> Iterator[bytes]:
    """`gzip_chunks` for a sync source (the edge iterates it in a worker thread)."""
    compressor = zlib.compressobj(compresslevel, zlib.DEFLATED, _GZIP_WBITS)
    iterator = iter(chunks)
    try:
        for chunk in iterator:
            if data := _compress(compressor, chunk):
                yield data
        yield compressor.flush()
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def gzip_response(resp: Response, compresslevel: int = 9) -> Response:
    """Return `resp` with its body gzip-compressed: `Content-Encoding: gzip`, no `Content-Length`,
    a strong `ETag` made weak (the bytes differ), and `Vary: Accept-Encoding`."""
    body = resp.body
    if type(body) is bytes:
        new_body: bytes | Stream = gzip_format.compress(body, compresslevel, mtime=0)
    else:
        source = cast(Stream, body)
        chunks = source.chunks
        compressed = (
            gzip_chunks(cast(AsyncIterable[bytes | str], chunks), compresslevel)
            if hasattr(chunks, "__aiter__")
            else gzip_chunks_sync(chunks, compresslevel)
        )
        new_body = msgspec.structs.replace(source, chunks=compressed)
    headers = []
    for key, value in resp.headers:
        if key == b"content-length":
            continue
        if key == b"etag" and not value.startswith(b"W/"):
            value = b"W/" + value
        headers.append((key, value))
    headers.append((b"content-encoding", b"gzip"))
    return add_vary(msgspec.structs.replace(resp, headers=tuple(headers), body=new_body), "Accept-Encoding")


def gzip(minimum_size: int = 500, compresslevel: int = 9) -> Middleware:
    """Return middleware that gzips responses for clients that accept gzip (see `compressible`).

    Every response that could be compressed gets `Vary: Accept-Encoding`, compressed or not.
    """
    if not 0 <= compresslevel <= 9:
        raise ValueError("compresslevel must be between 0 and 9")

    def compress(req: Request, resp: Response) -> Response:
        if not compressible(resp, minimum_size):
            return resp
        if accepts_gzip(first_header(req.raw_headers, b"accept-encoding")):
            return gzip_response(resp, compresslevel)
        return add_vary(resp, "Accept-Encoding")

    return on_response(compress)
