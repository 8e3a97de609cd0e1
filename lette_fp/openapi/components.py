"""The one place JSON Schema is made: msgspec's `schema_components` for every type the document
names, in one call, with references into `#/components/schemas/`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

REF_TEMPLATE = "#/components/schemas/{name}"
"""Where references to named types (Structs, dataclasses, enums, ...) point."""


def schemas_for(types: Sequence[Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return `(schemas, components)`: the JSON Schema of each type in `types`, in order (named
    types as `$ref`s), and the named types' schemas by component name."""
    schemas, components = msgspec.json.schema_components(types, ref_template=REF_TEMPLATE)
    return list(schemas), dict(components)


def describable(annotation: Any) -> bool:
    """Return whether `schemas_for` can describe `annotation` (False for a Response, an
    awaitable, a `returns` container or any other type msgspec does not know)."""
    try:
        schemas_for([annotation])
    except (TypeError, ValueError):
        return False
    return True
