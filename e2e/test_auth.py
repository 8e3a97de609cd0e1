"""The login flow in a real browser: a protected page sends you to the form and back."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot


def test_login_reaches_the_protected_page_and_logout_leaves_it(page: Page, base_url: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/auth/private")
    assert page.url == base_url + "/auth/login?next=http%3A%2F%2F127.0.0.1%3A" + base_url.rsplit(":", 1)[1] + "%2Fauth%2Fprivate"
    expect(page.locator("h1")).to_have_text("Log in")

    page.fill("#username", "ann")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("#error")).to_have_text("Wrong user name or password.")
    expect(page.locator("#username")).to_have_value("ann")
    screenshot(page, "auth-wrong-password")

    page.fill("#password", "wonderland")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == base_url + "/auth/private"
    expect(page.locator("#greeting")).to_have_text("Hello, ann! Only logged-in users see this page.")
    expect(page.locator("#who")).to_have_text("ann")
    screenshot(page, "auth-private")

    page.click("#logout")
    expect(page.locator("#login-link")).to_be_visible()
    assert page.url == base_url + "/auth/"
    page.goto(base_url + "/auth/private")
    expect(page.locator("h1")).to_have_text("Log in")
