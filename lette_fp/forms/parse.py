"""Reading a request's form: the Content-Type picks the parser; an unread body is streamed into it
once (files spooled to disk, closed by the adapter when the response is done), read bytes are
parsed in memory."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from lette_fp.forms.data import FormData
from lette_fp.forms.limits import FormLimits
from lette_fp.http.entities import CloseLater
from lette_fp.http.errors import HTTPError

try:
    from python_multipart.multipart import parse_options_header
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError("forms need python-multipart: pip install 'lette-fp[forms]'") from exc

from lette_fp.forms.multipart import multipart_boundary, parse_multipart
from lette_fp.forms.urlencoded import parse_urlencoded

if TYPE_CHECKING:
    from lette_fp.http.request import Request

URLENCODED = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"


async def _urlencoded(limits: FormLimits, chunks: AsyncIterator[bytes], close_later: CloseLater | None) -> FormData:
    return await parse_urlencoded(chunks, limits)


async def _multipart(
    params: dict[bytes, bytes], limits: FormLimits, chunks: AsyncIterator[bytes], close_later: CloseLater | None
) -> FormData:
    return await parse_multipart(chunks, params, limits, close_later)


async def read_form(req: Request, limits: FormLimits) -> FormData:
    """Return `req`'s body parsed as a form. HTTPError 415 when the Content-Type is not a form,
    400 for a malformed form or a limit passed, 413 past the body size limit."""
    media, params = parse_options_header(req.headers.get("content-type"))
    if media == URLENCODED:
        parse = functools.partial(_urlencoded, limits)
    elif media == MULTIPART:
        multipart_boundary(params)
        parse = functools.partial(_multipart, params, limits)
    else:
        raise HTTPError(415, "Expected a form: application/x-www-form-urlencoded or multipart/form-data")
    body = req.body
    if isinstance(body, bytes):
        return await parse(_Once(body), None)
    return await body.consume(parse)


class _Once:
    """Read bytes as a one-chunk async iterator (a class, so an abandoned parse leaves nothing to finalize)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data: bytes | None = data or None

    def __aiter__(self) -> _Once:
        return self

    async def __anext__(self) -> bytes:
        data, self.data = self.data, None
        if data is None:
            raise StopAsyncIteration
        return data
