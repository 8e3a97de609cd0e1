"""Path templates without converters, and the type each converter documents."""

import pytest

from lette_fp.openapi.components import schemas_for
from lette_fp.openapi.paths import converter_type, template
from lette_fp.routing.converters import get_converter
from lette_fp.routing.patterns import parse_path


@pytest.mark.parametrize(("source", "expected"), [
    ("/", "/"),
    ("/notes/{id:int}", "/notes/{id}"),
    ("/files/{rest:path}", "/files/{rest}"),
    ("/{name}.{ext:str}", "/{name}.{ext}"),
    ("/a/{x:uuid}/b/", "/a/{x}/b/"),
])
def test_the_template_drops_converters(source: str, expected: str) -> None:
    assert template(parse_path(source)) == expected


@pytest.mark.parametrize(("name", "schema"), [
    ("int", {"type": "integer", "minimum": 0}),
    ("float", {"type": "number", "minimum": 0}),
    ("uuid", {"type": "string", "format": "uuid"}),
    ("path", {"type": "string"}),
    ("str", {"type": "string"}),
])
def test_each_builtin_converter_documents_its_type(name: str, schema: dict) -> None:
    assert schemas_for([converter_type(get_converter(name))])[0] == [schema]
