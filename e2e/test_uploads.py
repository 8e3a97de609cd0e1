"""The upload page in a real browser: upload with progress, download, refusals with reasons."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import UPLOAD_LIMIT, screenshot


def test_upload_a_file_then_download_it(page: Page, base_url: str, tmp_path: Path) -> None:
    data = os.urandom(300 * 1024)
    source = tmp_path / "holiday photo.jpg"
    source.write_bytes(data)

    page.goto(base_url + "/uploads/")
    expect(page.locator("h1")).to_have_text("Uploads")
    page.set_input_files("#file", str(source))
    page.click("button[type=submit]")
    expect(page.locator("#result")).to_have_text("Uploaded holiday photo.jpg")
    expect(page.locator("#result")).to_have_class("ok")
    sent, total = page.locator("#progress").evaluate("p => [p.value, p.max]")
    assert sent == total > len(data)  # the whole multipart body, as the progress bar saw it
    expect(page.locator("#percent")).to_have_text("100%")
    link = page.locator("#files li a", has_text="holiday photo.jpg")
    expect(link).to_have_count(1)
    screenshot(page, "uploads")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "holiday photo.jpg"
    assert Path(download.path()).read_bytes() == data

    page.locator("#files li", has_text="holiday photo.jpg").get_by_role("button", name="Delete").click()
    expect(link).to_have_count(0)


def test_refusals_show_their_reason(page: Page, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/uploads/")
    too_big = tmp_path / "too-big.bin"
    too_big.write_bytes(b"\0" * (UPLOAD_LIMIT + 1))
    page.set_input_files("#file", str(too_big))
    page.click("button[type=submit]")
    expect(page.locator("#result")).to_have_text("Refused (413): Uploads are limited to 1 MiB per request")
    expect(page.locator("#result")).to_have_class("error")
    screenshot(page, "uploads-too-big")

    many = []
    for n in range(6):
        path = tmp_path / f"note-{n}.txt"
        path.write_text(f"note {n}")
        many.append(str(path))
    page.set_input_files("#file", many)
    page.click("button[type=submit]")
    expect(page.locator("#result")).to_have_text("Refused (400): Too many files in the form (limit 5)")
