"""The GraphQL page in a real browser: the query lists books, the mutation adds one, and the
subscription shows it in another tab."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot


def test_a_book_added_in_one_tab_appears_live_in_another(page: Page, base_url: str) -> None:
    watcher = page.context.new_page()
    try:
        watcher.goto(base_url + "/graphql/")
        expect(watcher.locator("#status")).to_have_text("subscribed")
        expect(watcher.locator("#shelf li").first).to_contain_text("The Left Hand of Darkness")

        page.goto(base_url + "/graphql/")
        page.fill("#title", "Dune")
        page.fill("#author", "Frank Herbert")
        page.click("#add button[type=submit]")
        expect(page.locator("#shelf li").last).to_have_text("Dune by Frank Herbert")
        expect(watcher.locator("#live li").first).to_have_text("Dune by Frank Herbert")
        expect(watcher.locator("#shelf li").last).to_have_text("Dune by Frank Herbert")

        page.fill("#title", " ")
        page.fill("#author", "nobody")
        page.click("#add button[type=submit]")
        expect(page.locator("#problem")).to_have_text("The title must be 1 to 200 characters")
        screenshot(watcher, "graphql")
    finally:
        watcher.close()
