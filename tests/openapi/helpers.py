"""Shared by the OpenAPI tests: the document of a route list, checked valid against OpenAPI 3.1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openapi_spec_validator import validate

from lette_fp import App
from lette_fp.openapi import schema


def document(routes: Sequence[Any], **app: Any) -> dict[str, Any]:
    """Return the validated document of an App of `routes`."""
    doc = schema(App(routes, **app), title="Test", version="1.0.0")
    validate(doc)
    return doc


def operation(routes: Sequence[Any], path: str, method: str = "get", **app: Any) -> dict[str, Any]:
    """Return one operation object of the document of `routes`."""
    return document(routes, **app)["paths"][path][method]


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Return `schema`, following a `$ref` into the document's components."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
