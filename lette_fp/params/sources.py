"""Reading and converting the parameters that come from the path, the query string, headers and
cookies: compiled once into a `SourcePlan`, run once per request.

The raw query string and headers are scanned once for just the names the plan wants (no
`req.query` or `req.headers` view is built). Each value is converted by msgspec
(`msgspec.convert(raw, T, strict=False)`); every failing parameter is collected, and the request
is answered with one 422 listing all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from lette_fp.http.body_errors import validation_errors
from lette_fp.http.errors import HTTPError
from lette_fp.http.request import Request
from lette_fp.http.url import MAX_QUERY_FIELDS, decode_part
from lette_fp.params.kinds import needs_conversion
from lette_fp.params.models import ModelError, located

MISSING: Any = msgspec.NODEFAULT
"""The default of a parameter that has none (an absent value is a 422 "missing")."""

_convert = msgspec.convert


@dataclass(frozen=True, slots=True)
class Field:
    """One parameter read from `source` ("path", "query", "header" or "cookie") under `name`
    (lower-case for headers), converted to `annotation`; `default` is MISSING when required;
    `many` reads every value of a repeated key. A query group (`Annotated[Struct, Query()]`) has
    its Struct as `annotation` and the Struct's fields in `group`; a group of a model kind's model
    (pydantic) has the kind's `convert`, which raises ModelError listing every bad field."""

    source: str
    name: str
    annotation: Any
    default: Any = MISSING
    many: bool = False
    group: tuple[Field, ...] | None = None
    convert: Callable[[Any], Any] | None = None

    @property
    def converts(self) -> bool:
        """Whether the raw value goes through msgspec (not for plain `str` and `list[str]`)."""
        return self.group is None and needs_conversion(self.annotation, self.many)


def missing_error(field: Field) -> dict[str, Any]:
    """Return the 422 detail entry for an absent required parameter."""
    return {"loc": [field.source, field.name], "msg": "Field required", "type": "missing"}


class SourcePlan:
    """The path, query, header and cookie parameters of one handler and its providers.

    `plan(req)` returns their values in the order of `fields`, or raises HTTPError 422 naming every
    parameter that is missing or fails to convert (400 past the query field limit)."""

    __slots__ = ("fields", "_query", "_headers", "_cookies", "_steps")

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        leaves = [sub for f in self.fields for sub in (f.group or (f,))]
        self._query = frozenset(f.name for f in leaves if f.source == "query")
        self._headers = frozenset(f.name.encode("latin-1") for f in leaves if f.source == "header")
        self._cookies = any(f.source == "cookie" for f in leaves)
        self._steps = tuple(
            (f, f.converts, f.name.encode("latin-1") if f.source == "header" else f.name) for f in self.fields
        )

    def __bool__(self) -> bool:
        return bool(self.fields)

    def __call__(self, req: Request) -> list[Any]:
        raw: dict[str, dict[Any, Any]] = {}
        if self._query:
            raw["query"] = read_query(req.query_string, self._query)
        if self._headers:
            raw["header"] = read_headers(req.raw_headers, self._headers)
        if self._cookies:
            raw["cookie"] = {k: [v] for k, v in req.cookies.items()}
        values: list[Any] = []
        errors: list[dict[str, Any]] = []
        for field, converts, key in self._steps:
            if field.source == "path":
                value = req.path_params.get(field.name, MISSING)
            elif field.group is not None:
                value = _group(field, raw["query"], errors)
                if value is _ABSENT_GROUP:
                    values.append(None)
                    continue
                if field.convert is not None:
                    values.append(_model_group(field.convert, value, errors))
                    continue
            else:
                found = raw[field.source].get(key)
                value = MISSING if found is None else (found if field.many else found[0])
            if value is MISSING:
                if field.default is MISSING:
                    errors.append(missing_error(field))
                values.append(field.default)
            elif converts or field.group is not None:
                try:
                    values.append(_convert(value, field.annotation, strict=False))
                except msgspec.ValidationError as exc:
                    if field.group is None:
                        errors.extend(validation_errors(exc, (field.source, field.name)))
                    else:
                        errors.extend(_group_errors(field, value))
                    values.append(None)
            else:
                values.append(value)
        if errors:
            raise HTTPError(422, errors)
        return values


def _group(field: Field, query: dict[str, list[str]], errors: list[dict[str, Any]]) -> Any:
    """Return the raw dict of a query group's present fields (MISSING when one required is
    absent: the missing ones are added to `errors`; a model kind's `convert` reports those
    itself, with the others)."""
    out: dict[str, Any] = {}
    complete = True
    checks = field.convert is None
    for sub in field.group or ():
        found = query.get(sub.name)
        if found is None:
            if checks and sub.default is MISSING:
                errors.append(missing_error(sub))
                complete = False
            continue
        out[sub.name] = found if sub.many else found[0]
    if not complete:
        return _ABSENT_GROUP
    return out


def _model_group(convert: Callable[[Any], Any], value: dict[str, Any], errors: list[dict[str, Any]]) -> Any:
    try:
        return convert(value)
    except ModelError as exc:
        errors.extend(located(exc.errors, ("query",)))
        return None


_ABSENT_GROUP: Any = object()
"""A group with a missing member: its errors are already listed."""


def _group_errors(field: Field, value: dict[str, Any]) -> list[dict[str, Any]]:
    """Return an error entry for every member of a query group that fails to convert alone."""
    errors: list[dict[str, Any]] = []
    for sub in field.group or ():
        if sub.name in value and sub.converts:
            try:
                _convert(value[sub.name], sub.annotation, strict=False)
            except msgspec.ValidationError as exc:
                errors.extend(validation_errors(exc, ("query", sub.name)))
    if not errors:
        errors.append({"loc": ["query"], "msg": "Invalid query parameters", "type": "validation_error"})
    return errors


def read_query(query_string: bytes, wanted: frozenset[str]) -> dict[str, list[str]]:
    """Return the values of the `wanted` keys of a raw query string, each key's in order; decode
    only those. More than MAX_QUERY_FIELDS pairs are a 400, as for `req.query`."""
    found: dict[str, list[str]] = {}
    if not query_string:
        return found
    if query_string.count(b"&") >= MAX_QUERY_FIELDS and sum(1 for c in query_string.split(b"&") if c) > MAX_QUERY_FIELDS:
        raise HTTPError(400, f"Too many query parameters (limit {MAX_QUERY_FIELDS})")
    if b"%" not in query_string and b"+" not in query_string:
        for text in query_string.decode("utf-8", "replace").split("&"):
            name, _, value_text = text.partition("=")
            if name in wanted and text:
                values = found.get(name)
                if values is None:
                    found[name] = [value_text]
                else:
                    values.append(value_text)
        return found
    for chunk in query_string.split(b"&"):
        key, _, value = chunk.partition(b"=")
        name = decode_part(key) if b"%" in key or b"+" in key else key.decode("utf-8", "replace")
        if name in wanted and chunk:
            text = decode_part(value) if b"%" in value or b"+" in value else value.decode("utf-8", "replace")
            values = found.get(name)
            if values is None:
                found[name] = [text]
            else:
                values.append(text)
    return found


def read_headers(headers: Any, wanted: frozenset[bytes]) -> dict[bytes, list[str]]:
    """Return the values (latin-1) of the `wanted` header names (lower-case bytes), in order."""
    found: dict[bytes, list[str]] = {}
    for name, value in headers:
        if name in wanted:
            text = value.decode("latin-1")
            values = found.get(name)
            if values is None:
                found[name] = [text]
            else:
                values.append(text)
    return found
