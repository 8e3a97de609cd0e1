"""Running a pipe on an accepted WebSocket: feed it the client's messages, send what it yields.

One task reads the client (`websocket.receive`) and hands each message over when the pipe asks
for it: at most one message is held ahead of the pipe, the rest wait in the server (backpressure).
The connection's task pulls the pipe and awaits each `send` before pulling again, so nothing
outgoing is buffered here either.

How it ends:
- the pipe ends: close 1000; it yields `Close(code, reason)`: close with those;
- the pipe raises (or yields something that is not str, bytes or Close): close 1011, error logged;
- the client disconnects: `incoming` ends if the pipe is waiting on it, else the pipe is cancelled;
  nothing more is sent. In every case the pipe's generator is closed, so its `finally` runs.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from lette_fp.asgi.send import Receive, Send
from lette_fp.streams import tasks_in
from lette_fp.ws import Close, Message, Pipe

logger = logging.getLogger("lette_fp.error")

INTERNAL_ERROR = Close(1011)
NORMAL = Close(1000)


class Incoming:
    """The client's messages as the pipe's async iterator; ends when the client disconnects."""

    __slots__ = ("_receive", "_waiting")

    def __init__(self, receive: MemoryObjectReceiveStream[Message]) -> None:
        self._receive = receive
        self._waiting: set[int] = set()

    def __aiter__(self) -> Incoming:
        return self

    async def __anext__(self) -> Message:
        task = anyio.get_current_task().id
        self._waiting.add(task)
        try:
            return await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None
        finally:
            self._waiting.discard(task)

    def close(self) -> None:
        """Stop delivering messages (the connection is over)."""
        self._receive.close()

    def awaited_by(self, task: int) -> bool:
        """Return whether task `task` is waiting for the next message right now."""
        return task in self._waiting


class _Connection:
    __slots__ = ("receive", "send", "path", "disconnected", "error", "pipe_scope", "pipe_task", "incoming", "to_pipe")

    def __init__(self, receive: Receive, send: Send, path: str) -> None:
        self.receive = receive
        self.send = send
        self.path = path
        self.disconnected = False
        self.error: Exception | None = None
        self.pipe_scope = anyio.CancelScope()
        self.pipe_task = anyio.get_current_task().id
        self.to_pipe: MemoryObjectSendStream[Message]
        self.to_pipe, messages = anyio.create_memory_object_stream[Message](0)
        self.incoming = Incoming(messages)

    async def read_client(self) -> None:
        """Hand the client's messages to the pipe until it disconnects; then end `incoming`, and
        cancel the pipe unless it is waiting on `incoming` itself."""
        with self.to_pipe:
            try:
                while True:
                    message = await self.receive()
                    kind = message["type"]
                    if kind == "websocket.receive":
                        text = message.get("text")
                        data = text if text is not None else message.get("bytes")
                        if data is not None:
                            await self.to_pipe.send(data)
                    elif kind == "websocket.disconnect":
                        break
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                return
            except Exception:
                logger.debug("receive failed on WebSocket %s; treated as a disconnect", self.path, exc_info=True)
        self.disconnected = True
        if not self.incoming.awaited_by(self.pipe_task):
            self.pipe_scope.cancel()

    async def run(self, pipe: Pipe) -> Close | None:
        """Run `pipe` to its end; return how to close, or None when the client is gone."""
        outcome: Close | None = None
        with self.pipe_scope:
            outgoing: Any = None
            try:
                outgoing = _iterate(pipe(self.incoming))
                while True:
                    try:
                        frame = await outgoing.__anext__()
                    except StopAsyncIteration:
                        outcome = NORMAL
                        break
                    if self.disconnected:
                        break
                    message: dict[str, Any]
                    if isinstance(frame, str):
                        message = {"type": "websocket.send", "text": frame}
                    elif isinstance(frame, bytes | bytearray | memoryview):
                        message = {"type": "websocket.send", "bytes": bytes(frame)}
                    elif isinstance(frame, Close):
                        outcome = frame
                        break
                    else:
                        raise TypeError(f"a pipe yielded {type(frame).__name__}; yield str, bytes or Close")
                    if not await self._send(message):
                        break
            except Exception as exc:
                logger.error("WebSocket pipe failed on %s", self.path, exc_info=exc)
                self.error = exc
                outcome = INTERNAL_ERROR
            finally:
                await self._close_pipe(outgoing)
        return None if self.disconnected else outcome

    async def _send(self, message: dict[str, Any]) -> bool:
        try:
            await self.send(message)
        except Exception:
            logger.debug("send failed on WebSocket %s; treated as a disconnect", self.path, exc_info=True)
            self.disconnected = True
            return False
        return True

    async def _close_pipe(self, outgoing: Any) -> None:
        close = getattr(outgoing, "aclose", None)
        if close is None:
            return
        try:
            await close()
        except Exception as exc:
            logger.error("closing the WebSocket pipe on %s failed", self.path, exc_info=exc)


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
    the exception the pipe raised (already logged), if any."""
    connection = _Connection(receive, send, path)
    async with anyio.create_task_group() as group:
        group.start_soon(connection.read_client)
        with tasks_in(group):
            outcome = await connection.run(pipe)
        if outcome is not None:
            await connection._send({"type": "websocket.close", "code": outcome.code, "reason": outcome.reason})
        group.cancel_scope.cancel()
    connection.incoming.close()
    return connection.error
