"""pydantic v2 models wherever lette_fp takes msgspec types (extra `lette-fp[pydantic]`): a JSON
body, a query group, a returned value and a return annotation, and their JSON Schema in OpenAPI.

This module is the `ModelKind` params consults (`lette_fp.params.models`). It is loaded only once
pydantic is in `sys.modules`, so it may import pydantic; nothing else in lette_fp does. Validation,
conversion, aliases, validators and serialization are pydantic's own (`TypeAdapter`); what this
module adds is the mapping of pydantic's errors into lette_fp's 422 entries, `{"loc": [...],
"msg": ..., "type": "missing" | "validation_error"}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args, get_origin

import msgspec
import pydantic_core
from pydantic import BaseModel, PydanticUserError, TypeAdapter, ValidationError
from pydantic.dataclasses import is_pydantic_dataclass
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from lette_fp.params.models import MalformedJSON, ModelError

MAX_LISTED_ERRORS = 100
"""At most this many pydantic errors are listed in a 422; past it the 422 has one entry giving the
count (pydantic reports every bad item, and a 10 MiB body of bad list items has millions)."""

JsonSchemaMode = Literal["validation", "serialization"]

_INVALID_JSON = "Invalid JSON: "
_MAX_DEPTH = 32


def is_model_class(annotation: Any) -> bool:
    """Return whether `annotation` is a pydantic BaseModel subclass or a pydantic dataclass."""
    if get_origin(annotation) is not None or not isinstance(annotation, type):
        return False
    return issubclass(annotation, BaseModel) or is_pydantic_dataclass(annotation)


def mentions_model(annotation: Any, depth: int = 0) -> bool:
    """Return whether `annotation` is a pydantic model or holds one (`list[Model]`,
    `Model | None`, `dict[str, Model]`, `Annotated[Model, ...]`)."""
    if depth > _MAX_DEPTH:
        return False
    if is_model_class(annotation):
        return True
    return any(mentions_model(arg, depth + 1) for arg in get_args(annotation))


def errors_of(exc: ValidationError) -> list[dict[str, Any]]:
    """Return pydantic's errors as lette_fp 422 entries, `loc` starting inside the value; over
    MAX_LISTED_ERRORS, one entry with the count."""
    count = exc.error_count()
    if count > MAX_LISTED_ERRORS:
        return [{
            "loc": [],
            "msg": f"{count} validation errors, more than the {MAX_LISTED_ERRORS} a response lists",
            "type": "validation_error",
        }]
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": "missing" if e["type"] == "missing" else "validation_error"}
        for e in exc.errors(include_url=False, include_context=False)
    ]


def _malformed(exc: ValidationError) -> str | None:
    if exc.error_count() != 1:
        return None
    (first,) = exc.errors(include_url=False, include_context=False)
    if first["type"] != "json_invalid":
        return None
    msg = first["msg"]
    return msg[len(_INVALID_JSON):] if msg.startswith(_INVALID_JSON) else msg


def _default(info: FieldInfo) -> Any:
    """A field's default for documentation; PydanticUndefined (not required, default unknown) for
    a factory that needs the validated data."""
    if info.is_required():
        return msgspec.NODEFAULT
    if info.default_factory is None:
        return info.default
    try:
        return info.get_default(call_default_factory=True)
    except Exception:
        return PydanticUndefined


BODY_LIMIT = 256 * 1024
"""The default cap on a pydantic JSON body, in bytes: pydantic checks every item of a hostile
body and can't be told to stop early (1 MiB of bad list items took 0.5-1.2 s and 160 MiB), so a
bad body under this cap costs at most about a quarter of a second."""


class PydanticKind:
    """The `ModelKind` for pydantic: one `TypeAdapter` per annotation, made once. `body_limit`
    (`BODY_LIMIT` by default; None lifts it) caps the JSON bodies it decodes, below the route's
    own `max_body_size`; set it on `KIND` before building the App."""

    def __init__(self, body_limit: int | None = BODY_LIMIT) -> None:
        self._adapters: dict[Any, TypeAdapter[Any]] = {}
        self.body_limit = body_limit

    def adapter(self, annotation: Any) -> TypeAdapter[Any]:
        """Return the shared TypeAdapter for `annotation`."""
        try:
            found = self._adapters.get(annotation)
        except TypeError:  # an unhashable annotation (Annotated with unhashable metadata)
            return TypeAdapter(annotation)
        if found is None:
            found = self._adapters[annotation] = TypeAdapter(annotation)
        return found

    def claims(self, annotation: Any) -> bool:
        """Return whether `annotation` is or holds a pydantic model."""
        return mentions_model(annotation)

    def decoder(self, annotation: Any) -> Callable[[bytes], Any]:
        """Return `decode(json_bytes)`: pydantic's `validate_json`; MalformedJSON for bytes that
        are not JSON, ModelError for JSON of the wrong shape."""
        validate = self.adapter(annotation).validate_json

        def decode(data: bytes) -> Any:
            try:
                return validate(data)
            except ValidationError as exc:
                malformed = _malformed(exc)
                if malformed is not None:
                    raise MalformedJSON(malformed) from exc
                raise ModelError(errors_of(exc)) from exc

        return decode

    def converter(self, annotation: Any) -> Callable[[Any], Any]:
        """Return `convert(value)`: pydantic's `validate_python` (lax: "5" is an int); ModelError
        when the value does not fit."""
        validate = self.adapter(annotation).validate_python

        def convert(value: Any) -> Any:
            try:
                return validate(value)
            except ValidationError as exc:
                raise ModelError(errors_of(exc)) from exc

        return convert

    def encoder(self, annotation: Any) -> Callable[[Any], bytes]:
        """Return `encode(value)`: the value validated into `annotation` from its attributes (an
        instance of the annotated model passes as it is), then `dump_json(by_alias=True)`, as
        FastAPI's `response_model` does."""
        adapter = self.adapter(annotation)
        validate = adapter.validate_python
        dump = adapter.dump_json

        def encode(value: Any) -> bytes:
            try:
                return dump(validate(value, from_attributes=True), by_alias=True)
            except ValidationError as exc:
                raise ModelError(errors_of(exc)) from exc

        return encode

    def group_fields(self, annotation: Any) -> Sequence[tuple[str, Any, Any]] | None:
        """Return `(wire name, annotation, default)` per field of a BaseModel (the wire name is the
        field's validation alias or alias when it is a str, else its name; the default is
        `msgspec.NODEFAULT` when the field is required), or None."""
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)) or get_origin(annotation):
            return None
        out: list[tuple[str, Any, Any]] = []
        for name, info in annotation.model_fields.items():
            alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
            out.append((alias or name, info.annotation, _default(info)))
        return out

    def builtins(self, value: Any) -> Any:
        """Return a pydantic model (or a value holding one) as JSON-ready builtins, by alias."""
        return pydantic_core.to_jsonable_python(value, by_alias=True)

    def json_schemas(
        self, annotations: Sequence[tuple[Any, JsonSchemaMode]], ref_template: str
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Return the JSON Schema of each `(annotation, mode)` ("validation" for what is read,
        "serialization" for what is sent), referring to models through `ref_template` (e.g.
        `"#/components/schemas/{model}"`), and the definitions those references name. TypeError
        when pydantic has no JSON Schema for one of them."""
        try:
            inputs = [(index, mode, self.adapter(annotation)) for index, (annotation, mode) in enumerate(annotations)]
            mapping, definitions = TypeAdapter.json_schemas(inputs, ref_template=ref_template)
        except PydanticUserError as exc:  # no JSON Schema for a type in it (a callable field, ...)
            raise TypeError(str(exc)) from exc
        schemas = [dict(mapping[(index, mode)]) for index, (_, mode) in enumerate(annotations)]
        return schemas, dict(definitions.get("$defs", {}))


KIND = PydanticKind()
"""The pydantic kind lette_fp registers (`lette_fp/__init__.py`)."""
