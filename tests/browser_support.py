"""Headless Chromium for tests that drive the site as a person would.

Uses Debian's Chromium through Playwright. Where it is not installed the
tests are skipped with a message saying how to install it; they never run
against anything else."""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium chromium-driver "
            "(or set CHROMIUM_PATH) to run the browser tests"
        )
    return CHROMIUM


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A fresh Playwright page in headless Chromium, pointed at the live server."""
    executable = chromium_or_skip()
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes around it are ordinary synchronous ones. Only for this test:
    # elsewhere Django keeps refusing ORM calls from async code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright's loop runs get connections of
            # their own context; close them here, or PostgreSQL refuses to
            # drop the test database at the end of the run.
            connections.close_all()
