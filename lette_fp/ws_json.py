"""`ws_json(pipe)`: a pipe that speaks JSON. Incoming messages are decoded (msgspec) before the
pipe sees them and what it yields is encoded as JSON text; a message that is not valid JSON (or,
with `type`, not of that shape) closes the connection with 1003 and the decoder's reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec

from lette_fp.ws import MAX_REASON_BYTES, Close, Incoming, Pipe

UNSUPPORTED_DATA = 1003


class InvalidMessage(Exception):
    """A client message `ws_json` could not decode; it ends the connection with close 1003."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _close_reason(text: str) -> str:
    data = text.encode()[:MAX_REASON_BYTES]
    return data.decode(errors="ignore")


def ws_json(pipe: Pipe, type: Any = Any) -> Pipe:
    """Return a pipe that decodes each incoming message (text or binary) as JSON, into `type`
    when given, feeds the values to `pipe`, and sends what `pipe` yields encoded as JSON text
    (a yielded `Close` is passed through). Undecodable input: close 1003 with the reason."""
    decoder = msgspec.json.Decoder(type)
    encoder = msgspec.json.Encoder()

    async def decoded(incoming: Incoming) -> AsyncIterator[Any]:
        async for message in incoming:
            try:
                yield decoder.decode(message)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                raise InvalidMessage(_close_reason(f"Invalid JSON: {exc}")) from exc
            except RecursionError:
                raise InvalidMessage("Invalid JSON: nested too deeply") from None

    async def json_pipe(incoming: Incoming) -> AsyncIterator[str | Close]:
        outgoing = aiter(pipe(decoded(incoming)))
        try:
            async for value in outgoing:
                if isinstance(value, Close):
                    yield value
                    return
                yield encoder.encode(value).decode()
        except InvalidMessage as exc:
            yield Close(UNSUPPORTED_DATA, exc.reason)
        finally:
            close = getattr(outgoing, "aclose", None)
            if close is not None:
                await close()

    return json_pipe
