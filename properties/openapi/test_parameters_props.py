"""For generated signatures (scalar and list types × query/header/cookie × with or without a
default), each parameter object names the wire name and source, is required exactly when there is
no default, and carries msgspec's schema of the type with the default; the 422 is listed exactly
when some parameter can fail."""

from __future__ import annotations

import datetime
import inspect
import uuid
from typing import Annotated, Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lette_fp import App, Cookie, Header, get
from lette_fp.openapi import schema

TYPES: list[tuple[Any, Any]] = [
    (str, "x"), (int, 3), (float, 1.5), (bool, True), (uuid.UUID, uuid.UUID(int=1)),
    (datetime.date, datetime.date(2026, 1, 2)), (Annotated[int, msgspec.Meta(ge=0, le=9)], 4),
    (Annotated[str, msgspec.Meta(min_length=2)], "ab"), (int | None, None), (list[int], []), (list[str], []),
]
SOURCES = ["query", "header", "cookie"]

param = st.tuples(st.integers(0, len(TYPES) - 1), st.sampled_from(SOURCES), st.booleans())


def handler_for(params: list[tuple[int, str, bool]]) -> Any:
    def handler(**kwargs: Any) -> None: ...

    parameters, annotations = [], {}
    for index, (kind, source, has_default) in enumerate(params):
        annotation, default = TYPES[kind]
        if source == "header":
            annotation = Annotated[annotation, Header()]
        elif source == "cookie":
            annotation = Annotated[annotation, Cookie()]
        name = f"p_{index}"
        annotations[name] = annotation
        parameters.append(inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default if has_default else inspect.Parameter.empty, annotation=annotation,
        ))
    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    handler.__annotations__ = annotations
    return handler


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(param, max_size=6))
def test_parameter_objects_follow_the_signature(params: list[tuple[int, str, bool]]) -> None:
    operation = schema(App([get("/", handler_for(params))]), title="t", version="1")["paths"]["/"]["get"]
    listed = operation.get("parameters", [])
    assert len(listed) == len(params)
    can_fail = False
    for index, ((kind, source, has_default), got) in enumerate(zip(params, listed, strict=True)):
        annotation, default = TYPES[kind]
        assert got["name"] == (f"p-{index}" if source == "header" else f"p_{index}")
        assert got["in"] == source
        assert got["required"] is not has_default
        expected = msgspec.json.schema(annotation)
        if has_default:
            expected = {**expected, "default": msgspec.to_builtins(default)}
        assert got["schema"] == expected
        plain_str = annotation in (str, list[str])
        can_fail = can_fail or not has_default or not plain_str
    assert ("422" in operation["responses"]) is can_fail
