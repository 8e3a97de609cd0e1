"""`file(...)`: a response whose body is a file on disk, sent by the adapter.

`file` is pure: it touches no disk. The `File` entity names the path (and the `os.stat_result`
when the caller already has one); when the adapter sends it, it stats the file and resolves the
request's conditional and `Range` headers with `lette_fp.http.file_plan.plan_file`.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Literal
from urllib.parse import quote

from lette_fp.http.entities import File
from lette_fp.http.headers import RawHeaders, header_pair, raw_headers
from lette_fp.http.response import HeadersArg, Response, _charset


def guess_media_type(name: str) -> str:
    """Return the media type for a file name (`application/octet-stream` when unknown)."""
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def _is_plain_token(name: str) -> bool:
    return name.isascii() and name.isprintable() and '"' not in name and "\\" not in name


def content_disposition(disposition: str, filename: str) -> str:
    """Return a `Content-Disposition` value naming `filename`: quoted when it is plain ASCII, else
    an ASCII fallback plus RFC 5987 `filename*=utf-8''...` (RFC 6266)."""
    if _is_plain_token(filename):
        return f'{disposition}; filename="{filename}"'
    fallback = "".join(c if _is_plain_token(c) else "_" for c in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=utf-8''{quote(filename, safe='')}"


def file(
    path: str | os.PathLike[str],
    filename: str | None = None,
    media_type: str | None = None,
    content_disposition_type: Literal["attachment", "inline"] | str = "attachment",
    stat_result: os.stat_result | None = None,
    headers: HeadersArg = None,
    status: int = 200,
) -> Response:
    """Return a response that sends the file at `path`.

    The media type is guessed from `filename` or the path; a `filename` adds a
    `Content-Disposition` (`content_disposition_type`, RFC 5987 for non-ASCII names). When sent,
    the response gets `ETag`, `Last-Modified`, `Accept-Ranges: bytes` and `Content-Length`, answers
    `If-None-Match` / `If-Modified-Since` with 304 and `Range` with 206 (only for status 200 and
    GET or HEAD), and never reads the file for HEAD.
    """
    path = os.fspath(path)
    pairs: list[tuple[bytes, bytes]] = [
        _charset(media_type or guess_media_type(filename or path)),
        (b"accept-ranges", b"bytes"),
    ]
    if filename is not None:
        value = content_disposition(content_disposition_type, filename)
        pairs.append(header_pair(b"content-disposition", value))
    extra: RawHeaders = raw_headers(headers)
    if extra:
        names = {name for name, _ in extra}
        pairs = [pair for pair in pairs if pair[0] not in names]
        pairs.extend(extra)
    return Response(status, tuple(pairs), File(path, stat_result))
