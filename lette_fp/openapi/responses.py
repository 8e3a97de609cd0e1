"""An operation's responses: the returned value's (from the return annotation, with the route's
`status`), a 422 when a parameter or the body can fail validation, and the route's declared ones
(`responses={404: NotFound}`)."""

from __future__ import annotations

import types as pytypes
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

from lette_fp.http.errors import reason_phrase
from lette_fp.http.response import Response
from lette_fp.params.declared import NO_ANNOTATION

from .errors import HTTPValidationError
from .typeset import TypeSet

JSON = "application/json"
NONE = type(None)


def responses(
    returns: Any, status: int | None, can_fail: bool, declared: Mapping[int | str, Any], types: TypeSet
) -> dict[str, Any]:
    """Return the responses object: the success response(s), then the 422, then the declared
    responses (which replace a computed one of the same status)."""
    out = success(returns, status, types)
    if can_fail:
        out["422"] = {"description": "Validation Error", "content": {JSON: {"schema": types.add(HTTPValidationError)}}}
    for code, value in declared.items():
        out[str(code)] = declared_response(code, value, types)
    return out


def success(returns: Any, status: int | None, types: TypeSet) -> dict[str, Any]:
    """Return the responses a handler's return annotation gives: `None` is an empty 204 (or the
    route's status); a type msgspec describes is JSON with the route's status (200 by default), an
    Optional one also a 204; a Response, or no annotation, has no schema."""
    ok = 200 if status is None else status
    if returns is NONE or returns is None:
        code = 204 if status is None else status
        return {str(code): {"description": _phrase(code)}}
    if returns is NO_ANNOTATION or returns is Any or (isinstance(returns, type) and issubclass(returns, Response)):
        return {str(ok): {"description": _phrase(ok)}}
    members = _union_members(returns)
    optional = NONE in members
    value_type = _union([m for m in members if m is not NONE]) if optional else returns
    out: dict[str, Any] = {str(ok): {"description": _phrase(ok)}}
    if types.can_describe(value_type):
        out[str(ok)]["content"] = {JSON: {"schema": types.add(value_type, mode="serialization")}}
    if optional and status is None:
        out["204"] = {"description": _phrase(204)}
    return out


def declared_response(code: int | str, value: Any, types: TypeSet) -> dict[str, Any]:
    """Return the response object for one `responses=` entry: a type (its JSON schema), None (a
    description only), a str (the description) or a mapping with `description` and/or `model`
    (FastAPI's form; other keys, such as `headers`, are kept)."""
    phrase = _phrase(code) if isinstance(code, int) else "Response"
    if value is None:
        return {"description": phrase}
    if isinstance(value, str):
        return {"description": value}
    if isinstance(value, Mapping):
        out = {key: item for key, item in value.items() if key != "model"}
        out.setdefault("description", phrase)
        if value.get("model") is not None:
            out["content"] = {JSON: {"schema": types.add(value["model"], mode="serialization")}}
        return out
    return {"description": phrase, "content": {JSON: {"schema": types.add(value, mode="serialization")}}}


def _phrase(code: int) -> str:
    return reason_phrase(code) or "Response"


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, pytypes.UnionType):
        return get_args(annotation)
    return (annotation,)


def _union(members: list[Any]) -> Any:
    return members[0] if len(members) == 1 else Union[tuple(members)]  # noqa: UP007
