"""Header views agree with a plain list-of-pairs oracle for arbitrary byte pairs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.http.headers import Headers

token = st.sampled_from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_!#$%&*+.^`|~")
names = st.lists(token, min_size=1, max_size=12).map(bytes).map(bytes.lower)
pairs = st.lists(st.tuples(names, st.binary(max_size=20)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(pairs, names)
def test_headers_view_agrees_with_oracle(raw: list[tuple[bytes, bytes]], probe: bytes) -> None:
    headers = Headers(tuple(raw))
    decoded = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]
    for name in [probe.decode("latin-1"), *(k for k, _ in decoded)]:
        expected = [v for k, v in decoded if k.lower() == name.lower()]
        assert headers.getall(name) == expected
        assert headers.getall(name.upper()) == expected
        assert headers.get(name) == (expected[0] if expected else None)
        assert (name in headers) == bool(expected)
    assert list(headers) == list(dict.fromkeys(k.lower() for k, _ in decoded))
