"""The SSE page in a real browser: tokens arrive one by one through an EventSource."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot
from examples.llm_stream import TOKEN_DELAY, fake_model

RECORD_ARRIVALS = """() => {
  window.arrivals = [];
  new MutationObserver(() => window.arrivals.push(performance.now()))
    .observe(document.getElementById("out"), {childList: true});
}"""


def test_tokens_appear_as_they_are_streamed(page: Page, base_url: str) -> None:
    page.goto(base_url + "/llm-stream/")
    page.fill("input[name=prompt]", "browsers")
    page.evaluate(RECORD_ARRIVALS)
    page.click("button[type=submit]")

    tokens = fake_model("browsers")
    expect(page.locator("#status")).to_have_text(f"done: {len(tokens)} tokens")
    expect(page.locator("#out")).to_have_text("".join(tokens).strip())
    expect(page.locator("#out .token")).to_have_count(len(tokens))
    screenshot(page, "llm-stream")

    arrivals = page.evaluate("window.arrivals")
    assert len(arrivals) >= len(tokens)  # the first mutation may be the clearing of the output
    spread_ms = arrivals[-1] - arrivals[-len(tokens)]
    assert spread_ms >= (len(tokens) - 1) * TOKEN_DELAY * 1000 * 0.5, "tokens arrived all at once"


def test_asking_again_replaces_the_answer(page: Page, base_url: str) -> None:
    page.goto(base_url + "/llm-stream/")
    page.fill("input[name=prompt]", "first")
    page.click("button[type=submit]")
    expect(page.locator("#status")).to_have_text(re.compile("^done"))
    page.fill("input[name=prompt]", "second")
    page.click("button[type=submit]")
    expect(page.locator("#out")).to_have_text("".join(fake_model("second")).strip())
