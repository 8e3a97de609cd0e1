"""The one adaptation: every endpoint, whatever it declares and returns, becomes
`async (Request) -> Response`, once, when the App is built.

`adapt(fn, path_params=..., options=...)` reads `fn`'s signature into a plan (signature.py), its
providers into a graph (graph.py), its return annotation into a responder (returns.py), and
returns the one coroutine function the router calls. Options it reads:
- `status`: the status of a returned plain value (200 by default);
- `dependencies`: guards, `Depends(...)` run before the handler, values unused;
- `blocking`: run a sync handler in a worker thread, through `run_sync`;
- `run_sync`: `await run_sync(fn)` in a worker thread (the App gives it, with its limiter);
- `resolvers`: the App's resolvers for other parameter types (JSON bodies and forms by default);
- `overrides`: `{provider: replacement}`;
- `require_state`: called with (who, key) for each `State(key)`, so the App checks the keys once
  the lifespan state is known.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from lette_fp.http.request import Request
from lette_fp.http.response import Response
from lette_fp.params.body import resolve_form, resolve_json_body
from lette_fp.params.cleanup import Entry, unwind
from lette_fp.params.graph import (
    DEPENDS,
    EXTRACT,
    REQUEST,
    VALUE,
    Context,
    GraphBuilder,
    Node,
    Plan,
    state_value,
)
from lette_fp.params.markers import Depends
from lette_fp.params.registry import HandlerSignatureError, Resolver
from lette_fp.params.returns import responder, response_model
from lette_fp.params.signature import describe, type_hints
from lette_fp.pipeline import ErrorAnswer, Handler, is_async_callable

_EMPTY: Mapping[str, Any] = {}

DEFAULT_RESOLVERS: tuple[Resolver, ...] = (resolve_form, resolve_json_body)
"""lette_fp's own resolvers, after an App's: `FormData`/`UploadFile` forms, then JSON bodies."""


def adapt(
    fn: Any,
    *,
    path_params: frozenset[str] = frozenset(),
    options: Mapping[str, Any] = _EMPTY,
    errors: ErrorAnswer | None = None,
) -> Handler:
    """Return `fn` as `async (Request) -> Response`, its parameters and providers resolved once,
    now. Raises HandlerSignatureError for a parameter nothing can supply or a dependency cycle.

    With `errors`, what `fn` (or a provider, or a parameter's conversion) raises becomes its
    Response right here, around the endpoint, after the generator providers have seen it (see
    `lette_fp.pipeline.guard`); an exception `errors` does not map is raised on."""
    name = describe(fn)
    resolvers = (*options.get("resolvers", ()), *DEFAULT_RESOLVERS)
    run_sync = options.get("run_sync")
    builder = GraphBuilder(path_params, resolvers, options.get("overrides") or _EMPTY, run_sync, options.get("require_state"))
    guards = tuple(
        builder.node(_depends(guard, name), f"{name}: dependencies[{index}]")
        for index, guard in enumerate(options.get("dependencies", ()))
    )
    plan = builder.plan(fn, name)
    sources = builder.source_plan()
    fn_is_async = is_async_callable(fn)
    blocking = bool(options.get("blocking")) and not fn_is_async
    if blocking and run_sync is None:
        raise HandlerSignatureError(f"{name}: blocking=True needs the App's run_sync")
    hints = type_hints(fn)
    respond = responder(name, response_model(hints.get("return")), options.get("status"))
    if not guards and plan.simple and not sources and len(plan.steps) <= 1 and not plan.keywords:
        return _plain(fn, bool(plan.steps), fn_is_async, run_sync if blocking else None, respond, errors)
    if not guards and plan.simple and not plan.keywords:
        return _direct(fn, plan, sources, fn_is_async, run_sync if blocking else None, respond, errors)
    if not guards and all(kind != DEPENDS for kind, _ in plan.steps):
        return _extracting(fn, plan, sources, fn_is_async, run_sync if blocking else None, respond, errors)
    return _planned(fn, plan, sources, guards, fn_is_async, run_sync if blocking else None, respond, errors)


def _named(handler: Handler, fn: Any) -> Handler:
    """Give `handler` the names of `fn`, the function it adapts (`__wrapped__` included)."""
    try:
        return functools.wraps(fn)(handler)
    except (AttributeError, TypeError):
        return handler


def _depends(guard: Any, name: str) -> Depends:
    if isinstance(guard, Depends):
        return guard
    if callable(guard):
        return Depends(guard)
    raise HandlerSignatureError(f"{name}: dependencies must be Depends(...) values, not {guard!r}")


def _plain(fn: Any, takes_request: bool, fn_is_async: bool, run_sync: Any, respond: Any, errors: ErrorAnswer | None) -> Handler:
    """A handler taking the request (or nothing): no plan to run."""
    if fn_is_async:

        async def call_async(req: Request) -> Response:
            try:
                result = await (fn(req) if takes_request else fn())
                return result if type(result) is Response else await respond(result)
            except Exception as exc:
                return await _mapped(errors, req, exc)

        return _named(call_async, fn)
    if run_sync is not None:

        async def call_blocking(req: Request) -> Response:
            try:
                result = await run_sync(functools.partial(fn, req) if takes_request else fn)
                return result if type(result) is Response else await respond(result)
            except Exception as exc:
                return await _mapped(errors, req, exc)

        return _named(call_blocking, fn)

    async def call_sync(req: Request) -> Response:
        try:
            result = fn(req) if takes_request else fn()
            return result if type(result) is Response else await respond(result)
        except Exception as exc:
            return await _mapped(errors, req, exc)

    return _named(call_sync, fn)


def _direct(
    fn: Any, plan: Plan, sources: Any, fn_is_async: bool, run_sync: Any, respond: Any, errors: ErrorAnswer | None
) -> Handler:
    """A handler whose parameters are only the request and path/query/header/cookie values:
    no providers, nothing to clean up; the arguments are the values in signature order."""
    order = tuple(-1 if kind == REQUEST else index for kind, index in plan.steps)
    values_in_order = order == tuple(range(len(order)))
    read = sources if sources else (lambda req: [])

    async def handler(req: Request) -> Response:
        try:
            values = read(req)
            args = values if values_in_order else [req if i < 0 else values[i] for i in order]
            if fn_is_async:
                result = await fn(*args)
            elif run_sync is not None:
                result = await run_sync(functools.partial(fn, *args))
            else:
                result = fn(*args)
            return result if type(result) is Response else await respond(result)
        except Exception as exc:
            return await _mapped(errors, req, exc)

    return _named(handler, fn)


def _extracting(
    fn: Any, plan: Plan, sources: Any, fn_is_async: bool, run_sync: Any, respond: Any, errors: ErrorAnswer | None
) -> Handler:
    """A handler without providers: the request, source values, State and body extractors
    (which may replace the request with its read copy: the handler gets that one)."""
    steps = plan.steps
    keywords = plan.keywords
    split = len(steps) - len(keywords)
    read = sources if sources else None

    async def handler(req: Request) -> Response:
        original = req
        try:
            values = read(req) if read is not None else ()
            args: list[Any] = []
            request_at: list[int] = []
            for kind, data in steps:
                if kind == VALUE:
                    args.append(values[data])
                elif kind == EXTRACT:
                    req, value = await data(req)
                    args.append(value)
                elif kind == REQUEST:
                    request_at.append(len(args))
                    args.append(None)
                else:
                    args.append(state_value(req, *data))
            for index in request_at:
                args[index] = req
            kwargs = dict(zip(keywords, args[split:], strict=True)) if keywords else {}
            if keywords:
                del args[split:]
            if fn_is_async:
                result = await fn(*args, **kwargs)
            elif run_sync is not None:
                result = await run_sync(functools.partial(fn, *args, **kwargs))
            else:
                result = fn(*args, **kwargs)
            return result if type(result) is Response else await respond(result)
        except Exception as exc:
            return await _mapped(errors, original, exc)

    return _named(handler, fn)


def _planned(
    fn: Any, plan: Plan, sources: Any, guards: Sequence[Node], fn_is_async: bool, run_sync: Any, respond: Any,
    errors: ErrorAnswer | None,
) -> Handler:
    """A handler with typed parameters and/or providers: resolve, call, clean up, respond."""
    read_sources = sources if sources else None

    async def handler(req: Request) -> Response:
        defer = getattr(req.body, "defer", None)
        ctx = Context(req, [])
        try:
            if read_sources is not None:
                ctx.values = read_sources(req)
            for guard in guards:
                await guard.get(ctx)
            args, kwargs = await plan.arguments(ctx)
            if fn_is_async:
                result = await fn(*args, **kwargs)
            elif run_sync is not None:
                result = await run_sync(functools.partial(fn, *args, **kwargs))
            else:
                result = fn(*args, **kwargs)
            stack = ctx.stack
            if stack:
                await _close_handler_scope(stack)
            resp = result if type(result) is Response else await respond(result)
        except BaseException as exc:
            raised: BaseException | None = exc
            if ctx.stack:
                raised = await unwind(ctx.stack, exc)
                ctx.stack = []
            if isinstance(raised, Exception):
                return await _mapped(errors, req, raised)
            if raised is not None and raised is not exc:
                raise raised from exc
            raise
        if ctx.stack:
            stack = ctx.stack
            if defer is not None:
                defer(functools.partial(_finish, stack))
            else:
                await _finish(stack, None)
        return resp

    return _named(handler, fn)


async def _mapped(errors: ErrorAnswer | None, req: Request, exc: Exception) -> Response:
    """Return the Response `errors` maps `exc` to; raise `exc` when there is none."""
    if errors is not None:
        answer = await errors(req, exc)
        if answer is not None:
            return answer
    raise exc


async def _finish(stack: list[Entry], exc: BaseException | None) -> None:
    """Close the request's remaining generators with `exc` (the edge passes how sending ended);
    raise what a cleanup raised instead."""
    raised = await unwind(stack, exc)
    if raised is not None and raised is not exc:
        raise raised


async def _close_handler_scope(stack: list[Entry]) -> None:
    """Close the `scope="handler"` generators (last first) and keep the others on `stack`; a
    failing cleanup's exception is raised (after the rest are closed with it)."""
    mine = [entry for entry in stack if entry.scope == "handler"]
    if not mine:
        return
    stack[:] = [entry for entry in stack if entry.scope != "handler"]
    raised = await unwind(mine, None)
    if raised is not None:
        raise raised
