"""Parsed patterns: segments keep their text, and keys ignore param names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp.routing.patterns import normalize_host, parse_host, parse_path

SETTINGS = settings(max_examples=200, deadline=None)

literal = st.text(st.characters(exclude_characters="/{}"), max_size=4)
converter = st.sampled_from(["str", "int", "float", "uuid"])


@st.composite
def pattern(draw: st.DrawFn, prefix: str = "p") -> str:
    segments = []
    count = 0
    for _ in range(draw(st.integers(1, 4))):
        pieces = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                pieces.append(draw(literal))
            else:
                pieces.append(f"{{{prefix}{count}:{draw(converter)}}}")
                count += 1
        segments.append("".join(pieces))
    return "/" + "/".join(segments)


@SETTINGS
@given(pattern())
def test_segments_print_back_to_the_source(source: str) -> None:
    parsed = parse_path(source)
    assert "/" + "/".join(s.text for s in parsed.segments) == source
    assert [p.name for p in parsed.params] == [f"p{i}" for i in range(len(parsed.params))]


@SETTINGS
@given(pattern())
def test_keys_do_not_depend_on_param_names(source: str) -> None:
    renamed = source.replace("{p", "{renamed_")
    assert parse_path(source).key == parse_path(renamed).key
    assert parse_path(source).is_static == (not parse_path(source).params)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True), min_size=1, max_size=3, unique=True),
    st.one_of(st.none(), st.integers(min_value=1, max_value=65535)),
)
def test_a_built_host_matches_back_to_its_params(labels: list[str], port: int | None) -> None:
    names = [f"p{i}" for i in range(len(labels))]
    source = ".".join("{" + n + "}" for n in names) + ".example.org" + (f":{port}" if port else "")
    pattern = parse_host(source)
    params = dict(zip(names, labels, strict=True))
    built = pattern.build(params)
    assert built is not None
    assert built.endswith(f":{port}") if port else ":" not in built
    assert pattern.match(normalize_host(built)) == params
