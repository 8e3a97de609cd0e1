"""`schema(app, ...)`: the OpenAPI 3.1.0 document of an App, made purely from its route data and
its handlers' annotations (read once, from the same slots `adapt` compiles)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from lette_fp.params.declared import Declared, declared
from lette_fp.params.sources import MISSING, Field
from lette_fp.routing.converters import Converter
from lette_fp.routing.routes import RouteLike

from .bodies import can_fail as body_can_fail
from .bodies import request_body
from .docstrings import summary_and_description
from .errors import HTTPErrorDetail, OpenAPIError
from .operations import Operation, operations
from .parameters import converter_settles, parameters
from .responses import responses
from .security import collect, declared_schemes, requirement
from .typeset import TypeSet

OPENAPI_VERSION = "3.1.0"
_NOT_WORD = re.compile(r"\W+")


class RouteSource(Protocol):
    """What `schema` reads of an App: its route data and the options every route starts from."""

    @property
    def routes(self) -> Sequence[RouteLike]: ...

    @property
    def route_options(self) -> Mapping[str, Any]: ...


def schema(
    app: RouteSource,
    *,
    title: str,
    version: str,
    description: str | None = None,
    servers: Sequence[Mapping[str, Any]] = (),
    tags: Sequence[Mapping[str, Any]] = (),
    security_schemes: Mapping[str, Mapping[str, Any]] | None = None,
    security: Sequence[Mapping[str, Sequence[str]]] | None = None,
) -> dict[str, Any]:
    """Return the OpenAPI 3.1.0 document of `app` as a dict (JSON-ready): every HTTP route whose
    options do not say `include_in_schema=False`, with its parameters, request body, responses,
    operationId (the route's name), summary and description (its docstring), `tags`,
    `deprecated` and `security`. Schemas come from msgspec and sit in `components.schemas`.

    Raises OpenAPIError when two operations would share an operationId."""
    types = TypeSet()
    schemes: dict[str, dict[str, Any]] = {name: dict(value) for name, value in (security_schemes or {}).items()}
    paths: dict[str, dict[str, Any]] = {}
    owners: dict[str, Operation] = {}
    for op in operations(app.routes, app.route_options):
        methods = paths.setdefault(op.path, {})
        if op.method in methods:
            continue  # the same template and method again (under another host): the first is documented
        methods[op.method] = operation(op, _declared(op), types, schemes)
        _check_unique(methods[op.method]["operationId"], op, owners)
    info: dict[str, Any] = {"title": title, "version": version}
    if description:
        info["description"] = description
    out: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": info}
    if servers:
        out["servers"] = [dict(s) for s in servers]
    rendered, components = types.render(paths)
    out["paths"] = rendered
    parts: dict[str, Any] = {}
    if components:
        parts["schemas"] = components
    if schemes:
        parts["securitySchemes"] = schemes
    if parts:
        out["components"] = parts
    if security is not None:
        out["security"] = [dict(item) for item in security]
    if tags:
        out["tags"] = [dict(tag) for tag in tags]
    return out


def _declared(op: Operation) -> Declared:
    return declared(op.route.handler, path_params=op.path_params, options=op.options)


def operation(op: Operation, found: Declared, types: TypeSet, schemes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the operation object of `op`, given what its endpoint declares; the security
    schemes its providers declare are added to `schemes`."""
    options = op.options
    out: dict[str, Any] = {}
    if op.tags:
        out["tags"] = list(op.tags)
    summary, description = summary_and_description(op.route.handler)
    summary = options.get("summary", summary)
    description = options.get("description", description)
    if summary:
        out["summary"] = summary
    if description:
        out["description"] = description
    out["operationId"] = operation_id(op)
    params = parameters(op, found, types)
    if params:
        out["parameters"] = params
    body = request_body(found, types)
    if body is not None:
        out["requestBody"] = body
    converters = {p.name: p.converter for p in op.pattern.params}
    fails = body_can_fail(found) or any(_field_can_fail(f, converters) for f in found.fields)
    secured = declared_schemes(found.providers)
    collect(secured, schemes)
    refused: dict[int | str, Any] = {}
    if body is not None:
        refused[400] = {"description": "Malformed request body", "model": HTTPErrorDetail}
    if any(required for _, _, required in secured):
        refused[401] = None
    out["responses"] = responses(found.returns, options.get("status"), fails, {**refused, **op.responses}, types)
    if options.get("deprecated"):
        out["deprecated"] = True
    if "security" in options:
        out["security"] = [dict(item) for item in options["security"]]
    elif secured:
        out["security"] = requirement(secured)
    return out


def operation_id(op: Operation) -> str:
    """Return `op`'s operationId: the route's `operation_id=` option, else its full name, else its
    handler's name, with the method appended (`_get`) when the route answers several methods; for
    a handler with no usable name (a lambda), the method and path (`get_items_id`)."""
    given = op.options.get("operation_id")
    if given:
        return str(given)
    name = op.name or _handler_name(op.route.handler)
    if op.name is None and not name.isidentifier():
        return f"{op.method}{_NOT_WORD.sub('_', op.path)}".rstrip("_")
    return f"{name}_{op.method}" if len(op.route.methods) > 1 else name


def _handler_name(fn: Any) -> str:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return str(getattr(fn, "__name__", None) or type(fn).__name__)


def _field_can_fail(field: Field, converters: Mapping[str, Converter]) -> bool:
    if field.group is not None:
        return True
    if field.source == "path" and field.name in converters and converter_settles(field, converters[field.name]):
        return False
    required = field.default is MISSING and field.source != "path"
    return required or field.converts


def _check_unique(operation_id: str, op: Operation, owners: dict[str, Operation]) -> None:
    other = owners.setdefault(operation_id, op)
    if other is not op:
        raise OpenAPIError(
            f"operationId {operation_id!r} is used by {other.method.upper()} {other.path} and by "
            f"{op.method.upper()} {op.path}: give the routes distinct names (name=...) or an "
            "operation_id=..., or leave one out with include_in_schema=False"
        )

