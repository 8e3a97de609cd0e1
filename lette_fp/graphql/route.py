"""`graphql(schema, ...)`: the route value serving a GraphQL schema at one path."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema

from lette_fp.graphql.endpoint import http_endpoint
from lette_fp.graphql.execution import DEFAULT_MAX_TOKENS, ContextFactory, Executor, default_context
from lette_fp.graphql.transport_ws import (
    DEFAULT_CONNECTION_INIT_TIMEOUT,
    DEFAULT_MAX_OPERATIONS,
    websocket_endpoint,
)
from lette_fp.routing import Mount, mount, route, websocket


def graphql(
    schema: GraphQLSchema,
    path: str = "/graphql",
    graphiql: bool = True,
    context: ContextFactory | None = None,
    max_depth: int = 15,
    introspection: bool = True,
    *,
    root_value: Any = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    name: str | None = None,
    connection_init_timeout: float = DEFAULT_CONNECTION_INIT_TIMEOUT,
    max_operations: int = DEFAULT_MAX_OPERATIONS,
) -> Mount:
    """Return a route value serving `schema` at `path`, for `App(routes=[...])`.

    GET and POST speak GraphQL over HTTP; a browser gets GraphiQL when `graphiql`; a WebSocket
    at the same path speaks `graphql-transport-ws` (subscriptions, and queries and mutations too):
    a client has `connection_init_timeout` seconds to initialise and may run `max_operations`
    operations at once.
    `context(req)` (sync or async) builds the resolver context (default `{"request": req}`).
    Operations deeper than `max_depth` or longer than `max_tokens` tokens are refused before
    execution; `introspection=False` refuses `__schema` and `__type`. The schema is validated
    now: an invalid one raises here.
    """
    executor = Executor(
        schema,
        context=context or default_context,
        root_value=root_value,
        max_depth=max_depth,
        introspection=introspection,
        max_tokens=max_tokens,
    )
    return mount(
        "",
        [
            route(path, http_endpoint(executor, graphiql), ("GET", "POST"), name=name),
            websocket(path, websocket_endpoint(executor, connection_init_timeout, max_operations)),
        ],
    )
