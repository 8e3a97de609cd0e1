"""An operation's parameters (path, query, header, cookie) from what its handler and providers
declare, and from the path's converters for path params no one declares."""

from __future__ import annotations

from typing import Any

import msgspec

from lette_fp.params.declared import Declared
from lette_fp.params.kinds import split_annotated
from lette_fp.params.sources import MISSING, Field
from lette_fp.routing.converters import Converter

from .operations import Operation
from .paths import converter_type
from .typeset import TypeSet


def parameters(op: Operation, declared: Declared, types: TypeSet) -> list[dict[str, Any]]:
    """Return the OpenAPI parameter objects of `op`: its path params in template order, then the
    other declared fields (a query group's members one by one). Host params are left out."""
    fields = {(f.source, f.name): f for f in declared.fields}
    out: list[dict[str, Any]] = []
    for param in op.pattern.params:
        field = fields.pop(("path", param.name), None)
        out.append(parameter("path", param.name, path_type(field, param.converter), MISSING, types))
    for (source, name), field in fields.items():
        if source == "path":
            continue
        if field.group is not None:
            out.extend(_members(field, types))
        else:
            out.append(parameter(source, name, field.annotation, field.default, types))
    return out


def path_type(field: Field | None, converter: Converter) -> Any:
    """Return the type a path param documents as: the handler's annotation, unless it says no more
    than the converter does (none, a plain `str`, or the converter's own type: `id: int` on
    `{id:int}` is a non-negative integer)."""
    own = converter_type(converter)
    if field is None or field.annotation is str or field.annotation is split_annotated(own)[0]:
        return own
    return field.annotation


def converter_settles(field: Field, converter: Converter) -> bool:
    """Return whether a path param's converter already gives the annotated type, so converting
    it can't fail (`id: int` on `{id:int}`)."""
    return field.annotation is split_annotated(converter_type(converter))[0]


def parameter(source: str, name: str, annotation: Any, default: Any, types: TypeSet, required: bool | None = None) -> dict[str, Any]:
    """Return one parameter object: required when it has no default (path params always), the
    schema of `annotation` with the default in it, and the description of its `msgspec.Meta`."""
    extra: dict[str, Any] = {}
    encoded = encoded_default(default)
    if encoded is not MISSING:
        extra["default"] = encoded
    out: dict[str, Any] = {
        "name": name,
        "in": source,
        "required": source == "path" or (default is MISSING if required is None else required),
        "schema": types.add(annotation, **extra),
    }
    description = meta_description(annotation)
    if description:
        out["description"] = description
    return out


def _members(field: Field, types: TypeSet) -> list[dict[str, Any]]:
    if field.convert is not None:  # a model kind's group (pydantic): the members as params reads them
        return [parameter("query", sub.name, sub.annotation, sub.default, types) for sub in field.group or ()]
    out = []
    for info in msgspec.structs.fields(field.annotation):
        has_default = info.default is not msgspec.NODEFAULT
        required = not has_default and info.default_factory is msgspec.NODEFAULT
        out.append(parameter("query", info.encode_name, info.type, info.default if has_default else MISSING, types, required))
    return out


def meta_description(annotation: Any) -> str | None:
    """Return the `description` of the `msgspec.Meta` in `Annotated[T, Meta(...)]`, if any."""
    for item in split_annotated(annotation)[1]:
        if isinstance(item, msgspec.Meta) and item.description:
            return item.description
    return None


def encoded_default(value: Any) -> Any:
    """Return a default as JSON data for the schema (a tuple default is a list, as on the wire), or
    MISSING when there is none or it can't be encoded (it is then left out of the document)."""
    if value is MISSING:
        return MISSING
    try:
        return msgspec.json.decode(msgspec.json.encode(value))
    except (TypeError, ValueError):
        return MISSING
