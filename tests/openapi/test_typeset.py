"""Placeholders for schemas, replaced in one pass; a type named twice is one entry."""

import msgspec

from lette_fp.openapi.typeset import TypeSet


class Point(msgspec.Struct):
    x: int


def test_placeholders_are_replaced_with_their_schema_and_extras() -> None:
    types = TypeSet()
    document = {"a": types.add(Point), "b": [types.add(int, default=3), types.add(Point)]}
    assert len(types.types) == 2
    rendered, components = types.render(document)
    assert rendered == {"a": {"$ref": "#/components/schemas/Point"}, "b": [{"type": "integer", "default": 3}, {"$ref": "#/components/schemas/Point"}]}
    assert list(components) == ["Point"]


def test_an_empty_set_renders_the_document_unchanged() -> None:
    assert TypeSet().render({"x": [1, {"y": "z"}]}) == ({"x": [1, {"y": "z"}]}, {})
