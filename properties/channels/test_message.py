"""Ids from the network (`Last-Event-ID`): any text is either a well-formed id, kept as it is,
or None; never an exception, and ordering by `id_key` is Redis Streams' order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lette_fp.channels.message import MAX_ID_LENGTH, id_key, parse_id

ids = st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))


@given(st.text(max_size=100))
def test_any_text_is_an_id_or_none(text: str) -> None:
    parsed = parse_id(text)
    assert parsed is None or (parsed == text and len(text) <= MAX_ID_LENGTH)


@given(ids, ids)
def test_id_key_orders_by_milliseconds_then_sequence(a: tuple[int, int], b: tuple[int, int]) -> None:
    first, second = f"{a[0]}-{a[1]}", f"{b[0]}-{b[1]}"
    assert parse_id(first) == first
    assert (id_key(first) < id_key(second)) == (a < b)
