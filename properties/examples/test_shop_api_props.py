"""shop_api against its own OpenAPI document: schemathesis generates requests (valid and invalid
query, header and cookie parameters and JSON bodies) for every operation of `/openapi.json`, sends
them to the ASGI app in-process and checks every answer (see `conformance`). The `X-API-Key`
header is fixed to the app's key, so writes get past the key check and their bodies are exercised;
the 401 of a wrong key is covered by tests/examples/test_shop_api.py."""

from __future__ import annotations

import schemathesis
from schemathesis import Case

from examples.shop_api import create_app
from properties.examples.conformance import config

KEY = "property-tests"
app = create_app(api_key=KEY)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config({"header.x-api-key": KEY}))


@schema.parametrize()
def test_shop_api_answers_as_its_schema_says(case: Case) -> None:
    case.call_and_validate()


def test_every_operation_is_tested() -> None:
    operations = sorted(result.ok().label for result in schema.get_all_operations())
    assert operations == [
        "DELETE /products/{sku}", "GET /products/", "GET /products/{sku}", "GET /products/{sku}/quote",
        "PATCH /products/{sku}/stock", "POST /products/",
    ]
