"""A demo partner uses the portal in a real browser."""

import pytest

from assets.models import DownloadEvent, LessonCompletion
from portal.demo.seed import DEMO_PASSWORD
from portal.partners.models import BrandProfile
from tests.portal.demo.support import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_demo_partner_browses_downloads_copies_learns_and_admin_edits_profile(
    browser_page, tmp_path
):
    load_demo()
    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "ben@acme.example")
    assert "Welcome, Ben" in page.content()

    # Library: search narrows the list.
    page.click("text=Library")
    page.fill("input[name=q]", "data sheet")
    page.click("button:has-text('Filter')")
    cards = page.locator(".asset-card")
    assert cards.count() == 1 and "Technical data sheet" in cards.first.inner_text()

    # Download a plain file.
    cards.first.locator("a").click()
    with page.expect_download() as info:
        page.click("a:has-text('Download')")
    download = info.value
    assert download.suggested_filename == "technical-data-sheet.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert DownloadEvent.objects.filter(asset__title="Technical data sheet").count() == 1

    # Guidelines: copy a snippet.
    page.goto("/library/?q=talk+about")
    page.locator(".asset-card a").first.click()
    page.locator(".copy-button").first.click()
    page.wait_for_selector(".copy-button:has-text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Northwind Backup protects every laptop")

    # Training: complete a lesson, progress moves.
    page.goto("/library/?kind=training")
    page.locator(".asset-card a").first.click()
    page.locator("button:has-text('Mark as done')").first.click()
    page.wait_for_selector(".badge:has-text('Done')")
    assert "33% complete" in page.content()
    assert LessonCompletion.objects.count() == 1

    # Brand profile: a partner user reads it; the partner admin changes the phone number.
    page.click("text=Brand profile")
    assert "Only your organisation's partner admins" in page.content()
    assert page.locator("input[name=phone]").is_disabled()
    page.context.clear_cookies()
    sign_in(page, "anna@acme.example")
    page.click("text=Brand profile")
    page.fill("input[name=phone]", "+44 113 496 0999")
    page.click("button:has-text('Save the profile')")
    page.wait_for_selector(".alert-success")
    assert BrandProfile.objects.get(organisation__slug="acme").phone == "+44 113 496 0999"

    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    assert errors == []
