"""The chat page in a real browser: a message sent in one tab comes back in both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import screenshot


@pytest.fixture
def second_tab(browser: BrowserContext) -> Iterator[Page]:
    tab = browser.new_page()
    try:
        yield tab
    finally:
        tab.close()


def join(tab: Page, base_url: str, name: str) -> None:
    tab.goto(base_url + "/chat/")
    tab.fill("#name", name)
    tab.click("#join button[type=submit]")
    expect(tab.locator("#status")).to_have_text(f"connected as {name}")


def test_a_message_comes_back_in_both_tabs(page: Page, second_tab: Page, base_url: str) -> None:
    join(page, base_url, "ann")
    join(second_tab, base_url, "bob")
    expect(page.locator("#messages .notice").last).to_have_text("bob joined")
    expect(page.locator("#online")).to_contain_text("ann, bob")

    page.fill("#text", "hello from the first tab")
    page.press("#text", "Enter")
    for tab in (page, second_tab):
        last = tab.locator("#messages .message").last
        expect(last.locator(".user")).to_have_text("ann")
        expect(last.locator(".text")).to_have_text("hello from the first tab")
    expect(page.locator("#text")).to_have_value("")

    second_tab.fill("#text", "and back from the second")
    second_tab.click("#say button")
    expect(page.locator("#messages .message .text").last).to_have_text("and back from the second")
    expect(page.locator("#messages .mine .text")).to_contain_text(["hello from the first tab"])
    screenshot(page, "chat-ann")
    screenshot(second_tab, "chat-bob")

    second_tab.close()
    expect(page.locator("#messages .notice").last).to_have_text("bob left")
