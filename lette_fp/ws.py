"""WebSockets as data: a handler accepts a connection by returning `accept(pipe)`.

A pipe is a function from the client's messages to the server's: `AsyncIterator[str | bytes]`
in, `AsyncIterator[str | bytes | Close]` out. The ASGI adapter (lette_fp/asgi/websocket.py)
accepts the handshake, feeds the pipe and sends what it yields; any other Response returned by
the handler (or a middleware) denies the handshake with that response.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import msgspec

from lette_fp.http.entities import WebSocketPipe
from lette_fp.http.headers import raw_headers
from lette_fp.http.request import Request
from lette_fp.http.response import HeadersArg, Response

Message = str | bytes
"""A WebSocket message: text frames are `str`, binary frames are `bytes`."""

Incoming = AsyncIterator[Message]
"""The client's messages, in order; it ends when the client disconnects."""

_SENDABLE_CODES = frozenset({1000, 1001, 1002, 1003, *range(1007, 1015)})
MAX_REASON_BYTES = 123
"""A close reason must fit in a control frame: at most 123 bytes of UTF-8."""


class Close(msgspec.Struct, frozen=True):
    """Yielded by a pipe: close the connection with `code` and `reason`, then stop the pipe.

    `code` must be one an endpoint may send (1000-1003, 1007-1014 or 3000-4999) and `reason`
    at most 123 bytes of UTF-8; anything else is a ValueError here, not a broken frame later.
    """

    code: int = 1000
    reason: str = ""

    def __post_init__(self) -> None:
        if self.code not in _SENDABLE_CODES and not 3000 <= self.code <= 4999:
            raise ValueError(f"{self.code} is not a close code an endpoint may send")
        if len(self.reason.encode()) > MAX_REASON_BYTES:
            raise ValueError(f"a close reason is at most {MAX_REASON_BYTES} bytes of UTF-8")


class ClientClose(msgspec.Struct, frozen=True):
    """How the client closed the connection: its close `code` (1005 when its frame had none,
    1006 when the connection dropped without a frame) and `reason`."""

    code: int
    reason: str = ""


def client_close(incoming: Incoming) -> ClientClose | None:
    """Return how the client closed, once `incoming` (the iterator a pipe was given) has ended
    because the client left; None while it is open, or for an iterator lette_fp did not make."""
    found = getattr(incoming, "client_close", None)
    return found if isinstance(found, ClientClose) else None


Outgoing = Message | Close
"""What a pipe yields: a message to send, or `Close` to end the connection."""

Pipe = Callable[[Incoming], AsyncIterable[Any]]
"""A function from the client's messages to the messages to send (usually an async generator)."""


def accept(pipe: Pipe, subprotocol: str | None = None, headers: HeadersArg = None) -> Response:
    """Return the Response that accepts a WebSocket handshake and runs `pipe` on the connection.

    It is an ordinary Response (status 101, `headers` sent with the handshake, a `WebSocketPipe`
    body), so middleware sees and may change it like any other; if what reaches the adapter
    has no `WebSocketPipe` body, the handshake is denied with that response instead.
    """
    return Response(101, raw_headers(headers), WebSocketPipe(pipe, subprotocol))


def is_websocket(req: Request) -> bool:
    """Return True when `req` is a WebSocket handshake (its method is "WEBSOCKET")."""
    return req.method == "WEBSOCKET"


def subprotocols(req: Request) -> list[str]:
    """Return the subprotocols the client offered in `Sec-WebSocket-Protocol`, in its order."""
    offered: list[str] = []
    for value in req.headers.getall("sec-websocket-protocol"):
        offered.extend(part.strip() for part in value.split(",") if part.strip())
    return offered
