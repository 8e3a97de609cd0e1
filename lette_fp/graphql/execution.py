"""Running GraphQL operations with graphql-core: parse and validate once per distinct query,
build the resolver context, execute or subscribe, and format results for the client."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    assert_valid_schema,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from lette_fp.graphql.depth import depth_limit_rule
from lette_fp.http.errors import HTTPError
from lette_fp.http.request import Request

logger = logging.getLogger("lette_fp.graphql")

ContextFactory = Callable[[Request], Any]
"""`(Request) -> context` (sync or async): the value resolvers get as `info.context`."""

DEFAULT_MAX_TOKENS = 10_000
"""The most lexical tokens a query may have before parsing stops with a syntax error."""

CACHED_QUERY_LENGTH = 2_048
"""Queries up to this many characters keep their parsed, validated document in a small cache."""

CACHE_SIZE = 128
"""How many documents the cache keeps (a 2 KiB query's document takes about 200 KiB)."""

MASKED_MESSAGE = "Internal Server Error"
"""The message clients see for an unexpected exception in a resolver (unless the app has debug)."""


def default_context(req: Request) -> dict[str, Any]:
    """The resolver context when none is configured: `{"request": req}`."""
    return {"request": req}


@dataclass(frozen=True)
class Executor:
    """A schema and everything fixed about running operations on it, checked once at start-up.

    `rules` are graphql-core's specified rules plus the depth limit (and no introspection when
    `introspection` is False).
    """

    schema: GraphQLSchema
    context: ContextFactory = default_context
    root_value: Any = None
    max_depth: int = 15
    introspection: bool = True
    max_tokens: int = DEFAULT_MAX_TOKENS
    rules: tuple[type[ASTValidationRule], ...] = field(init=False)

    def __post_init__(self) -> None:
        assert_valid_schema(self.schema)
        rules: list[type[ASTValidationRule]] = [*specified_rules, depth_limit_rule(self.max_depth)]
        if not self.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        object.__setattr__(self, "rules", tuple(rules))
        object.__setattr__(self, "_cached", lru_cache(maxsize=CACHE_SIZE)(self._prepare))

    def prepare(self, query: str) -> DocumentNode | list[GraphQLError]:
        """Return the parsed and validated document of `query`, or the errors refusing it."""
        if len(query) <= CACHED_QUERY_LENGTH:
            return self._cached(query)  # type: ignore[attr-defined, no-any-return]
        return self._prepare(query)

    def _prepare(self, query: str) -> DocumentNode | list[GraphQLError]:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return [error]
        except RecursionError:
            return [GraphQLError("Syntax Error: the document is nested too deeply.")]
        errors = validate(self.schema, document, self.rules)
        return errors if errors else document

    async def context_for(self, req: Request) -> Any:
        """Return the resolver context for `req` (awaiting the factory when it is async)."""
        value = self.context(req)
        if inspect.isawaitable(value):
            value = await value
        return value


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | GraphQLError:
    """Return the operation to run, or the error saying why none can be chosen."""
    operation = get_operation_ast(document, operation_name)
    if operation is not None:
        return operation
    if operation_name:
        return GraphQLError(f"Unknown operation named '{operation_name}'.")
    return GraphQLError("Must provide operation name if query contains multiple operations.")


def is_request_error(result: ExecutionResult) -> bool:
    """Return whether execution never started (variables could not be coerced): no data, and no
    error has a path."""
    errors = result.errors or ()
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """Return `error` as the client sees it. A resolver's unexpected exception is logged and its
    message masked (unless `debug`); an HTTPError shows its detail; GraphQLErrors are kept."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return formatted
    if isinstance(original, HTTPError):
        formatted["message"] = str(original.detail)
        return formatted
    logger.error("Exception in a resolver at %s", error.path, exc_info=original)
    if not debug:
        formatted["message"] = MASKED_MESSAGE
    return formatted


def format_result(result: ExecutionResult, debug: bool = False) -> dict[str, Any]:
    """Return `result` as a GraphQL response map: `errors` first, `data` unless execution never
    started, `extensions` when present."""
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [format_error(e, debug) for e in result.errors]
    if not is_request_error(result):
        payload["data"] = result.data
    if result.extensions:
        payload["extensions"] = result.extensions
    return payload


def errors_payload(errors: Collection[GraphQLError]) -> dict[str, Any]:
    """Return a response map holding only `errors` (a request refused before execution)."""
    return {"errors": [format_error(e) for e in errors]}


def is_debug(req: Request) -> bool:
    """Return whether the request's app runs with `debug=True`."""
    return req.debug
