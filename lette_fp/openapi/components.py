"""The one place JSON Schema is made: msgspec's `schema_components` for every type the document
names, in one call, with references into `#/components/schemas/`.

A type a model kind claims (a pydantic model, `list[Model]`, ...; see `lette_fp.params.models`)
gets its schema from that kind instead (pydantic's own JSON Schema, in the mode asked for:
"validation" for what a request carries, "serialization" for what a response does), in one call
per kind, and its definitions join the same components. A definition whose name msgspec
already gave to another schema is renamed `<name>_<n>`, its references with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import msgspec

from lette_fp.params.models import model_kind

REF_TEMPLATE = "#/components/schemas/{name}"
"""Where references to named types (Structs, dataclasses, enums, ...) point."""


Mode = Literal["validation", "serialization"]
"""Which side of the wire a type is described for (msgspec's schemas are the same for both)."""


def schemas_for(types: Sequence[Any], modes: Sequence[Mode] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return `(schemas, components)`: the JSON Schema of each type in `types`, in order (named
    types as `$ref`s), and the named types' schemas by component name. `modes[i]` says whether
    `types[i]` is read ("validation", the default) or sent ("serialization")."""
    side: Sequence[Mode] = modes if modes is not None else ["validation"] * len(types)
    kinds = [model_kind(t) for t in types]
    plain = [i for i, kind in enumerate(kinds) if kind is None]
    found, msgspec_components = msgspec.json.schema_components([types[i] for i in plain], ref_template=REF_TEMPLATE)
    schemas: dict[int, dict[str, Any]] = dict(zip(plain, found, strict=True))
    components = dict(msgspec_components)
    for kind in {id(k): k for k in kinds if k is not None}.values():
        claimed = [i for i, k in enumerate(kinds) if k is kind]
        modeled, definitions = kind.json_schemas([(types[i], side[i]) for i in claimed], MODEL_REF_TEMPLATE)
        renames = _renames(definitions, components)
        components.update((renames.get(name, name), _renamed(schema, renames)) for name, schema in definitions.items())
        schemas.update(zip(claimed, (_renamed(schema, renames) for schema in modeled), strict=True))
    return [schemas[i] for i in range(len(types))], components


MODEL_REF_TEMPLATE = "#/components/schemas/{model}"
"""REF_TEMPLATE in the form a model kind (pydantic) takes."""

_PREFIX = REF_TEMPLATE.format(name="")


def _renames(definitions: dict[str, Any], components: dict[str, Any]) -> dict[str, str]:
    renames: dict[str, str] = {}
    for name, schema in definitions.items():
        if name in components and components[name] != schema:
            n = 2
            while any(f"{name}_{n}" in taken for taken in (components, definitions, renames.values())):
                n += 1
            renames[name] = f"{name}_{n}"
    return renames


def _renamed(value: Any, renames: dict[str, str]) -> Any:
    if not renames:
        return value
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX) and ref[len(_PREFIX):] in renames:
            value = {**value, "$ref": _PREFIX + renames[ref[len(_PREFIX):]]}
        return {key: _renamed(item, renames) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, renames) for item in value]
    return value


def describable(annotation: Any) -> bool:
    """Return whether `schemas_for` can describe `annotation` (False for a Response, an
    awaitable, a `returns` container or any other type msgspec does not know)."""
    try:
        schemas_for([annotation])
    except (TypeError, ValueError):
        return False
    return True
