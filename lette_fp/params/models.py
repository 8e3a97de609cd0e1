"""The seam for model types from libraries other than msgspec (pydantic): what a `ModelKind`
provides, and which kinds are in use.

params asks `model_kind(annotation)` before it asks msgspec, for a JSON body, a query group and a
return annotation, and `model_builtins(type)` for a returned value msgspec can't encode. A kind is
registered with the name of the library it serves (`register_model_kind("pydantic", load)`) and is
loaded, and so imports that library, only once the library is in `sys.modules`: a type can't be a
pydantic model if pydantic was never imported, so an App without pydantic never imports it.
lette_fp registers its pydantic kind (`lette_fp.contrib.pydantic`) in `lette_fp/__init__.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol


class ModelError(Exception):
    """A value a model library refused: `errors` are 422 detail entries (`loc`, `msg`, `type`)
    whose `loc` starts inside the value; the caller puts its source ("body", "query") first."""

    def __init__(self, errors: Sequence[dict[str, Any]]) -> None:
        self.errors = list(errors)
        super().__init__(self.errors)


class MalformedJSON(ValueError):
    """Bytes that are not JSON (or nested too deeply), met by a kind's decoder: a 400."""


class ModelKind(Protocol):
    """A family of model types params accepts wherever it accepts msgspec types.

    `body_limit` caps the bytes of a JSON body it decodes (None: the route's limit only), for a
    library whose validation of hostile input costs far more than msgspec's."""

    body_limit: int | None

    def claims(self, annotation: Any) -> bool:
        """Return whether `annotation` is (or holds, as in `list[Model]`) one of this kind's types."""

    def decoder(self, annotation: Any) -> Callable[[bytes], Any]:
        """Return `decode(json_bytes) -> value`; it raises ModelError or MalformedJSON."""

    def converter(self, annotation: Any) -> Callable[[Any], Any]:
        """Return `convert(python_value) -> value` (strings converted leniently, as for query
        params); it raises ModelError."""

    def encoder(self, annotation: Any) -> Callable[[Any], bytes]:
        """Return `encode(value) -> JSON bytes` of `value` validated into `annotation` (read from
        attributes, so a larger object is filtered down to the annotated fields); it raises
        ModelError when the value does not fit."""

    def group_fields(self, annotation: Any) -> Sequence[tuple[str, Any, Any]] | None:
        """Return `(wire name, annotation, default)` for each field of a model read as a group of
        query params (`default` is `msgspec.NODEFAULT` when the field is required), or None when
        `annotation` is not a model class."""

    def builtins(self, value: Any) -> Any:
        """Return a claimed instance as JSON-ready builtins (dict, list, str, ...)."""

    def json_schemas(
        self, annotations: Sequence[tuple[Any, Literal["validation", "serialization"]]], ref_template: str
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Return the JSON Schema of each `(annotation, mode)`, models referred to through
        `ref_template`, and the definitions those references name (for OpenAPI)."""


_REGISTERED: dict[str, Callable[[], ModelKind]] = {}
_LOADED: dict[str, ModelKind] = {}
_BY_TYPE: dict[type, Callable[[Any], Any] | None] = {}
_MAX_TYPES = 1024


def register_model_kind(module: str, load: Callable[[], ModelKind]) -> None:
    """Register the kind `load()` returns for the library imported as `module`; it is loaded the
    first time params looks for a kind once `module` is in `sys.modules`."""
    _REGISTERED[module] = load
    _LOADED.pop(module, None)
    _BY_TYPE.clear()


def active_kinds() -> list[ModelKind]:
    """Return the registered kinds whose library has been imported (loading them now)."""
    kinds: list[ModelKind] = []
    for module, load in _REGISTERED.items():
        if sys.modules.get(module) is None:
            continue
        kind = _LOADED.get(module)
        if kind is None:
            kind = _LOADED[module] = load()
        kinds.append(kind)
    return kinds


def model_kind(annotation: Any) -> ModelKind | None:
    """Return the kind claiming `annotation`, or None (then msgspec handles it)."""
    if not _REGISTERED:
        return None
    for kind in active_kinds():
        if kind.claims(annotation):
            return kind
    return None


def model_builtins(kind: type) -> Callable[[Any], Any] | None:
    """Return the function making a `kind` instance JSON-ready builtins, or None when no kind
    claims `kind`; learnt once per type."""
    try:
        return _BY_TYPE[kind]
    except KeyError:
        pass
    if len(_BY_TYPE) >= _MAX_TYPES:
        _BY_TYPE.clear()  # types made at run time must not grow it without bound
    found = model_kind(kind)
    _BY_TYPE[kind] = found.builtins if found is not None else None
    return _BY_TYPE[kind]


def located(errors: Sequence[dict[str, Any]], prefix: Sequence[str | int]) -> list[dict[str, Any]]:
    """Return `errors` with `prefix` put before each `loc`."""
    return [{**entry, "loc": [*prefix, *entry["loc"]]} for entry in errors]
