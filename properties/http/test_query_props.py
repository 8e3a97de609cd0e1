"""Query views agree with an oracle: repeated keys kept in order, percent-encoding round-trips."""

from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.http.url import QueryParams

text = st.text(max_size=15)
items = st.lists(st.tuples(text, text), max_size=15)


@settings(max_examples=300, deadline=None)
@given(items)
def test_encoded_pairs_round_trip(pairs: list[tuple[str, str]]) -> None:
    encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    query = QueryParams.parse(encoded.encode())
    kept = pairs
    assert query.multi_items() == kept
    for key, _ in kept:
        assert query.getall(key) == [v for k, v in kept if k == key]
        assert query[key] == next(v for k, v in kept if k == key)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    query = QueryParams.parse(raw)
    for key in query:
        assert query.getall(key)
