"""The Swagger UI page and the installed distribution it loads."""

import os

import pytest

from lette_fp.openapi import swagger


def test_the_installed_distribution_has_every_asset_the_page_uses() -> None:
    assets = swagger.installed_assets()
    assert assets.version.startswith("swagger-ui-5.")
    assert all(os.path.getsize(assets.path(name)) > 0 for name in swagger.ASSETS)


def test_a_missing_package_is_an_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swagger, "PACKAGE", "no_such_swagger_package")
    with pytest.raises(RuntimeError, match=r"lette-fp\[openapi\]"):
        swagger.installed_assets()


def test_the_page_escapes_the_title_and_urls() -> None:
    html = swagger.page('<Notes & "co">', "/x</script>/openapi.json", "/docs/assets/v", init="start.js")
    assert "<title>&lt;Notes &amp; &quot;co&quot;&gt; - Swagger UI</title>" in html
    assert "</script>/openapi.json" not in html
    assert '<script src="/docs/assets/v/swagger-ui-bundle.js"></script>' in html
    assert '<script src="/docs/assets/v/start.js"></script>' in html


def test_the_settings_travel_as_json_the_start_script_reads() -> None:
    import json
    import re

    html = swagger.page("t", "/openapi.json", "/a", {"filter": "<b>&"})
    block = re.search(r'<script id="swagger-ui-config" type="application/json">(.*?)</script>', html, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == {"url": "/openapi.json", "dom_id": "#swagger-ui", "deepLinking": True, "filter": "<b>&"}
    with open(swagger.INIT_SCRIPT) as script:
        assert 'getElementById("swagger-ui-config")' in script.read()
    assert re.fullmatch(r"lette-init-[0-9a-f]{12}\.js", swagger.init_name())


def test_swagger_ui_parameters_go_into_its_configuration() -> None:
    from lette_fp import App, get
    from lette_fp.openapi import OpenAPI
    from lette_fp.testing import TestClient

    def ping(req) -> dict[str, str]: ...

    config = OpenAPI(title="t", version="1", swagger_ui_parameters={"defaultModelsExpandDepth": -1, "deepLinking": False})
    text = TestClient(App([get("/ping", ping)], openapi=config)).get("/docs").text
    assert '"defaultModelsExpandDepth": -1' in text and '"deepLinking": false' in text
