"""The depth limit rule on its own: how depth is counted through fields, fragments and cycles."""

import pytest
from graphql import get_introspection_query, parse, validate

from lette_fp.graphql import depth_limit_rule
from tests.graphql.schema import schema


def errors(query: str, max_depth: int) -> list[str]:
    return [e.message for e in validate(schema, parse(query), [depth_limit_rule(max_depth)])]


@pytest.mark.parametrize(
    ("query", "depth"),
    [
        ("{ hello }", 1),
        ("{ hello __typename }", 1),
        ("{ node { value } }", 2),
        ("{ node { child { value } } hello }", 3),
        ("{ ... on Query { node { ... on Node { child { value } } } } }", 3),
        ("{ node { ...F } } fragment F on Node { child { ...G } } fragment G on Node { value }", 3),
        ("{ a: node { value } b: node { child { child { value } } } }", 4),
    ],
)
def test_depth_counts_fields_not_fragments(query: str, depth: int) -> None:
    assert errors(query, depth) == []
    assert errors(query, depth - 1 or 1) == ([] if depth == 1 else [f"Operation has depth {depth}, over the maximum of {depth - 1}."])


def test_each_operation_is_measured_and_named() -> None:
    query = "query Shallow { hello } query Deep { node { child { value } } }"
    assert errors(query, 2) == ["Operation 'Deep' has depth 3, over the maximum of 2."]


def test_a_fragment_used_many_times_is_measured_once() -> None:
    fragments = " ".join(
        f"fragment F{i} on Node {{ a: child {{ ...F{i + 1} }} b: child {{ ...F{i + 1} }} }}" for i in range(40)
    )
    query = "{ node { ...F0 } } " + fragments + " fragment F40 on Node { value }"
    assert errors(query, 100) == []
    assert errors(query, 41) == ["Operation has depth 42, over the maximum of 41."]


def test_fragment_cycles_do_not_loop() -> None:
    query = "{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }"
    assert errors(query, 10) == []


def test_introspection_may_reach_the_standard_query_depth_but_no_further() -> None:
    assert errors(get_introspection_query(), 2) == []
    deep = "{ __schema { types { " + "fields { type { " * 7 + "name" + " } }" * 7 + " } } }"
    assert errors(deep, 2) == ["Operation has introspection depth 17, over the maximum of 15."]
    assert errors(deep, 17) == []


def test_max_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        depth_limit_rule(0)
