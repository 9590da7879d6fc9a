"""The browser the page tests drive: Debian's chromium through Playwright, no download, no
network beyond 127.0.0.1. Each test module supplies ``base_url`` (the server it tests)."""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests run as root in CI
    "--disable-background-networking",  # no connections out of a closed network
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed on PATH (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str):
    """A fresh page on `/`; any request leaving 127.0.0.1 is refused and fails the test, and
    so does any script error."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", base_url=base_url
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    outside, errors = [], []

    def only_local(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "/")
    yield page
    context.close()
    assert not outside, f"the page reached outside 127.0.0.1: {outside}"
    assert not errors, f"script errors: {errors}"
