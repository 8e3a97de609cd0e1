"""Server-sent events: `Event` values, their WHATWG `text/event-stream` encoding, and `sse(...)`.

`encode_event` is a pure function from an Event to bytes (the reference encoding);
`encode_item` gives the same bytes for an Event or a plain value, faster (each field is checked
for line breaks once, and only a field that has one is split). `sse(events)` returns a streaming
response that encodes each item with `encode_item` as the source yields it and sends a comment
ping while the source is idle. A client resumes with the `Last-Event-ID` header: read it with
`req.headers.get("last-event-id")`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Iterable, Iterator
from typing import Any, cast

import msgspec

from lette_fp.http.entities import Stream
from lette_fp.http.headers import RawHeaders, raw_headers
from lette_fp.http.response import HeadersArg, Response
from lette_fp.http.streams import Mapped

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_encoder = msgspec.json.Encoder()

SSE_HEADERS: RawHeaders = (
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
)
"""The headers every `sse` response carries (others may be added or override them)."""

PING = b": ping\n\n"
"""The comment sent while the source is idle; EventSource clients ignore it."""


class Event(msgspec.Struct, frozen=True):
    """One server-sent event. `data` is `str`, `bytes` (UTF-8) or anything msgspec encodes (sent
    as JSON); `None` sends no data line. `event` names the type, `id` sets the client's last event
    ID, `retry` its reconnection delay in milliseconds, `comment` a line clients ignore."""

    data: Any = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    comment: str | None = None


def _single_line(field: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"an SSE {field} can't contain a line break: {value!r}")
    return value


def _data_text(data: Any) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data).decode("utf-8")
    return _encoder.encode(data).decode("utf-8")


def encode_event(event: Event) -> bytes:
    """Return `event` in the `text/event-stream` format: one `field: value` line per field (one
    `data:` line per line of data, any of CRLF, CR or LF splitting lines), then a blank line."""
    lines: list[str] = []
    if event.comment is not None:
        lines.extend(": " + line for line in _LINE_BREAK.split(event.comment))
    if event.event is not None:
        lines.append("event: " + _single_line("event", event.event))
    if event.id is not None:
        if "\0" in event.id:
            raise ValueError("an SSE id can't contain NUL")
        lines.append("id: " + _single_line("id", event.id))
    if event.retry is not None:
        if not isinstance(event.retry, int) or event.retry < 0:
            raise ValueError(f"an SSE retry is a whole number of milliseconds, not {event.retry!r}")
        lines.append(f"retry: {event.retry}")
    if event.data is not None:
        lines.extend("data: " + line for line in _LINE_BREAK.split(_data_text(event.data)))
    lines.append("\n")
    return "\n".join(lines).encode("utf-8")


def _lines(prefix: str, text: str) -> str:
    """`prefix + line + "\n"` for each line of `text` (CRLF, CR or LF end a line)."""
    if "\n" not in text and "\r" not in text:
        return prefix + text + "\n"
    return "".join([prefix + line + "\n" for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")])


def encode_item(item: Any) -> bytes:
    """Return `encode_event(item)` for an Event, else `encode_event(Event(item))` (the same bytes,
    the same ValueError for a field that would break the stream); a str without line breaks, the
    common case, is one concatenation."""
    if item.__class__ is str and "\n" not in item and "\r" not in item:
        return ("data: " + item + "\n\n").encode()
    event = item if isinstance(item, Event) else Event(item)
    text = ""
    if event.comment is not None:
        text = _lines(": ", event.comment)
    if event.event is not None:
        text += "event: " + _single_line("event", event.event) + "\n"
    if event.id is not None:
        if "\0" in event.id:
            raise ValueError("an SSE id can't contain NUL")
        text += "id: " + _single_line("id", event.id) + "\n"
    if event.retry is not None:
        if not isinstance(event.retry, int) or event.retry < 0:
            raise ValueError(f"an SSE retry is a whole number of milliseconds, not {event.retry!r}")
        text += f"retry: {event.retry}\n"
    if event.data is not None:
        text += _lines("data: ", _data_text(event.data))
    return (text + "\n").encode()


def _encoded_sync(events: Iterable[Any]) -> Iterator[bytes]:
    iterator = iter(events)
    try:
        for item in iterator:
            yield encode_item(item)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def sse(
    events: AsyncIterable[Any] | Iterable[Any],
    ping: float | None = 15.0,
    headers: HeadersArg = None,
) -> Response:
    """Return a `text/event-stream` response sending each of `events` (an `Event`, or any other
    value used as an Event's data) as the source yields it (a sync source runs in a worker thread).

    While the source is idle, a comment ping is sent every `ping` seconds (None: never). Headers:
    `Content-Type: text/event-stream; charset=utf-8`, `Cache-Control: no-cache`,
    `X-Accel-Buffering: no`, then `headers`. A disconnect stops the source and closes it.
    """
    pairs = SSE_HEADERS
    if headers is not None:
        extra = raw_headers(headers)
        names = {name for name, _ in extra}
        pairs = tuple(pair for pair in SSE_HEADERS if pair[0] not in names) + extra
    if hasattr(events, "__aiter__"):
        chunks: Mapped[Any] | Iterator[bytes] = Mapped(cast(AsyncIterable[Any], events), encode_item)
    else:
        chunks = _encoded_sync(events)
    body = Stream(
        chunks,
        thread_backed=not hasattr(events, "__aiter__"),
        ping_interval=ping if ping and ping > 0 else None,
        ping=PING,
    )
    return Response(200, pairs, body)
