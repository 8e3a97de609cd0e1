"""Schemas come from msgspec, in one call: named types become components, referenced."""

import msgspec
import pytest

from lette_fp import Response
from lette_fp.openapi.components import describable, schemas_for


class Tag(msgspec.Struct):
    label: str


class Post(msgspec.Struct):
    """A blog post."""

    title: str
    tags: list[Tag] = []


def test_named_types_are_components_and_schemas_refer_to_them() -> None:
    schemas, components = schemas_for([Post, list[Post], int])
    assert schemas == [
        {"$ref": "#/components/schemas/Post"},
        {"type": "array", "items": {"$ref": "#/components/schemas/Post"}},
        {"type": "integer"},
    ]
    assert set(components) == {"Post", "Tag"}
    assert components["Post"]["description"] == "A blog post."
    assert components["Post"]["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/Tag"}


@pytest.mark.parametrize("annotation", [Response, object, type(lambda: 0)])
def test_types_msgspec_does_not_know_are_not_describable(annotation) -> None:
    assert not describable(annotation)
    assert describable(Post)
