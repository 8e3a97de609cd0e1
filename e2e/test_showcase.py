"""The showcase in a real browser: the landing page, every link on it, the notes page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot
from examples.showcase.catalog import EXAMPLES


def test_landing_page_links_every_example(page: Page, base_url: str) -> None:
    response = page.goto(base_url + "/")
    assert response is not None and response.status == 200
    expect(page).to_have_title("lette_fp showcase")
    links = page.locator("#examples a")
    expect(links).to_have_count(len(EXAMPLES))
    assert [links.nth(i).inner_text() for i in range(len(EXAMPLES))] == [ex.title for ex in EXAMPLES]
    screenshot(page, "landing")

    for example in EXAMPLES:
        page.goto(base_url + "/")
        with page.expect_navigation() as navigation:
            page.get_by_role("link", name=example.title).click()
        response = navigation.value
        assert response is not None and response.status == 200, example.slug
        assert page.url == f"{base_url}/{example.slug}/"
        screenshot(page, f"example-{example.slug}")


def test_hello_answers_json_in_the_browser(page: Page, base_url: str) -> None:
    page.goto(base_url + "/hello/users/7")
    assert page.locator("body").inner_text().strip() == '{"id":7}'


def test_notes_page_adds_lists_and_refuses_a_duplicate(page: Page, base_url: str) -> None:
    page.goto(base_url + "/notes-api/")
    expect(page.locator("h1")).to_have_text("Notes")
    expect(page.locator("#total")).to_have_text("0")

    page.fill("#title", "Buy milk")
    page.fill("#body", "two litres")
    page.click("button[type=submit]")
    expect(page.locator("#notes li")).to_have_text(["Buy milk — two litres"])
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#title")).to_have_value("")

    page.fill("#title", "Buy milk")
    page.click("button[type=submit]")
    expect(page.locator("#error")).to_have_text("A note with this title already exists")
    expect(page.locator("#notes li")).to_have_count(1)
    screenshot(page, "notes-api")

    api = page.request.get(base_url + "/notes-api/notes")
    assert api.ok and api.json()["total"] == 1
