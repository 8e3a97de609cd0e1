"""A scripted WebSocket client playing the server's side of ASGI, for exact tests of the adapter.

It delivers `messages` one `receive()` at a time, then disconnects (or, with `hold_open`, waits
until `leave_after_frames` frames arrived). Like uvicorn, a `send` after the client left raises.
Everything the app sends is kept in `sent`; `frames` are the messages among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio


class FakeClient:
    def __init__(
        self,
        messages: Sequence[str | bytes] = (),
        *,
        hold_open: bool = False,
        leave_after_frames: int | None = None,
        extensions: bool = True,
        subprotocols: Sequence[str] = (),
        headers: Sequence[tuple[bytes, bytes]] = (),
    ) -> None:
        self.messages = list(messages)
        self.hold_open = hold_open
        self.leave_after_frames = leave_after_frames
        self.extensions = extensions
        self.subprotocols = list(subprotocols)
        self.headers = list(headers)
        self.sent: list[dict[str, Any]] = []
        self.delivered = 0
        self.frame_count = 0
        self.receive_calls = 0
        self.gone = False
        self._left = anyio.Event()
        self._connected = False

    def scope(self, path: str = "/ws") -> dict[str, Any]:
        headers = [(b"host", b"testserver"), *self.headers]
        if self.subprotocols:
            headers.append((b"sec-websocket-protocol", ", ".join(self.subprotocols).encode()))
        return {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
            "subprotocols": self.subprotocols,
            "extensions": {"websocket.http.response": {}} if self.extensions else {},
        }

    def leave(self) -> None:
        self.gone = True
        self._left.set()

    async def receive(self) -> dict[str, Any]:
        self.receive_calls += 1
        if not self._connected:
            self._connected = True
            return {"type": "websocket.connect"}
        await anyio.sleep(0)
        if not self.gone and self.delivered < len(self.messages):
            message = self.messages[self.delivered]
            self.delivered += 1
            key = "text" if isinstance(message, str) else "bytes"
            return {"type": "websocket.receive", key: message}
        if self.hold_open and not self.gone:
            await self._left.wait()
        self.leave()
        return {"type": "websocket.disconnect", "code": 1001}

    async def send(self, message: dict[str, Any]) -> None:
        if self.gone:
            raise OSError("the client disconnected")
        self.sent.append(message)
        if message["type"] == "websocket.send":
            self.frame_count += 1
            if self.leave_after_frames is not None and self.frame_count >= self.leave_after_frames:
                self.leave()

    @property
    def frames(self) -> list[str | bytes]:
        return [m.get("text") if m.get("text") is not None else m["bytes"] for m in self.sent if m["type"] == "websocket.send"]

    @property
    def close(self) -> tuple[int, str] | None:
        closes = [m for m in self.sent if m["type"] == "websocket.close"]
        return (closes[0]["code"], closes[0].get("reason", "")) if closes else None

    @property
    def accepted(self) -> dict[str, Any] | None:
        return next((m for m in self.sent if m["type"] == "websocket.accept"), None)

    async def run(self, app: Any, path: str = "/ws", timeout: float = 5) -> None:
        with anyio.fail_after(timeout):
            await app(self.scope(path), self.receive, self.send)
