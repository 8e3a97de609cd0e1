"""Cookies: any value survives the set/parse round trip; a header with many separators parses
as the plain split does, within the limit, and is a 400 past it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.http.cookies import parse_cookies, set_cookie_value
from lette_fp.http.errors import HTTPError


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_value_round_trips(value: str) -> None:
    header = set_cookie_value("k", value).split("; Path=")[0]
    assert parse_cookies(header) == {"k": value}


def _plain(header: str) -> dict[str, str]:
    return parse_cookies(header, max_cookies=10**9)


chunk = st.one_of(st.sampled_from(["", " ", "  ", "\t", "a=1", "b", "=c", ' d="x" ']), st.text(alphabet="ab= ;\t", max_size=5))


@settings(max_examples=300, deadline=None)
@given(st.lists(chunk, max_size=80), st.integers(min_value=1, max_value=12))
def test_many_separators_parse_like_the_plain_split_or_400(chunks: list[str], limit: int) -> None:
    header = ";".join(chunks)
    non_empty = sum(1 for c in header.split(";") if c.strip())
    if non_empty > limit:
        with pytest.raises(HTTPError):
            parse_cookies(header, max_cookies=limit)
    else:
        assert parse_cookies(header, max_cookies=limit) == _plain(header)
