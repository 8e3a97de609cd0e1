"""notes_api against its own OpenAPI document: schemathesis generates requests (valid and invalid)
for every operation of `/openapi.json`, sends them to the ASGI app in-process (its lifespan runs
once, over a fresh SQLite file) and checks every answer (see `conformance`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from schemathesis import Case

from examples.notes_api import create_app
from properties.examples.conformance import config

_database = tempfile.TemporaryDirectory(prefix="notes-props-")
app = create_app(f"sqlite+aiosqlite:///{Path(_database.name) / 'notes.db'}")
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config())


@schema.parametrize()
def test_notes_api_answers_as_its_schema_says(case: Case) -> None:
    case.call_and_validate()


def test_every_operation_is_tested() -> None:
    operations = sorted(result.ok().label for result in schema.get_all_operations())
    assert operations == [
        "DELETE /notes/{id}", "GET /notes/", "GET /notes/{id}", "PATCH /notes/{id}",
        "POST /notes/", "POST /notes/import", "PUT /notes/{id}",
    ]
