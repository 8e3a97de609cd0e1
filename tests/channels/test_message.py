"""What is published and what arrives: encoding of data, and ids from the network."""

from __future__ import annotations

import msgspec
import pytest

from lette_fp.channels.message import Message, encode_data, parse_id


class Note(msgspec.Struct):
    text: str


@pytest.mark.parametrize(
    ("data", "wire"),
    [(b"\x00raw", b"\x00raw"), ("héllo", "héllo".encode()), (bytearray(b"ab"), b"ab"), (Note("x"), b'{"text":"x"}'), ([1, 2], b"[1,2]")],
)
def test_data_is_sent_as_bytes_utf8_or_json(data: object, wire: bytes) -> None:
    assert encode_data(data) == wire


def test_a_message_decodes_its_data() -> None:
    message = Message("c", "1-0", b'{"text":"x"}')
    assert message.text() == '{"text":"x"}' and message.json(Note) == Note("x") and message.json() == {"text": "x"}


@pytest.mark.parametrize("bad", ["", "1", "1-", "-1", "a-b", "1-2-3", " 1-2", "1-2\n", "1" * 21 + "-0", f"{2**64}-0", None])
def test_malformed_ids_are_refused(bad: str | None) -> None:
    assert parse_id(bad) is None


def test_well_formed_ids_are_kept() -> None:
    assert parse_id("1700000000000-5") == "1700000000000-5"
    assert parse_id(f"{2**64 - 1}-{2**64 - 1}") is not None
