"""An operation's request body, from its body parameters: JSON for msgspec types, forms
(`application/x-www-form-urlencoded` and `multipart/form-data`) for `FormData`, `multipart/form-data`
for `UploadFile` parameters."""

from __future__ import annotations

from typing import Any

from lette_fp.forms.data import FormData
from lette_fp.forms.upload import UploadFile
from lette_fp.params.body import is_json_body_type
from lette_fp.params.declared import BodyParam, Declared
from lette_fp.params.sources import MISSING

from .typeset import TypeSet

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FILE_SCHEMA: dict[str, Any] = {"type": "string", "format": "binary"}
"""An uploaded file's part (a file picker in Swagger UI)."""


def _is(annotation: Any, cls: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, cls)


def request_body(declared: Declared, types: TypeSet) -> dict[str, Any] | None:
    """Return the requestBody object of an endpoint's body parameters, or None when it reads no
    body lette_fp knows how to describe (a custom resolver's parameter is left out)."""
    bodies = declared.bodies
    for body in bodies:
        if is_json_body_type(body.annotation):
            return {"required": body.default is MISSING, "content": {"application/json": {"schema": types.add(body.annotation)}}}
    uploads = [b for b in bodies if _is(b.annotation, UploadFile)]
    form = any(_is(b.annotation, FormData) for b in bodies)
    if not uploads and not form:
        return None
    content: dict[str, Any] = {}
    if form and not uploads:
        content[FORM] = {"schema": types.add(dict[str, str])}
    content[MULTIPART] = {"schema": _multipart(uploads, form, types)}
    return {"required": any(b.default is MISSING for b in uploads), "content": content}


def _multipart(uploads: list[BodyParam], form: bool, types: TypeSet) -> Any:
    if not uploads:
        return types.add(dict[str, str])
    schema: dict[str, Any] = {"type": "object", "properties": {b.name: FILE_SCHEMA for b in uploads}}
    required = [b.name for b in uploads if b.default is MISSING]
    if required:
        schema["required"] = required
    if form:
        schema["additionalProperties"] = True
    return schema


def can_fail(declared: Declared) -> bool:
    """Return whether the body parameters can answer 422 (a JSON body of the wrong shape, a
    required file missing)."""
    return any(
        is_json_body_type(b.annotation) or (_is(b.annotation, UploadFile) and b.default is MISSING)
        for b in declared.bodies
    )
