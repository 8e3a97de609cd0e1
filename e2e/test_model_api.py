"""The digits model page in a real browser: predict a drawn or held-out digit, stream a batch."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import screenshot


def test_a_held_out_digit_is_predicted_and_a_drawn_one_gets_an_answer(page: Page, base_url: str) -> None:
    page.goto(base_url + "/digits/")
    expect(page.locator("#grid .cell")).to_have_count(64)
    page.click("#sample")
    expect(page.locator("#answer")).to_have_text(re.compile(r"^A held-out \d: ask the model\.$"))
    page.click("#predict")
    expect(page.locator("#answer")).to_have_text(re.compile(r"^It looks like a \d \(confidence \d+%\)$"))

    page.click("#clear")
    box = page.locator("#grid").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] - 4, steps=12)
    page.mouse.up()
    assert page.locator('#grid .cell[data-value="16"]').count() >= 6
    page.click("#predict")
    expect(page.locator("#answer")).to_have_text(re.compile(r"^It looks like a \d"))
    screenshot(page, "digits-draw")


def test_classifying_held_out_digits_streams_one_tile_per_prediction(page: Page, base_url: str) -> None:
    page.goto(base_url + "/digits/")
    page.fill("#count", "24")
    page.click("#stream")
    expect(page.locator("#status")).to_have_text(re.compile(r"^done: \d+ of 24 right$"))
    expect(page.locator("#results .tile")).to_have_count(24)
    expect(page.locator("#results .tile.pending")).to_have_count(0)
    right = int(page.locator("#status").inner_text().split()[1])
    assert right >= 18  # the model gets 348 of the 360 held-out digits right
    assert page.locator("#results .tile.right").count() == right
    screenshot(page, "digits-stream")
