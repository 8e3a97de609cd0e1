"""Every example app's OpenAPI document is valid OpenAPI 3.1 (openapi-spec-validator), and the
apps that serve one (notes_api) serve that same document."""

import importlib
import pkgutil

import pytest
from openapi_spec_validator import validate

import examples
from lette_fp import App
from lette_fp.openapi import schema
from lette_fp.testing import TestClient


def example_apps() -> list[tuple[str, App]]:
    """Every App at the top level of a module under examples/ (new examples are found too)."""
    found = []
    for info in pkgutil.walk_packages(examples.__path__, "examples."):
        module = importlib.import_module(info.name)
        found.extend((f"{info.name}.{name}", value) for name, value in vars(module).items() if isinstance(value, App))
    return found


APPS = example_apps()


def test_the_examples_are_found() -> None:
    names = {name for name, _ in APPS}
    assert {"examples.notes_api.app.app", "examples.hello.app", "examples.showcase.app.app"} <= names


@pytest.mark.parametrize(("name", "app"), APPS, ids=[name for name, _ in APPS])
def test_the_document_of_every_example_app_is_valid_openapi_3_1(name: str, app: App) -> None:
    document = app.openapi or schema(app, title=name, version="0")
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_notes_api_serves_its_document_and_docs_page() -> None:
    from examples.notes_api.app import create_app

    app = create_app("sqlite+aiosqlite:///:memory:")
    client = TestClient(app)
    document = client.get("/openapi.json").json()
    assert document == app.openapi
    assert {op["operationId"] for path in document["paths"].values() for op in path.values()} == {
        "notes", "create_note", "import_notes", "note", "replace_note", "patch_note", "delete_note",
    }
    assert client.get("/docs").status_code == 200
