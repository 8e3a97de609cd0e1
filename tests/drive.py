"""Driving an ASGI app directly: the request body delivered as chosen `http.request` messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio


@dataclass
class Exchange:
    """What the app sent back, and how many body messages it asked for."""

    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    received: int = 0

    def json(self) -> Any:
        import msgspec

        return msgspec.json.decode(self.body)



def http_scope(path: str, method: str = "GET", headers: Sequence[tuple[bytes, bytes]] = ((b"host", b"testserver"),)) -> dict[str, Any]:
    """Return an ASGI http scope for `method path` with these raw headers, as a server would build it."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": list(headers),
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }

async def drive(
    app: Any,
    chunks: Sequence[bytes],
    *,
    method: str = "POST",
    path: str = "/",
    headers: Sequence[tuple[bytes, bytes]] = (),
    disconnect: bool = False,
    timeout: float = 10,
) -> Exchange:
    """Send one request to `app` with its body split into `chunks` (one `http.request` message
    each, the last without `more_body`). With `disconnect`, the client goes away after the chunks
    instead of finishing the body. Returns what the app sent."""
    out = Exchange()
    messages = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    if not disconnect:
        if messages:
            messages[-1]["more_body"] = False
        else:
            messages.append({"type": "http.request", "body": b"", "more_body": False})

    async def receive() -> dict[str, Any]:
        if out.received < len(messages):
            out.received += 1
            return messages[out.received - 1]
        if not disconnect:
            await anyio.sleep_forever()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out.status = message["status"]
            out.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            out.body += message.get("body", b"")

    scope = http_scope(path, method, [(k.lower(), v) for k, v in headers])
    with anyio.fail_after(timeout):
        await app(scope, receive, send)
    return out
