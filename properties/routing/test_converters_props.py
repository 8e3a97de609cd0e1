"""Every builtin converter parses back exactly what it prints; a converter's inline form (what
the compiled router writes in place) agrees with its `parse`."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.routing.converters import _REGISTRY, FLOAT, INT, MISS, PATH, STR, UUID, Converter

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


INLINED = [c for c in _REGISTRY.values() if c.inline is not None]

segments = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789", max_size=30),
    st.text(alphabet="0123456789", min_size=4290, max_size=4310),
    st.sampled_from(["", "0", "007", "-1", "+1", " 1", "1 ", "١٢٣", "²", "1_000", "12a"]),
)


def run_inline(converter: Converter, text: str) -> object:
    assert converter.inline is not None
    test, value = converter.inline.render("s")
    return eval(f"({value}) if ({test}) else MISS", {"MISS": MISS}, {"s": text})


def test_the_builtin_str_and_int_converters_are_inlined() -> None:
    assert {c.name for c in INLINED} >= {"str", "int"}


@given(converter=st.sampled_from(INLINED), text=segments)
def test_inline_form_and_parse_agree(converter: Converter, text: str) -> None:
    expected = converter.parse(text)
    got = run_inline(converter, text)
    assert got == expected and type(got) is type(expected)
