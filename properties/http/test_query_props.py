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


percent_heavy = st.lists(
    st.one_of(st.sampled_from([b"%", b"%4", b"%41", b"%e9", b"%zz", b"=", b"+", b"&", b"\r", b"\n", b"%%"]), st.binary(max_size=4)),
    max_size=60,
).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(percent_heavy)
def test_percent_decode_matches_the_stdlib_reference(raw: bytes) -> None:
    from urllib.parse import unquote_to_bytes

    from lette_fp.http.url import percent_decode

    assert percent_decode(raw) == unquote_to_bytes(raw)


@settings(max_examples=300, deadline=None)
@given(percent_heavy)
def test_parsing_matches_a_plain_split_and_unquote(raw: bytes) -> None:
    from urllib.parse import unquote_to_bytes

    expected = []
    for chunk in raw.split(b"&"):
        if chunk:
            key, _, value = chunk.partition(b"=")
            expected.append(tuple(unquote_to_bytes(p.replace(b"+", b" ")).decode("utf-8", "replace") for p in (key, value)))
    assert QueryParams.parse(raw).multi_items() == expected
