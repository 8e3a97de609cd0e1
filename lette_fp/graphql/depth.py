"""The depth limit: a graphql-core validation rule refusing operations nested deeper than a maximum.

Depth counts fields: `{ a }` is 1, `{ a { b } }` is 2. Fragments (spread or inline) add no level
of their own; their fields count where they are used. Paths through the introspection fields
`__schema` and `__type` may go as deep as the standard introspection query needs
(`INTROSPECTION_DEPTH`) even when the maximum is lower, so clients can still fetch the schema.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

INTROSPECTION_DEPTH = 15
"""The depth of graphql-core's `get_introspection_query()`; introspection paths may reach it."""

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})

Depths = tuple[int, int]
"""(deepest ordinary path, deepest path through introspection) of a selection set."""


def depth_limit_rule(max_depth: int) -> type[ValidationRule]:
    """Return a validation rule that reports every operation deeper than `max_depth`."""
    if max_depth < 1:
        raise ValueError(f"max_depth must be at least 1, got {max_depth}")
    introspection_limit = max(max_depth, INTROSPECTION_DEPTH)

    class DepthLimitRule(ValidationRule):
        """Reports operations nested deeper than the maximum depth."""

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragment_depths: dict[str, Depths] = {}

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            try:
                ordinary, introspection = self.selection_depth(node.selection_set, frozenset())
            except RecursionError:
                self.report_error(GraphQLError("The operation is too complex to measure its depth.", node))
                return
            name = f"'{node.name.value}' " if node.name else ""
            if ordinary > max_depth:
                message = f"Operation {name}has depth {ordinary}, over the maximum of {max_depth}."
                self.report_error(GraphQLError(message, node))
            elif introspection > introspection_limit:
                message = (
                    f"Operation {name}has introspection depth {introspection}, "
                    f"over the maximum of {introspection_limit}."
                )
                self.report_error(GraphQLError(message, node))

        def selection_depth(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> Depths:
            """Return the depths of `selection_set`; fragments in `seen` (a cycle) count 0."""
            if selection_set is None:
                return 0, 0
            ordinary = introspection = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    below, below_introspection = self.selection_depth(selection.selection_set, seen)
                    if selection.name.value in _INTROSPECTION_ROOTS:
                        depths = 0, 1 + max(below, below_introspection)
                    else:
                        depths = 1 + below, (1 + below_introspection if below_introspection else 0)
                elif isinstance(selection, InlineFragmentNode):
                    depths = self.selection_depth(selection.selection_set, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    depths = self.fragment_depth(selection.name.value, seen)
                else:
                    depths = 0, 0
                ordinary = max(ordinary, depths[0])
                introspection = max(introspection, depths[1])
            return ordinary, introspection

        def fragment_depth(self, name: str, seen: frozenset[str]) -> Depths:
            """Return the depths of fragment `name` (0 when unknown or part of a cycle)."""
            known = self.fragment_depths.get(name)
            if known is not None:
                return known
            fragment = self.context.get_fragment(name)
            if fragment is None or name in seen:
                return 0, 0
            depths = self.selection_depth(fragment.selection_set, seen | {name})
            self.fragment_depths[name] = depths
            return depths

    return DepthLimitRule
