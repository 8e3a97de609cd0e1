"""Binding handler parameters once, when the App is built: a handler declares what it needs.

`def show(req: Request, id: int)` receives the path param `id`. Extensions (typed bodies, forms)
register a resolver with `register_resolver`. A parameter nothing can resolve is an error at
build time naming the handler and the parameter.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, get_type_hints

from lette_fp.http.request import Request
from lette_fp.http.response import Response
from lette_fp.pipeline import AnyHandler, Handler, interpret, is_async_callable

Extractor = Callable[[Request], Awaitable[tuple[Request, Any]]]
"""Given a request, return the (possibly read) request and the parameter's value."""

Resolver = Callable[[inspect.Parameter, Any, frozenset[str]], Extractor | None]
"""Given a parameter, its resolved annotation and the route's path-param names, return an
extractor for it, or None when this resolver does not handle it."""

_resolvers: list[Resolver] = []


class HandlerSignatureError(TypeError):
    """A handler declares a parameter that can't be resolved; raised when the App is built."""


def register_resolver(resolver: Resolver) -> None:
    """Add a resolver consulted (after path params, in registration order) for extra parameters."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def _path_param(name: str) -> Extractor:
    async def extract(req: Request) -> tuple[Request, Any]:
        return req, req.path_params[name]

    return extract


def bind(fn: AnyHandler, path_params: frozenset[str] = frozenset()) -> AnyHandler:
    """Return `fn` itself when it takes just the request, else `async (Request) -> Response`
    calling it with its extra parameters, resolved once, now."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn
    params = list(sig.parameters.values())
    if len(params) <= 1:
        return fn
    try:
        hints = get_type_hints(fn)
    except Exception:
        hints = {}
    name = getattr(fn, "__qualname__", repr(fn))
    extractors: list[tuple[str, Extractor]] = []
    for param in params[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise HandlerSignatureError(f"handler {name}: *args/**kwargs parameter {param.name!r} can't be resolved")
        extractors.append((param.name, _resolve(name, param, hints.get(param.name, Any), path_params)))
    return _bound(fn, extractors)


def _resolve(handler: str, param: inspect.Parameter, annotation: Any, path_params: frozenset[str]) -> Extractor:
    if param.name in path_params:
        return _path_param(param.name)
    for resolver in _resolvers:
        extractor = resolver(param, annotation, path_params)
        if extractor is not None:
            return extractor
    raise HandlerSignatureError(
        f"handler {handler}: parameter {param.name!r} is neither a path param "
        f"({', '.join(sorted(path_params)) or 'none'}) nor a type lette_fp can supply"
    )


def _bound(fn: AnyHandler, extractors: Sequence[tuple[str, Extractor]]) -> Handler:
    fn_is_async = is_async_callable(fn)

    async def handler(req: Request) -> Any:
        kwargs = {}
        for key, extract in extractors:
            req, kwargs[key] = await extract(req)
        result = fn(req, **kwargs)
        if fn_is_async:
            result = await result
        return result if type(result) is Response else await interpret(result)

    return functools.wraps(fn)(handler)
