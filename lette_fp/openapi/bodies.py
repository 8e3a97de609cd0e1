"""An operation's request body, from its body parameters: JSON for msgspec types, forms
(`application/x-www-form-urlencoded` and `multipart/form-data`) for `FormData` and `Form()`
parameters (a form Struct, or single fields), `multipart/form-data` when there are `UploadFile`
parameters."""

from __future__ import annotations

from typing import Any

from lette_fp.forms.data import FormData
from lette_fp.forms.upload import UploadFile
from lette_fp.params.body import is_json_body_type
from lette_fp.params.declared import BodyParam, Declared
from lette_fp.params.kinds import is_struct_type, split_annotated
from lette_fp.params.markers import Form
from lette_fp.params.sources import MISSING

from .parameters import encoded_default
from .typeset import TypeSet

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FILE_SCHEMA: dict[str, Any] = {"type": "string", "format": "binary"}
"""An uploaded file's part (a file picker in Swagger UI)."""


def _is(annotation: Any, cls: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, cls)


def form_marker(annotation: Any) -> Form | None:
    """Return the `Form()` in `Annotated[T, Form()]`, if any."""
    for item in split_annotated(annotation)[1]:
        if isinstance(item, Form):
            return item
        if item is Form:
            return Form()
    return None


def request_body(declared: Declared, types: TypeSet) -> dict[str, Any] | None:
    """Return the requestBody object of an endpoint's body parameters, or None when it reads no
    body lette_fp knows how to describe (a custom resolver's parameter is left out)."""
    bodies = declared.bodies
    for body in bodies:
        if form_marker(body.annotation) is None and is_json_body_type(body.annotation):
            return {"required": body.default is MISSING, "content": {"application/json": {"schema": types.add(body.annotation)}}}
    uploads = [b for b in bodies if _is(b.annotation, UploadFile)]
    fields = [b for b in bodies if form_marker(b.annotation) is not None]
    form = any(_is(b.annotation, FormData) for b in bodies)
    if not uploads and not form and not fields:
        return None
    schema = _form_schema(uploads, fields, form, types)
    content: dict[str, Any] = {} if uploads else {FORM: {"schema": schema}}
    content[MULTIPART] = {"schema": schema}
    required = any(b.default is MISSING or is_struct_type(_base(b)) for b in (*uploads, *fields))
    return {"required": required, "content": content}


def _base(body: BodyParam) -> Any:
    return split_annotated(body.annotation)[0]


def _form_schema(uploads: list[BodyParam], fields: list[BodyParam], form: bool, types: TypeSet) -> Any:
    """One object schema for the form: a form Struct's schema, named fields and files as
    properties (all of them together when there are several)."""
    structs = [b for b in fields if is_struct_type(_base(b))]
    named = [b for b in fields if b not in structs]
    if form and not uploads and not fields:
        return types.add(dict[str, str])
    parts: list[Any] = [types.add(b.annotation) for b in structs]
    if named or uploads:
        properties: dict[str, Any] = {}
        required = []
        for b in named:
            marker = form_marker(b.annotation)
            key = (marker.alias if marker is not None else None) or b.name
            default = encoded_default(b.default)
            properties[key] = types.add(b.annotation) if default is MISSING else types.add(b.annotation, default=default)
            if b.default is MISSING:
                required.append(key)
        for b in uploads:
            properties[b.name] = FILE_SCHEMA
            if b.default is MISSING:
                required.append(b.name)
        own: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            own["required"] = required
        if form:
            own["additionalProperties"] = True
        parts.append(own)
    return parts[0] if len(parts) == 1 else {"allOf": parts}


def can_fail(declared: Declared) -> bool:
    """Return whether the body parameters can answer 422 (a JSON body of the wrong shape, a
    required file missing)."""
    return any(
        is_json_body_type(b.annotation) or (_is(b.annotation, UploadFile) and b.default is MISSING)
        or form_marker(b.annotation) is not None
        for b in declared.bodies
    )
