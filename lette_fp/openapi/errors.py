"""The errors the document describes for every operation that can fail validation, as msgspec
types (their JSON Schema is msgspec's), and the build-time error of a document that can't be made."""

from __future__ import annotations

import msgspec


class ValidationError(msgspec.Struct, frozen=True):
    """One failing parameter: `loc` is where (`["query", "limit"]`, `["body", "items", 0,
    "price"]`), `msg` what is wrong, `type` "missing" or "validation_error"."""

    loc: list[str | int]
    msg: str
    type: str


class HTTPValidationError(msgspec.Struct, frozen=True):
    """The body of a 422: every parameter that is missing or fails to convert, all at once."""

    detail: list[ValidationError]


class HTTPErrorDetail(msgspec.Struct, frozen=True):
    """The body of an error lette_fp answers on its own, such as the 400 of a request body that is
    not valid JSON (or not a well-formed form): `{"detail": "Malformed JSON body: ..."}`."""

    detail: str


class OpenAPIError(ValueError):
    """The route data can't make a valid OpenAPI document (two operations with one operationId);
    raised by `schema(...)`, so by `App(openapi=...)` when the App is built."""
