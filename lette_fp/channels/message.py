"""What a subscription yields: `Message(channel, id, data)`, and `Gap` where messages may be missing.

Message ids have Redis Streams' form, `"<milliseconds>-<sequence>"`, on every backend, so an id
seen on one worker (an SSE client's `Last-Event-ID`) means the same on every other. `id_key`
turns an id into an int that orders ids the way Redis does.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

_encoder = msgspec.json.Encoder()
_ID = re.compile(r"(\d{1,20})-(\d{1,20})")

MAX_ID_LENGTH = 41
"""The longest well-formed id: two 20-digit numbers and a dash."""


class Message(msgspec.Struct, frozen=True):
    """One published message: the `channel` it was published to, its `id` (ordered within the
    channel) and its `data`, always bytes (a str was sent as UTF-8, other values as JSON)."""

    channel: str
    id: str
    data: bytes

    def text(self) -> str:
        """Return the data decoded as UTF-8."""
        return self.data.decode("utf-8")

    def json(self, type: type[T] = Any) -> T:  # type: ignore[assignment]
        """Return the data decoded as JSON, converted to `type` when one is given (msgspec)."""
        return msgspec.json.decode(self.data, type=type)


class Gap(msgspec.Struct, frozen=True):
    """Yielded in place of messages that this subscriber will never see on `channel`: after the
    message with id `after` (None: from the start of the subscription) some may be missing.

    It comes when the buffer overflowed with `overflow="drop_oldest"` (`dropped` says how many
    were dropped), after a reconnection to Redis when the channel keeps no history, and when a
    resume asks for messages older than the history still holds.
    """

    channel: str
    after: str | None
    dropped: int = 0


def encode_data(data: Any) -> bytes:
    """Return what is published for `data`: bytes as they are, str as UTF-8, anything else as
    JSON (msgspec: Structs, dataclasses, dicts, lists, ...)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    return _encoder.encode(data)


def parse_id(value: str | None) -> str | None:
    """Return `value` if it is a well-formed message id (`"<ms>-<seq>"`), else None; input from
    the network (a `Last-Event-ID` header) goes through here."""
    if value is None or len(value) > MAX_ID_LENGTH:
        return None
    found = _ID.fullmatch(value)
    if found is None:
        return None
    ms, seq = found.groups()
    if int(ms) >= 1 << 64 or int(seq) >= 1 << 64:
        return None
    return value


def id_key(message_id: str) -> int:
    """Return an int ordering ids as Redis orders stream ids (milliseconds, then sequence)."""
    ms, _, seq = message_id.partition("-")
    return (int(ms) << 64) | int(seq or 0)
