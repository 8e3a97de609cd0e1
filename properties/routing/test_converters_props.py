"""Every builtin converter parses back exactly what it prints."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.routing.converters import FLOAT, INT, MISS, PATH, STR, UUID, Converter

SETTINGS = settings(max_examples=200, deadline=None)

CASES: list[tuple[Converter, st.SearchStrategy[object]]] = [
    (STR, st.text(st.characters(exclude_characters="/"), min_size=1)),
    (INT, st.integers(min_value=0, max_value=10**200)),
    (FLOAT, st.floats(min_value=0, allow_nan=False, allow_infinity=False)),
    (UUID, st.uuids()),
    (PATH, st.text()),
]


@SETTINGS
@given(st.data())
def test_parse_inverts_to_string(data: st.DataObject) -> None:
    converter, values = data.draw(st.sampled_from(CASES))
    value = data.draw(values)
    text = converter.to_string(value)
    assert converter.compiled.fullmatch(text)
    assert converter.parse(text) == value


@SETTINGS
@given(st.text(max_size=30))
def test_parse_accepts_exactly_what_the_regex_matches(text: str) -> None:
    for converter in (STR, INT, FLOAT, UUID):
        if "/" in text:
            continue
        matches = converter.compiled.fullmatch(text) is not None
        parsed = converter.parse(text)
        if converter is INT and matches and len(text) > 4000:
            continue
        assert (parsed is not MISS) == matches, (converter.name, text)
