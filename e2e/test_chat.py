"""The chat page in a real browser: a message sent in one tab comes back in both."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import join_chat, screenshot


def test_a_message_comes_back_in_both_tabs(page: Page, second_page: Page, base_url: str) -> None:
    join_chat(page, base_url + "/chat/", "ann")
    join_chat(second_page, base_url + "/chat/", "bob")
    expect(page.locator("#messages .notice").last).to_have_text("bob joined")
    expect(page.locator("#online")).to_contain_text("ann, bob")

    page.fill("#text", "hello from the first tab")
    page.press("#text", "Enter")
    for tab in (page, second_page):
        last = tab.locator("#messages .message").last
        expect(last.locator(".user")).to_have_text("ann")
        expect(last.locator(".text")).to_have_text("hello from the first tab")
    expect(page.locator("#text")).to_have_value("")

    second_page.fill("#text", "and back from the second")
    second_page.click("#say button")
    expect(page.locator("#messages .message .text").last).to_have_text("and back from the second")
    expect(page.locator("#messages .mine .text")).to_contain_text(["hello from the first tab"])
    screenshot(page, "chat-ann")
    screenshot(second_page, "chat-bob")

    second_page.close()
    expect(page.locator("#messages .notice").last).to_have_text("bob left")
