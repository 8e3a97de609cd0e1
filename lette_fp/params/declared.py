"""What an endpoint declares, read from its signature for documentation (OpenAPI): its
path/query/header/cookie parameters and those of every provider it depends on (guards included),
its body parameters and its return annotation. Read once, from the same slots `adapt` compiles;
nothing here runs per request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lette_fp.params.adapt import DEFAULT_RESOLVERS
from lette_fp.params.markers import Depends
from lette_fp.params.signature import Slot, describe, slots_of, type_hints
from lette_fp.params.sources import MISSING, Field

NO_ANNOTATION: Any = MISSING
"""The `returns` of an endpoint without a return annotation."""


@dataclass(frozen=True, slots=True)
class BodyParam:
    """A parameter filled by a resolver (a JSON body, a form, an uploaded file): its name, its
    annotation and its default (MISSING when it has none)."""

    name: str
    annotation: Any
    default: Any = MISSING


@dataclass(frozen=True, slots=True)
class Declared:
    """An endpoint's declared inputs and output: `fields` (each `(source, name)` once, the
    handler's first, then its providers' in the order they are met), `bodies`, `providers` (every
    provider reached, after overrides) and `returns` (the return annotation, or NO_ANNOTATION)."""

    fields: tuple[Field, ...]
    bodies: tuple[BodyParam, ...]
    providers: tuple[Any, ...]
    returns: Any


def declared(fn: Any, *, path_params: frozenset[str], options: Mapping[str, Any]) -> Declared:
    """Return what `fn` declares when adapted with `path_params` and `options` (the same options
    `adapt` reads: `dependencies`, `resolvers`, `overrides`)."""
    resolvers = (*options.get("resolvers", ()), *DEFAULT_RESOLVERS)
    overrides: Mapping[Any, Any] = options.get("overrides") or {}
    fields: dict[tuple[str, str], Field] = {}
    bodies: list[BodyParam] = []
    providers: list[Any] = []

    def visit(target: Any, chain: str) -> None:
        for slot in slots_of(target, chain, path_params, resolvers):
            take(slot, chain)

    def take(slot: Slot, chain: str) -> None:
        if slot.kind == "field" and slot.field is not None:
            fields.setdefault((slot.field.source, slot.field.name), slot.field)
        elif slot.kind == "extract":
            bodies.append(BodyParam(slot.name, slot.annotation, slot.default))
        elif slot.kind == "depends" and slot.depends is not None:
            provider(slot.depends, f"{chain}: parameter {slot.name!r}")

    def provider(dep: Depends, chain: str) -> None:
        fn = overrides.get(dep.provider, dep.provider)
        if any(seen is fn for seen in providers):
            return
        providers.append(fn)
        visit(fn, f"{chain} → {describe(fn)}")

    name = describe(fn)
    visit(fn, name)
    for guard in options.get("dependencies", ()):
        provider(guard if isinstance(guard, Depends) else Depends(guard), f"{name}: dependencies")
    returns = type_hints(fn).get("return", NO_ANNOTATION)
    return Declared(tuple(fields.values()), tuple(bodies), tuple(providers), returns)
