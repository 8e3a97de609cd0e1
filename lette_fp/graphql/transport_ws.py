"""GraphQL over WebSocket with the `graphql-transport-ws` protocol, as a pipe.

`transport_ws_pipe(executor, req)` returns a function from the client's messages to the
server's. It acknowledges `connection_init` (or closes with 4408 when none comes in time, 4429
when a second one does), answers `ping` with `pong`, runs each `subscribe` (a subscription, a
query or a mutation) as its own task sending `next` messages then `complete`, stops an
operation on the client's `complete`, and closes with 4400 (invalid message), 4401
(`subscribe` before the acknowledgement) or 4409 (an id already in use) as the protocol says.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import anyio
import anyio.abc
import msgspec
from anyio.streams.memory import MemoryObjectSendStream
from graphql import ExecutionResult, GraphQLError, OperationType, execute, subscribe

from lette_fp.graphql.execution import (
    Executor,
    format_error,
    format_result,
    is_debug,
    select_operation,
)
from lette_fp.graphql.params import GraphQLParams
from lette_fp.http.request import Request
from lette_fp.http.response import Response
from lette_fp.ws import Close, accept, subprotocols

logger = logging.getLogger("lette_fp.graphql")

PROTOCOL = "graphql-transport-ws"
"""The WebSocket subprotocol this pipe speaks."""

DEFAULT_CONNECTION_INIT_TIMEOUT = 3.0
"""Seconds a client has to send `connection_init` before the connection closes with 4408."""

DEFAULT_MAX_OPERATIONS = 100
"""Operations one connection may run at once; more get an `error` message."""

OUTBOX_SIZE = 16
"""Messages waiting to be sent before running operations wait for the client to catch up."""

MAX_REASON_BYTES = 123

Outgoing = str | Close
Pipe = Callable[[AsyncIterator[str | bytes]], AsyncIterator[Outgoing]]


class ClientMessage(msgspec.Struct, frozen=True):
    """A message from the client: its `type`, and the `id` and `payload` some types carry."""

    type: str
    id: str | None = None
    payload: Any = None


_decode_message = msgspec.json.Decoder(ClientMessage).decode
_encode = msgspec.json.Encoder().encode


def _message(type: str, id: str | None = None, payload: Any = None) -> str:
    message: dict[str, Any] = {"type": type}
    if id is not None:
        message["id"] = id
    if payload is not None:
        message["payload"] = payload
    return _encode(message).decode()


def _close(code: int, reason: str) -> Close:
    """Return Close(code, reason) with the reason cut to fit a close frame."""
    if len(reason.encode()) > MAX_REASON_BYTES:
        reason = reason.encode()[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "…"
    return Close(code, reason)


def _bad_request(reason: str) -> Close:
    return _close(4400, f"Invalid message received: {reason}")


class _Stop(Exception):
    """Raised inside the reader to close the connection with `close`."""

    def __init__(self, close: Close) -> None:
        super().__init__(close.reason)
        self.close = close


class _Connection:
    """One connection's state: acknowledged or not, and the operations running on it."""

    def __init__(
        self,
        executor: Executor,
        req: Request,
        outbox: MemoryObjectSendStream[Outgoing],
        group: anyio.abc.TaskGroup,
        max_operations: int,
    ) -> None:
        self.executor = executor
        self.req = req
        self.outbox = outbox
        self.group = group
        self.max_operations = max_operations
        self.init_received = anyio.Event()
        self.acknowledged = False
        self.operations: dict[str, anyio.CancelScope] = {}
        self.debug = is_debug(req)

    async def emit(self, message: Outgoing) -> bool:
        """Queue `message` for the client; False once the connection is ending."""
        try:
            await self.outbox.send(message)
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            return False
        return True

    async def read(self, incoming: AsyncIterator[str | bytes]) -> None:
        """Handle the client's messages until it leaves or breaks the protocol, then end the
        outbox so the pipe finishes."""
        try:
            async for raw in incoming:
                await self.handle(raw)
        except _Stop as stop:
            await self.emit(stop.close)
        except Exception:
            logger.exception("graphql-transport-ws: reading the connection failed")
            await self.emit(Close(1011, "Internal server error"))
        finally:
            self.outbox.close()

    async def close_unless_initialised(self, timeout: float) -> None:
        """Close with 4408 if no `connection_init` arrives within `timeout` seconds."""
        with anyio.move_on_after(timeout):
            await self.init_received.wait()
            return
        await self.emit(Close(4408, "Connection initialisation timeout"))
        self.outbox.close()

    async def handle(self, raw: str | bytes) -> None:
        """Act on one message from the client."""
        if not isinstance(raw, str):
            raise _Stop(_bad_request("binary frames are not used"))
        try:
            message = _decode_message(raw)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
            raise _Stop(_bad_request(f"{exc}")) from None
        kind = message.type
        if kind == "connection_init":
            await self.connection_init(message)
        elif kind == "ping":
            await self.emit(_message("pong", payload=_object_payload(message)))
        elif kind == "pong":
            _object_payload(message)
        elif kind == "subscribe":
            await self.subscribe(message)
        elif kind == "complete":
            self.complete(_required_id(message))
        else:
            raise _Stop(_bad_request(f"unexpected type {kind!r}"))

    async def connection_init(self, message: ClientMessage) -> None:
        """Acknowledge the connection (once: a second `connection_init` closes with 4429)."""
        if self.init_received.is_set():
            raise _Stop(Close(4429, "Too many initialisation requests"))
        params = _object_payload(message) or {}
        self.init_received.set()
        self.req = self.req.with_attrs(connection_params=params)
        self.acknowledged = True
        await self.emit(_message("connection_ack"))

    async def subscribe(self, message: ClientMessage) -> None:
        """Start the operation in `message` as a task of its own (or answer with an `error` when
        the connection already runs as many operations as it may)."""
        if not self.acknowledged:
            raise _Stop(Close(4401, "Unauthorized"))
        id = _required_id(message)
        try:
            params = msgspec.convert(message.payload, GraphQLParams)
        except msgspec.ValidationError as exc:
            raise _Stop(_bad_request(f"{exc}")) from None
        if not params.query:
            raise _Stop(_bad_request("the payload has no query"))
        if id in self.operations:
            raise _Stop(_close(4409, f"Subscriber for {id} already exists"))
        if len(self.operations) >= self.max_operations:
            message_text = f"Too many operations on this connection (at most {self.max_operations})."
            await self.emit(_message("error", id, [{"message": message_text}]))
            return
        scope = anyio.CancelScope()
        self.operations[id] = scope
        self.group.start_soon(self.run, id, params, scope)

    def complete(self, id: str) -> None:
        """Stop operation `id` (the client is no longer interested); unknown ids are ignored."""
        scope = self.operations.pop(id, None)
        if scope is not None:
            scope.cancel()

    async def run(self, id: str, params: GraphQLParams, scope: anyio.CancelScope) -> None:
        """Run one operation: `next` for each result, then `complete` (or one `error`)."""
        with scope:
            try:
                if await self.execute(id, params, scope):
                    await self.emit(_message("complete", id))
            except Exception as exc:
                error = GraphQLError(str(exc), original_error=exc)
                await self.emit(_message("error", id, [format_error(error, self.debug)]))
            finally:
                if self.operations.get(id) is scope:
                    del self.operations[id]

    async def execute(self, id: str, params: GraphQLParams, scope: anyio.CancelScope) -> bool:
        """Send the operation's results as `next` messages; return whether to send `complete`."""
        executor = self.executor
        prepared = executor.prepare(params.query or "")
        if isinstance(prepared, list):
            await self.emit(_message("error", id, [format_error(e) for e in prepared]))
            return False
        operation = select_operation(prepared, params.operation_name)
        if isinstance(operation, GraphQLError):
            await self.emit(_message("error", id, [format_error(operation)]))
            return False
        context = await executor.context_for(self.req)
        arguments = {
            "root_value": executor.root_value,
            "context_value": context,
            "variable_values": params.variables,
            "operation_name": params.operation_name,
        }
        if operation.operation is not OperationType.SUBSCRIPTION:
            result: ExecutionResult = await _resolved(execute(executor.schema, prepared, **arguments))
            return await self.next(id, result, scope)
        stream: AsyncIterable[ExecutionResult] | ExecutionResult = await _resolved(
            subscribe(executor.schema, prepared, **arguments)
        )
        if isinstance(stream, ExecutionResult):
            return await self.next(id, stream, scope)
        return await self.forward(id, stream, scope)

    async def forward(self, id: str, stream: AsyncIterable[ExecutionResult], scope: anyio.CancelScope) -> bool:
        """Send each result of a subscription's stream; close the stream however this ends."""
        iterator = aiter(stream)
        try:
            async for result in iterator:
                if not await self.next(id, result, scope):
                    return False
            return True
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True), anyio.move_on_after(1):
                    closing = aclose()
                    if inspect.isawaitable(closing):
                        await closing

    async def next(self, id: str, result: ExecutionResult, scope: anyio.CancelScope) -> bool:
        """Send one result; False when the operation was completed or the connection is ending."""
        if scope.cancel_called:
            return False
        return await self.emit(_message("next", id, format_result(result, self.debug)))


async def _resolved(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _required_id(message: ClientMessage) -> str:
    if not message.id:
        raise _Stop(_bad_request(f"{message.type!r} needs an id"))
    return message.id


def _object_payload(message: ClientMessage) -> dict[str, Any] | None:
    payload = message.payload
    if payload is not None and not isinstance(payload, dict):
        raise _Stop(_bad_request(f"the {message.type!r} payload must be an object"))
    return payload


def transport_ws_pipe(
    executor: Executor,
    req: Request,
    connection_init_timeout: float = DEFAULT_CONNECTION_INIT_TIMEOUT,
    max_operations: int = DEFAULT_MAX_OPERATIONS,
) -> Pipe:
    """Return the pipe speaking `graphql-transport-ws` for the handshake request `req`.

    Resolvers' context is `executor.context_for(req)` per operation, where `req` carries the
    `connection_init` payload as `req.attrs["connection_params"]`.
    """

    async def pipe(incoming: AsyncIterator[str | bytes]) -> AsyncIterator[Outgoing]:
        send, receive = anyio.create_memory_object_stream[Outgoing](OUTBOX_SIZE)
        async with anyio.create_task_group() as group:
            connection = _Connection(executor, req, send, group, max_operations)
            group.start_soon(connection.read, incoming)
            group.start_soon(connection.close_unless_initialised, connection_init_timeout)
            try:
                async with receive:
                    async for message in receive:
                        try:
                            yield message
                        except GeneratorExit:
                            return  # closed by the consumer: end the group without an error
                        if isinstance(message, Close):
                            return
            finally:
                group.cancel_scope.cancel()

    return pipe


async def _refuse_subprotocol(incoming: AsyncIterator[str | bytes]) -> AsyncIterator[Outgoing]:
    yield Close(4406, "Subprotocol not acceptable")


def websocket_endpoint(
    executor: Executor,
    connection_init_timeout: float = DEFAULT_CONNECTION_INIT_TIMEOUT,
    max_operations: int = DEFAULT_MAX_OPERATIONS,
) -> Callable[[Request], Response]:
    """Return the WebSocket handler for `executor`: it accepts with `graphql-transport-ws` and
    runs `transport_ws_pipe`; a client that doesn't offer that subprotocol is closed with 4406."""

    def endpoint(req: Request) -> Response:
        if PROTOCOL not in subprotocols(req):
            return accept(_refuse_subprotocol)
        pipe = transport_ws_pipe(executor, req, connection_init_timeout, max_operations)
        return accept(pipe, subprotocol=PROTOCOL)

    return endpoint
