"""The GraphQL-over-HTTP endpoint: GET and POST requests in, GraphQL responses out.

Status codes follow the GraphQL-over-HTTP spec: a request that is not well-formed (bad JSON, no
query, unsupported media type) is a 4xx; a GraphQL request refused before execution (syntax,
validation, depth, unknown operation, bad variables) is 400 with
`application/graphql-response+json` and 200 with `application/json`; an executed one is 200.
"""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
from graphql import GraphQLError, OperationType, execute

from lette_fp.graphql.accept import GRAPHQL_RESPONSE, JSON, response_media_type, wants_html
from lette_fp.graphql.execution import (
    Executor,
    errors_payload,
    format_result,
    is_debug,
    select_operation,
)
from lette_fp.graphql.graphiql import GRAPHIQL_PAGE
from lette_fp.graphql.params import (
    GraphQLParams,
    RequestError,
    params_from_body,
    params_from_query,
    required_query,
)
from lette_fp.http.request import Request
from lette_fp.http.response import Response, html
from lette_fp.pipeline import Handler

_encoder = msgspec.json.Encoder()
_CONTENT_TYPES = {
    JSON: (b"content-type", b"application/json"),
    GRAPHQL_RESPONSE: (b"content-type", b"application/graphql-response+json; charset=utf-8"),
}


def graphql_response(payload: dict[str, Any], media_type: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return a GraphQL response map encoded as JSON with `media_type`."""
    extra = tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items())
    return Response(status, (_CONTENT_TYPES[media_type], *extra), _encoder.encode(payload))


def _refused(errors: list[GraphQLError], media_type: str) -> Response:
    status = 400 if media_type == GRAPHQL_RESPONSE else 200
    return graphql_response(errors_payload(errors), media_type, status)


def http_endpoint(executor: Executor, graphiql: bool = True) -> Handler:
    """Return the handler answering GraphQL over HTTP for `executor` (GraphiQL for browsers
    when `graphiql`)."""

    async def endpoint(req: Request) -> Response:
        accept = req.headers.get("accept")
        media_type = response_media_type(accept)
        try:
            if req.method == "POST":
                params = await params_from_body(req)
            elif graphiql and wants_html(accept):
                return html(GRAPHIQL_PAGE)
            else:
                params = params_from_query(req)
            return await _run(executor, req, params, media_type)
        except RequestError as exc:
            payload = {"errors": [{"message": exc.message}]}
            return graphql_response(payload, media_type, exc.status, exc.headers)

    return endpoint


async def _run(executor: Executor, req: Request, params: GraphQLParams, media_type: str) -> Response:
    prepared = executor.prepare(required_query(params))
    if isinstance(prepared, list):
        return _refused(prepared, media_type)
    operation = select_operation(prepared, params.operation_name)
    if isinstance(operation, GraphQLError):
        return _refused([operation], media_type)
    kind = operation.operation
    if kind is OperationType.SUBSCRIPTION:
        message = "Subscriptions are served over WebSocket (graphql-transport-ws) at this path."
        return _refused([GraphQLError(message, operation)], media_type)
    if kind is OperationType.MUTATION and req.method != "POST":
        raise RequestError(405, "Mutations need a POST request.", {"allow": "POST"})
    result = execute(
        executor.schema,
        prepared,
        root_value=executor.root_value,
        context_value=await executor.context_for(req),
        variable_values=params.variables,
        operation_name=params.operation_name,
    )
    if inspect.isawaitable(result):
        result = await result
    payload = format_result(result, is_debug(req))
    status = 200 if media_type == JSON or "data" in payload else 400
    return graphql_response(payload, media_type, status)
