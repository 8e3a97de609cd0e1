"""The notes API's interactive docs page (Swagger UI, served from the installed package) in a real
browser: every operation of the document is on the page, "Try it out" runs a GET and a POST
against the app, and nothing is fetched from anywhere but the app (the page works offline)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Locator, Page, Route, expect

from e2e.conftest import screenshot
from examples.notes_api import create_app
from tests.servers import run_uvicorn

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def notes_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """notes_api, with its OpenAPI document and docs page, on a real uvicorn on 127.0.0.1."""
    database = tmp_path_factory.mktemp("notes-docs") / "notes.db"
    with run_uvicorn(create_app(f"sqlite+aiosqlite:///{database}")) as base_url:
        yield base_url


@pytest.fixture
def offline(page: Page) -> Iterator[list[str]]:
    """Refuse (and record) every request the page makes to anywhere but 127.0.0.1."""
    refused: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    yield refused
    page.unroute("**/*")


def operations(document: dict[str, object]) -> list[tuple[str, str]]:
    """Return (METHOD, path) for every operation in an OpenAPI document."""
    paths = document["paths"]
    assert isinstance(paths, dict)
    return [(method.upper(), path) for path, item in paths.items() for method in item if method in METHODS]


def opblock(page: Page, method: str, path: str) -> Locator:
    """The Swagger UI block of one operation."""
    return page.locator(f".opblock-{method.lower()}").filter(has=page.locator(f'.opblock-summary-path[data-path="{path}"]'))


def run_it(page: Page, block: Locator) -> Locator:
    """Open an operation, press "Try it out" then "Execute"; return the live response's status cell."""
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    return block.locator(".live-responses-table .response .response-col_status")


def test_the_docs_page_shows_every_operation_and_runs_them(page: Page, notes_url: str, offline: list[str]) -> None:
    document = httpx.get(notes_url + "/openapi.json").json()
    expected = operations(document)
    assert len(expected) == 7

    response = page.goto(notes_url + "/docs")
    assert response is not None and response.status == 200
    expect(page.locator(".opblock")).to_have_count(len(expected))
    for method, path in expected:
        expect(opblock(page, method, path)).to_have_count(1)
        expect(opblock(page, method, path).locator(".opblock-summary-method")).to_have_text(method)
    expect(page.locator(".info .title")).to_contain_text(document["info"]["title"])

    listing = next(path for method, path in expected if method == "GET" and "{" not in path)
    expect(run_it(page, opblock(page, "GET", listing))).to_have_text("200")
    expect(opblock(page, "GET", listing).locator(".live-responses-table tbody .response-col_description")).to_contain_text('"total": 0')

    creating = next(path for method, path in expected if method == "POST" and path == listing)
    block = opblock(page, "POST", creating)
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.locator("textarea.body-param__text").fill('{"title": "from the docs", "body": "tried out"}')
    block.get_by_role("button", name="Execute").click()
    expect(block.locator(".live-responses-table .response .response-col_status")).to_have_text("201")

    notes = httpx.get(notes_url + "/notes").json()
    assert [n["title"] for n in notes["items"]] == ["from the docs"]
    assert offline == []
    screenshot(page, "openapi-docs")
