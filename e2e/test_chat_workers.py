"""Two tabs of the chat page served by two different uvicorn workers sharing one Redis: a
message sent in one tab comes back in both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import join_chat, screenshot
from tests.redis_server import RedisServer
from tests.servers import uvicorn_process

ATTEMPTS = 40
"""Times the second tab rejoins before giving up on landing on the other worker."""


@pytest.fixture
def chat_on_two_workers(tmp_path: Path) -> Iterator[str]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        with uvicorn_process("examples.chat:app", "--workers", "2", env={"REDIS_URL": server.url}) as base_url:
            yield base_url
    finally:
        server.stop()


def join(tab: Page, base_url: str, name: str) -> str:
    """Join the room in `tab`; return the worker's pid the page shows."""
    join_chat(tab, base_url + "/", name)
    expect(tab.locator("#worker")).to_contain_text("worker ")
    return tab.locator("#worker").inner_text().rsplit(" ", 1)[-1]


def test_two_tabs_on_two_workers_talk_through_redis(chat_on_two_workers: str, page: Page, second_page: Page) -> None:
    first, second = page, second_page
    first_worker = join(first, chat_on_two_workers, "ann")
    for _ in range(ATTEMPTS):
        if join(second, chat_on_two_workers, "bob") != first_worker:
            break
    else:
        raise AssertionError(f"the second tab landed on worker {first_worker} every time")

    first.fill("#text", "hello from the first worker")
    first.press("#text", "Enter")
    for tab in (first, second):
        last = tab.locator("#messages .message").last
        expect(last.locator(".user")).to_have_text("ann")
        expect(last.locator(".text")).to_have_text("hello from the first worker")

    second.fill("#text", "and back from the second")
    second.click("#say button")
    expect(first.locator("#messages .message .text").last).to_have_text("and back from the second")
    expect(first.locator("#online")).to_contain_text("ann, bob")
    screenshot(first, "chat-two-workers-ann")
    screenshot(second, "chat-two-workers-bob")
