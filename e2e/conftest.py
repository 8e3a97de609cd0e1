"""Browser tests: the showcase served by a real uvicorn process, driven by Debian's chromium
through playwright. Screenshots go to build/screenshots/.

playwright's own browser download is not used: chromium is launched from /usr/bin/chromium
(`make e2e` installs the Debian package when it is missing).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

from tests.servers import free_port, stop, wait_listening

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
UPLOAD_LIMIT = 1024 * 1024
"""The upload size limit the showcase runs with here (`UPLOADS_MAX_BYTES`)."""
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`uvicorn examples.showcase.app:app` (what `make run` serves) on 127.0.0.1, in a fresh
    directory so the notes database and the uploads start empty; uploads limited to `UPLOAD_LIMIT`."""
    workdir = tmp_path_factory.mktemp("showcase")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "UPLOADS_DIR": str(workdir / "uploads"), "UPLOADS_MAX_BYTES": str(UPLOAD_LIMIT)}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "examples.showcase.app:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=workdir, env=env,
    )
    try:
        wait_listening(port, process, 30.0)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Headless Debian chromium with a fresh profile."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make e2e`, which installs Debian's chromium")
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1100, "height": 800},
    )
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    page = browser.new_page()
    try:
        yield page
    finally:
        page.close()


@pytest.fixture
def second_page(browser: BrowserContext) -> Iterator[Page]:
    """A second tab of the same browser, next to `page`."""
    tab = browser.new_page()
    try:
        yield tab
    finally:
        tab.close()


def join_chat(tab: Page, chat_url: str, name: str) -> None:
    """Open the chat page at `chat_url` in `tab` and join as `name`."""
    tab.goto(chat_url)
    tab.fill("#name", name)
    tab.click("#join button[type=submit]")
    expect(tab.locator("#status")).to_have_text(f"connected as {name}")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as build/screenshots/NAME.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path
