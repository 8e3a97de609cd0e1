"""What to send for a file, given the request: a pure function of headers, method and the file's
size and modification time.

`plan_file` answers conditional requests (304), `Range` (206, single or `multipart/byteranges`,
or 400/416) and HEAD, and returns a `FilePlan`: the status, the headers and the segments to write
(literal bytes, or slices of the file) whose lengths add up to the `Content-Length` it states.
"""

from __future__ import annotations

import msgspec

from lette_fp.http.conditional import (
    http_date,
    if_range_allows,
    make_etag,
    modified_since,
    none_match,
    parse_http_date,
)
from lette_fp.http.errors import HTTPError
from lette_fp.http.headers import Headers, RawHeaders
from lette_fp.http.ranges import ByteRange, parse_ranges

Segment = bytes | ByteRange
"""A piece of a body: literal bytes, or the `(start, end)` slice of the file."""

_NOT_MODIFIED_KEEPS = frozenset(
    {b"cache-control", b"content-location", b"date", b"etag", b"expires", b"vary", b"last-modified"}
)
_ALWAYS_DROPPED = frozenset({b"content-length", b"content-range"})
_error_encoder = msgspec.json.Encoder()


class FilePlan(msgspec.Struct, frozen=True):
    """How to answer: `status`, `headers` (Content-Length included when there is a body) and the
    `segments` to write in order. `whole` is True when the segments are exactly the entire file,
    so the adapter may hand the path to the server instead."""

    status: int
    headers: RawHeaders
    segments: tuple[Segment, ...] = ()
    whole: bool = False


def _length(segments: tuple[Segment, ...]) -> int:
    return sum(len(s) if isinstance(s, bytes) else s[1] - s[0] for s in segments)


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> RawHeaders:
    return (*headers, (b"content-length", b"%d" % length))


def error_plan(exc: HTTPError, head: bool) -> FilePlan:
    """Return the plan for an HTTP error: JSON `{"detail": ...}` with the error's headers."""
    body = _error_encoder.encode({"detail": exc.detail})
    headers = [(b"content-type", b"application/json"), *exc.headers]
    return FilePlan(exc.status, _with_length(headers, len(body)), () if head else (body,))


def multipart_segments(
    ranges: list[ByteRange], size: int, content_type: bytes | None, boundary: str
) -> tuple[Segment, ...]:
    """Return the `multipart/byteranges` body for `ranges` of a `size`-byte file as segments."""
    type_line = b"Content-Type: " + content_type + b"\r\n" if content_type else b""
    delimiter = b"--" + boundary.encode("ascii") + b"\r\n" + type_line
    segments: list[Segment] = []
    for start, end in ranges:
        segments.append(b"%sContent-Range: bytes %d-%d/%d\r\n\r\n" % (delimiter, start, end - 1, size))
        segments.append((start, end))
        segments.append(b"\r\n")
    segments.append(b"--" + boundary.encode("ascii") + b"--\r\n")
    return tuple(segments)


def plan_file(
    status: int,
    headers: RawHeaders,
    method: str,
    request_headers: Headers,
    size: int,
    mtime_ns: int,
    boundary: str,
) -> FilePlan:
    """Return what to send for a `size`-byte file modified at `mtime_ns`, for a response with
    `status` and `headers` to a `method` request with `request_headers`.

    `ETag` and `Last-Modified` are added unless `headers` has them (then theirs are compared).
    Only a 200 answer to GET or HEAD is conditional: `If-None-Match` (weak comparison; when
    present `If-Modified-Since` is ignored) or `If-Modified-Since` give 304. Only GET honours
    `Range` (unless `If-Range` no longer holds): one range gives 206 with `Content-Range`, several
    give 206 `multipart/byteranges` delimited by `boundary`; 400 and 416 as `parse_ranges` says.
    """
    head = method == "HEAD"
    given = Headers(headers)
    etag = given.get("etag")
    modified = given.get("last-modified")
    kept = [pair for pair in headers if pair[0] not in _ALWAYS_DROPPED]
    if etag is None:
        etag = make_etag(size, mtime_ns)
        kept.append((b"etag", etag.encode("latin-1")))
    if modified is None:
        modified = http_date(mtime_ns / 1_000_000_000)
        kept.append((b"last-modified", modified.encode("latin-1")))
    whole_file: tuple[Segment, ...] = ((0, size),) if size and not head else ()
    if status != 200 or (method != "GET" and not head):
        return FilePlan(status, _with_length(kept, size), whole_file, bool(whole_file))

    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        not_modified = none_match(if_none_match, etag)
    else:
        if_modified_since = request_headers.get("if-modified-since")
        seconds = parse_http_date(modified)
        not_modified = (
            if_modified_since is not None
            and seconds is not None
            and not modified_since(if_modified_since, seconds)
        )
    if not_modified:
        return FilePlan(304, tuple(pair for pair in kept if pair[0] in _NOT_MODIFIED_KEEPS))

    range_header = request_headers.get("range")
    if range_header is None or head:
        return FilePlan(200, _with_length(kept, size), whole_file, bool(whole_file))
    if_range = request_headers.get("if-range")
    if if_range is not None and not if_range_allows(if_range, etag, parse_http_date(modified)):
        return FilePlan(200, _with_length(kept, size), whole_file, bool(whole_file))
    try:
        ranges = parse_ranges(range_header, size)
    except HTTPError as exc:
        return error_plan(exc, head)
    if ranges is None:
        return FilePlan(200, _with_length(kept, size), whole_file, bool(whole_file))
    if len(ranges) == 1:
        start, end = ranges[0]
        content_range = b"bytes %d-%d/%d" % (start, end - 1, size)
        single = [*kept, (b"content-range", content_range)]
        return FilePlan(206, _with_length(single, end - start), ((start, end),))
    content_type = next((value for name, value in kept if name == b"content-type"), None)
    segments = multipart_segments(ranges, size, content_type, boundary)
    multipart = [pair for pair in kept if pair[0] != b"content-type"]
    multipart.append((b"content-type", b"multipart/byteranges; boundary=" + boundary.encode("ascii")))
    return FilePlan(206, _with_length(multipart, _length(segments)), segments)
