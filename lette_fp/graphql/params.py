"""GraphQL-over-HTTP request parameters: read from a GET query string or a POST body.

Every failure is a `RequestError` with a 4xx status and a short reason, raised before any
GraphQL work happens.
"""

from __future__ import annotations

from typing import Any

import msgspec

from lette_fp.http.request import Request


class RequestError(Exception):
    """A request that is not well-formed GraphQL-over-HTTP: `status` (4xx), `message`, `headers`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class GraphQLParams(msgspec.Struct, frozen=True, rename={"operation_name": "operationName"}):
    """The parameters of one GraphQL request (`operationName` on the wire)."""

    query: str | None = None
    operation_name: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None


_decoder = msgspec.json.Decoder(GraphQLParams)
_object_decoder = msgspec.json.Decoder(dict[str, Any] | None)


def params_from_query(req: Request) -> GraphQLParams:
    """Return the parameters of a GET request: `query`, `operationName`, and `variables` and
    `extensions` as JSON-encoded objects."""
    query = req.query
    return GraphQLParams(
        query=query.get("query"),
        operation_name=query.get("operationName") or None,
        variables=_json_object(query.get("variables"), "variables"),
        extensions=_json_object(query.get("extensions"), "extensions"),
    )


async def params_from_body(req: Request) -> GraphQLParams:
    """Return the parameters of a POST request: a JSON body (`application/json`), or the query
    itself (`application/graphql`, other parameters from the query string). Raises RequestError
    (415 for another media type, 400 for a malformed body); 413 past the app's body limit."""
    media_type = req.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/json":
        body = (await req.read()).bytes()
        try:
            return _decoder.decode(body)
        except msgspec.ValidationError as exc:
            raise RequestError(400, f"The body is not a GraphQL request: {exc}") from exc
        except (msgspec.DecodeError, RecursionError) as exc:
            raise RequestError(400, f"The body is not valid JSON: {exc}") from exc
    if media_type == "application/graphql":
        text = (await req.read()).text()
        return msgspec.structs.replace(params_from_query(req), query=text)
    raise RequestError(
        415,
        "A GraphQL POST needs Content-Type application/json (or application/graphql).",
        {"accept-post": "application/json, application/graphql"},
    )


def _json_object(value: str | None, name: str) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        decoded: dict[str, Any] | None = _object_decoder.decode(value)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        raise RequestError(400, f"`{name}` must be a JSON object: {exc}") from exc
    return decoded


def required_query(params: GraphQLParams) -> str:
    """Return the request's query; RequestError 400 when it is missing or empty."""
    if not params.query or not params.query.strip():
        raise RequestError(400, "The request has no GraphQL `query`.")
    return params.query
