"""Running a pipe on an accepted WebSocket: feed it the client's messages, send what it yields.

The client is read through `Incoming` (lette_fp/asgi/ws_inbox.py). The connection's task pulls
the pipe and awaits each `send` before pulling again, so nothing outgoing is buffered here.

How it ends:
- the pipe ends: close 1000; it yields `Close(code, reason)`: close with those;
- the pipe raises (or yields something that is not str, bytes or Close): close 1011, and the edge raises the error on for the server to log;
- the client disconnects: `incoming` ends if the pipe is waiting on it, else the pipe is cancelled;
  nothing more is sent. In every case the pipe's generator is closed, so its `finally` runs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import anyio
import anyio.abc

from lette_fp.asgi.disconnect_watch import running_asyncio_task
from lette_fp.asgi.types import Receive, Send
from lette_fp.asgi.ws_inbox import Inbox, Incoming
from lette_fp.streams import tasks_in
from lette_fp.ws import Close, Pipe

logger = logging.getLogger("lette_fp.error")

INTERNAL_ERROR = Close(1011)
NORMAL = Close(1000)


class _Connection:
    __slots__ = ("send", "path", "disconnected", "error", "pipe_scope", "pipe_task", "inbox")

    def __init__(self, receive: Receive, send: Send, path: str) -> None:
        self.send = send
        self.path = path
        self.disconnected = False
        self.error: Exception | None = None
        self.pipe_scope = anyio.CancelScope()
        self.inbox = Inbox(receive, path, self._client_left)
        self.pipe_task = self.inbox.current_task()

    def _client_left(self) -> None:
        self.disconnected = True
        if not self.inbox.reading(self.pipe_task):
            self.pipe_scope.cancel()

    async def run(self, pipe: Pipe) -> Close | None:
        """Run `pipe` to its end; return how to close, or None when the client is gone."""
        outcome: Close | None = None
        with self.pipe_scope:
            outgoing: Any = None
            try:
                outgoing = _iterate(pipe(Incoming(self.inbox)))
                pull = outgoing.__anext__
                send = self.send
                while True:
                    try:
                        frame = await pull()
                    except StopAsyncIteration:
                        outcome = NORMAL
                        break
                    if self.disconnected:
                        break
                    if frame.__class__ is str:
                        message: Any = {"type": "websocket.send", "text": frame}
                    else:
                        message = _outgoing_message(frame)
                        if message.__class__ is Close:
                            outcome = message
                            break
                    try:
                        await send(message)
                    except Exception:
                        self._send_failed()
                        break
            except Exception as exc:
                self.error = exc
                outcome = INTERNAL_ERROR
            finally:
                await self._close_pipe(outgoing)
        return None if self.disconnected else outcome

    async def send_or_leave(self, message: dict[str, Any]) -> bool:
        """Send `message`; a send the server refuses counts as the client leaving (returns False)."""
        try:
            await self.send(message)
        except Exception:
            self._send_failed()
            return False
        return True

    def _send_failed(self) -> None:
        logger.debug("send failed on WebSocket %s; treated as a disconnect", self.path, exc_info=True)
        self.disconnected = True

    async def _close_pipe(self, outgoing: Any) -> None:
        close = getattr(outgoing, "aclose", None)
        if close is None:
            return
        try:
            await close()
        except Exception as exc:
            logger.error("closing the WebSocket pipe on %s failed", self.path, exc_info=exc)


def _outgoing_message(frame: Any) -> dict[str, Any] | Close:
    """The `websocket.send` message for a frame a pipe yielded, or the Close it yielded."""
    if isinstance(frame, str):
        return {"type": "websocket.send", "text": str(frame)}
    if isinstance(frame, bytes | bytearray | memoryview):
        return {"type": "websocket.send", "bytes": bytes(frame)}
    if isinstance(frame, Close):
        return frame
    raise TypeError(f"a pipe yielded {type(frame).__name__}; yield str, bytes or Close")


def _iterate(outgoing: Any) -> Any:
    if hasattr(outgoing, "__anext__"):
        return outgoing
    if hasattr(outgoing, "__aiter__"):
        return outgoing.__aiter__()
    if hasattr(outgoing, "close"):
        outgoing.close()
    raise TypeError(f"a pipe returned {type(outgoing).__name__}, not an async iterator")


async def run_pipe(pipe: Pipe, receive: Receive, send: Send, path: str) -> Exception | None:
    """Run `pipe` on an accepted connection (see the module docstring), then close the socket
    unless the client already left. Returns, once the pipe and every task it started are done,
    the exception the pipe raised, if any."""
    connection = _Connection(receive, send, path)
    async with anyio.create_task_group() as group:
        watcher = _start_watching(connection.inbox, group)
        try:
            with tasks_in(group) as merges:
                outcome = await connection.run(pipe)
            if outcome is not None:
                await connection.send_or_leave({"type": "websocket.close", "code": outcome.code, "reason": outcome.reason})
        finally:
            if watcher is not None:
                watcher.cancel()
        if watcher is None or merges.used:
            group.cancel_scope.cancel()
    return connection.error


def _start_watching(inbox: Inbox, group: anyio.abc.TaskGroup) -> asyncio.Task[None] | None:
    """Start the inbox's watcher: on asyncio a bare task, returned (cancelling it is all it takes
    to stop it, where cancelling the group would cost a few times the connection's setup), else
    in `group` (None)."""
    task = running_asyncio_task()
    if task is None:
        group.start_soon(inbox.watch)
        return None
    return task.get_loop().create_task(inbox.watch())
