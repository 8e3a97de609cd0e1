"""The types a document under construction names: each is a `Typed` placeholder until the whole
document is built, then every one is replaced by its JSON Schema from one `schemas_for` call (so
shared Structs become one component each)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from lette_fp.openapi.components import Mode, describable, schemas_for


@dataclass(frozen=True, slots=True)
class Typed:
    """Where the schema of the type at `index` goes, with `extra` keywords laid over it
    (a parameter's `default`)."""

    index: int
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(slots=True)
class TypeSet:
    """The distinct types named so far, each with the side it is described for (a request body's
    or parameter's "validation", a response's "serialization": a pydantic model's serialization
    aliases and computed fields show only in the second), and which of them can be described."""

    types: list[Any] = field(default_factory=list)
    modes: list[Mode] = field(default_factory=list)
    _index: dict[Any, int] = field(default_factory=dict)
    _describable: dict[Any, bool] = field(default_factory=dict)

    def can_describe(self, annotation: Any) -> bool:
        """Return whether `annotation` has a JSON Schema (learnt once per type)."""
        try:
            known = self._describable.get(annotation)
        except TypeError:
            return describable(annotation)
        if known is None:
            known = self._describable[annotation] = describable(annotation)
        return known

    def add(self, annotation: Any, *, mode: Mode = "validation", **extra: Any) -> Typed:
        """Return the placeholder for `annotation`'s schema as `mode` describes it, with `extra`
        keywords over it."""
        key = (annotation, mode)
        try:
            index = self._index.get(key)
        except TypeError:
            index = None
        if index is None:
            index = len(self.types)
            self.types.append(annotation)
            self.modes.append(mode)
            with contextlib.suppress(TypeError):  # an unhashable annotation is added each time
                self._index[key] = index
        return Typed(index, tuple(extra.items()))

    def render(self, document: Any) -> tuple[Any, dict[str, Any]]:
        """Return `document` with every placeholder replaced by its schema, and the components
        (the named types' schemas by name)."""
        schemas, components = schemas_for(self.types, self.modes) if self.types else ([], {})

        def fill(value: Any) -> Any:
            if isinstance(value, Typed):
                schema = schemas[value.index]
                return {**schema, **dict(value.extra)} if value.extra else dict(schema)
            if isinstance(value, dict):
                return {key: fill(item) for key, item in value.items()}
            if isinstance(value, list):
                return [fill(item) for item in value]
            return value

        return fill(document), components
