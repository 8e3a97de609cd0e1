"""The provider graph: a handler's `Depends` parameters compiled into nodes once, checked for
cycles and unresolvable parameters when the App is built, and resolved per request with each
provider run at most once (unless `cache=False`)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lette_fp.http.request import Request
from lette_fp.params.cleanup import Entry, RunSync
from lette_fp.params.markers import Depends
from lette_fp.params.registry import HandlerSignatureError, Resolver
from lette_fp.params.signature import Slot, describe, slots_of
from lette_fp.params.sources import Field, SourcePlan
from lette_fp.pipeline import is_async_callable

REQUEST, VALUE, STATE, EXTRACT, DEPENDS = range(5)
"""The kinds of step in a Plan: the request, a source value, a State key, a resolver's extractor, a provider."""
_UNSET: Any = object()


class Context:
    """One request's resolution: the request (replaced when a body is read), the converted
    source values, the providers' values by node, and the generators waiting to be closed."""

    __slots__ = ("req", "values", "cache", "stack")

    def __init__(self, req: Request, values: list[Any]) -> None:
        self.req = req
        self.values = values
        self.cache: dict[Node, Any] = {}
        self.stack: list[Entry] = []


class Plan:
    """How to call one function: its arguments' getters, the keyword-only names last."""

    __slots__ = ("steps", "keywords", "simple", "late_request")

    def __init__(self, steps: Sequence[tuple[int, Any]], keywords: Sequence[str]) -> None:
        self.steps = tuple(steps)
        self.keywords = tuple(keywords)
        self.simple = all(kind in (REQUEST, VALUE) for kind, _ in self.steps)
        self.late_request = () if self.simple else tuple(i for i, (kind, _) in enumerate(self.steps) if kind == REQUEST)
        """Where the request goes when a body extractor may replace it (the read request, then)."""

    async def arguments(self, ctx: Context) -> tuple[list[Any], dict[str, Any]]:
        """Return the positional and keyword arguments for this request."""
        args: list[Any] = []
        for kind, data in self.steps:
            if kind == VALUE:
                args.append(ctx.values[data])
            elif kind == REQUEST:
                args.append(ctx.req)
            elif kind == DEPENDS:
                args.append(await data.get(ctx))
            elif kind == STATE:
                args.append(state_value(ctx.req, *data))
            else:
                ctx.req, value = await data(ctx.req)
                args.append(value)
        for index in self.late_request:
            args[index] = ctx.req
        if not self.keywords:
            return args, {}
        split = len(args) - len(self.keywords)
        return args[:split], dict(zip(self.keywords, args[split:], strict=True))


def state_value(req: Request, key: str, owner: str) -> Any:
    """Return `req.state[key]` for `owner` (a RuntimeError naming both when it is absent)."""
    try:
        return req.state[key]
    except KeyError:
        raise RuntimeError(f"{owner} needs State({key!r}), which the lifespan state does not hold") from None


class Node:
    """One provider in the graph (after overrides), with how it is called."""

    __slots__ = ("fn", "name", "plan", "kind", "cache", "scope", "run_sync", "handler_bound")

    def __init__(self, fn: Any, name: str, plan: Plan, dep: Depends, run_sync: RunSync | None) -> None:
        self.fn = fn
        self.name = name
        self.plan = plan
        self.kind = _kind(fn)
        self.cache = dep.cache
        self.scope = dep.scope
        generator = self.kind in ("gen", "agen")
        below = any(data.handler_bound for kind, data in plan.steps if kind == DEPENDS)
        self.handler_bound: bool = below or (generator and dep.scope == "handler")
        """Whether a `scope="handler"` generator is this provider or below it."""
        self.run_sync = run_sync if dep.blocking and self.kind in ("sync", "gen") else None

    async def get(self, ctx: Context) -> Any:
        """Return the provider's value for this request (computed once when cached)."""
        if self.cache:
            value = ctx.cache.get(self, _UNSET)
            if value is not _UNSET:
                return value
        args, kwargs = await self.plan.arguments(ctx)
        kind = self.kind
        run_sync = self.run_sync
        if kind == "async":
            value = await self.fn(*args, **kwargs)
        elif kind == "sync":
            value = self.fn(*args, **kwargs) if run_sync is None else await run_sync(functools.partial(self.fn, *args, **kwargs))
        elif kind == "gen":
            gen = self.fn(*args, **kwargs)
            value = next(gen, _UNSET) if run_sync is None else await run_sync(functools.partial(next, gen, _UNSET))
            if value is _UNSET:
                raise RuntimeError(f"generator provider {self.name} did not yield")
            ctx.stack.append(Entry(gen, False, self.scope, run_sync, self.name))
        else:
            gen = self.fn(*args, **kwargs)
            try:
                value = await gen.__anext__()
            except StopAsyncIteration:
                raise RuntimeError(f"generator provider {self.name} did not yield") from None
            ctx.stack.append(Entry(gen, True, self.scope, None, self.name))
        if self.cache:
            ctx.cache[self] = value
        return value


def _kind(fn: Any) -> str:
    target = fn
    while isinstance(target, functools.partial):
        target = target.func
    if inspect.isasyncgenfunction(target) or inspect.isasyncgenfunction(vars(type(target)).get("__call__")):
        return "agen"
    if inspect.isgeneratorfunction(target) or inspect.isgeneratorfunction(vars(type(target)).get("__call__")):
        return "gen"
    return "async" if is_async_callable(fn) else "sync"


class GraphBuilder:
    """Compiles a handler and its providers into plans, collecting every source field once."""

    def __init__(
        self,
        path_params: frozenset[str],
        resolvers: Sequence[Resolver],
        overrides: Mapping[Any, Any],
        run_sync: RunSync | None,
        require_state: Callable[[str, str], None] | None,
    ) -> None:
        self.path_params = path_params
        self.resolvers = resolvers
        self.overrides = overrides
        self.run_sync = run_sync
        self.require_state = require_state
        self.fields: list[Field] = []
        self.nodes: dict[tuple[Any, str, bool], Node] = {}
        self.handler_name = ""

    def source_plan(self) -> SourcePlan:
        """Return the plan reading every path/query/header/cookie field the graph asked for."""
        return SourcePlan(self.fields)

    def plan(self, fn: Any, chain: str, active: tuple[Any, ...] = ()) -> Plan:
        """Return the plan for calling `fn`; `chain` names the way here, `active` the providers
        being compiled above (a cycle)."""
        steps: list[tuple[int, Any]] = []
        keywords: list[str] = []
        slots = slots_of(fn, chain, self.path_params, self.resolvers)
        for slot in sorted(slots, key=lambda s: not s.positional):
            if not slot.positional:
                keywords.append(slot.name)
            steps.append(self._step(slot, chain, active))
        return Plan(steps, keywords)

    def _step(self, slot: Slot, chain: str, active: tuple[Any, ...]) -> tuple[int, Any]:
        if slot.kind == "request":
            return (REQUEST, None)
        if slot.kind == "field":
            assert slot.field is not None
            self.fields.append(slot.field)
            return (VALUE, len(self.fields) - 1)
        if slot.kind == "state":
            if self.require_state is not None:
                self.require_state(chain, slot.key)
            return (STATE, (slot.key, chain))
        if slot.kind == "extract":
            return (EXTRACT, slot.extractor)
        assert slot.depends is not None
        return (DEPENDS, self.node(slot.depends, f"{chain}: parameter {slot.name!r}", active))

    def node(self, dep: Depends, chain: str, active: tuple[Any, ...] = ()) -> Node:
        """Return the node for `dep` (shared by every cached use of the same provider)."""
        fn = self.overrides.get(dep.provider, dep.provider)
        name = describe(fn)
        if fn in active:
            raise HandlerSignatureError(f"{chain} → {name}: dependency cycle")
        key = (fn, dep.scope, dep.blocking)
        if dep.cache and key in self.nodes:
            return self.nodes[key]
        plan = self.plan(fn, f"{chain} → {name}", (*active, fn))
        node = Node(fn, name, plan, dep, self.run_sync)
        if node.kind in ("gen", "agen") and dep.scope == "request" and node.handler_bound:
            raise HandlerSignatureError(
                f"{chain} → {name}: a generator provider with scope='request' can't depend on one with "
                "scope='handler' (it would be cleaned up after it)"
            )
        if dep.cache:
            self.nodes[key] = node
        return node
