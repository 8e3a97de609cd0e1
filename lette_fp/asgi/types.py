"""The ASGI types, named once: what the server hands the edge and what the edge hands back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
"""The connection scope the server passes to the app (`type`, `path`, `headers`, ...)."""

Message = dict[str, Any]
"""One ASGI event, received or sent (`{"type": "http.request", ...}`)."""

Receive = Callable[[], Awaitable[Message]]
"""The server's `receive`: the next event from the client."""

Send = Callable[[Message], Awaitable[None]]
"""The server's `send`: one event to the client."""

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""
