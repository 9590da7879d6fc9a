"""What a person does on the page, for the browser tests."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

KON_TUM = "000_9c3704398cac95ef"


def search(page: Page, text: str) -> None:
    page.fill("#query", text)
    page.press("#query", "Enter")
    expect(page.locator("#search-status")).not_to_have_text("Đang tìm…")


def screenshot(page: Page, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BAOCAO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path
