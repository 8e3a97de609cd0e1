"""Path templates as OpenAPI writes them (`/notes/{id}`), and the type each converter stands for."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

import msgspec

from lette_fp.routing.converters import Converter
from lette_fp.routing.patterns import PathPattern

_PLACEHOLDER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*):[A-Za-z_][A-Za-z0-9_]*}")

CONVERTER_TYPES: dict[str, Any] = {
    "str": str,
    "path": str,
    "int": Annotated[int, msgspec.Meta(ge=0)],
    "float": Annotated[float, msgspec.Meta(ge=0)],
    "uuid": uuid.UUID,
}
"""The type a built-in converter's text means (its JSON Schema is msgspec's)."""


def template(pattern: PathPattern) -> str:
    """Return the OpenAPI path template of `pattern`: its source with the converters left out
    (`/notes/{id:int}` is `/notes/{id}`); "/" for the empty root."""
    return _PLACEHOLDER.sub(r"{\1}", pattern.source) or "/"


def converter_type(converter: Converter) -> Any:
    """Return the type a path param with `converter` documents as: the built-in converter's, or a
    string matching a registered converter's regex."""
    known = CONVERTER_TYPES.get(converter.name)
    if known is not None:
        return known
    return Annotated[str, msgspec.Meta(pattern=f"^(?:{converter.regex})$")]
