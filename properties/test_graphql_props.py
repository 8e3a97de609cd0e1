"""GraphQL: any generated query nested deeper than `max_depth` is refused before execution; any
query within it is executed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from lette_fp import App, Request
from lette_fp.graphql import graphql
from lette_fp.testing import TestClient
from tests.graphql.schema import schema

CALLS: list[int] = []


def counting_context(req: Request) -> dict[str, Any]:
    CALLS.append(1)
    return {"request": req}


CLIENTS = {
    depth: TestClient(App(routes=[graphql(schema, max_depth=depth, context=counting_context)]))
    for depth in range(1, 9)
}


@dataclass(frozen=True)
class Group:
    """A selection that holds selections: a `child` field, an inline fragment or a named fragment."""

    kind: str
    children: tuple[Selection, ...]


Selection = Group | None
"""None is the leaf field `value`."""

selections = st.recursive(
    st.none(),
    lambda inner: st.builds(
        Group, st.sampled_from(["child", "inline", "fragment"]), st.lists(inner, min_size=1, max_size=3).map(tuple)
    ),
    max_leaves=12,
)


def depth(selection: Selection) -> int:
    if selection is None:
        return 1
    below = max(depth(child) for child in selection.children)
    return below + 1 if selection.kind == "child" else below


class Writer:
    """Renders selections as GraphQL, with unique aliases and a definition per named fragment."""

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.count = 0

    def fresh(self) -> int:
        self.count += 1
        return self.count

    def write(self, selections: tuple[Selection, ...], level: int) -> tuple[str, dict[str, Any]]:
        """Return the GraphQL of `selections` on a Node at `level` (its `value`), and the data
        the server must answer with."""
        parts: list[str] = []
        data: dict[str, Any] = {}
        for selection in selections:
            n = self.fresh()
            if selection is None:
                parts.append(f"v{n}: value")
                data[f"v{n}"] = level
                continue
            inner = level + 1 if selection.kind == "child" else level
            body, below = self.write(selection.children, inner)
            if selection.kind == "child":
                parts.append(f"c{n}: child {{ {body} }}")
                data[f"c{n}"] = below
            elif selection.kind == "inline":
                parts.append(f"... on Node {{ {body} }}")
                data.update(below)
            else:
                self.fragments.append(f"fragment F{n} on Node {{ {body} }}")
                parts.append(f"...F{n}")
                data.update(below)
        return " ".join(parts), data


@settings(max_examples=150, deadline=None)
@given(st.lists(selections, min_size=1, max_size=3), st.integers(min_value=1, max_value=8))
def test_queries_beyond_max_depth_are_refused_and_within_it_executed(
    roots: list[Selection], max_depth: int
) -> None:
    writer = Writer()
    body, data = writer.write(tuple(roots), 1)
    query = " ".join([f"query {{ node {{ {body} }} }}", *writer.fragments])
    expected = 1 + max(depth(selection) for selection in roots)
    CALLS.clear()
    resp = CLIENTS[max_depth].post("/graphql", json={"query": query})
    result = resp.json()
    event("refused" if expected > max_depth else "executed")
    if expected > max_depth:
        assert "data" not in result
        assert result["errors"] == [
            {
                "message": f"Operation has depth {expected}, over the maximum of {max_depth}.",
                "locations": [{"line": 1, "column": 1}],
            }
        ]
        assert CALLS == []
    else:
        assert result == {"data": {"node": data}}
        assert CALLS == [1]
