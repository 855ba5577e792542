"""A partner tailors, publishes and collects a lead, in a real browser."""

import os
from pathlib import Path

import pytest

from portal.landing.models import LandingPage, Lead
from tests.conftest import give_logo
from tests.factories import PASSWORD, BrandProfileFactory, MembershipFactory, PartnerFactory
from tests.portal.landing.conftest import make_landing_asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep screenshots of the pages the test visits.
SCREENSHOTS = os.environ.get("LANDING_SCREENSHOTS", "")
HOSTILE_NAME = '<script>alert("x")</script> =SUM(A1)'


def _shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


def test_partner_publishes_a_page_and_finds_the_lead(browser_page, live_server):
    from playwright.sync_api import expect

    org = PartnerFactory(name="Acme Resellers", slug="acme")
    give_logo(
        BrandProfileFactory(organisation=org, referral_url="https://northwind.example/r/acme")
    )
    user = MembershipFactory(organisation=org, role="user").user
    asset = make_landing_asset()
    page = browser_page
    problems = []
    page.on(
        "console",
        lambda m: problems.append(f"partner {m.text} {m.location}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )

    # Sign in and open the landing-page asset from the library.
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/assets/{asset.pk}/")
    page.click("#landing-editor-link")
    page.wait_for_url(f"**/landing-pages/assets/{asset.pk}/")

    # The preview follows the typing, without reloading the page.
    preview = page.frame_locator("#preview iframe")
    assert preview.locator("h1").inner_text() == "See Northwind Backup live"
    page.evaluate("window.__same_document = true")
    page.fill("#id_headline", "Backups that keep Leeds working")
    preview.locator("h1", has_text="Backups that keep Leeds working").wait_for()
    assert page.evaluate("window.__same_document") is True
    # Emptied: an inline message, no reload.
    page.fill("#id_headline", "")
    page.locator("#error-headline", has_text="This field is required.").wait_for()
    page.fill("#id_headline", "Backups that keep Leeds working")
    expect(page.locator("#error-headline")).to_have_text("")
    _shot(page, "editor.png")

    # Publish: an address to copy and a QR code.
    page.click("#publish-button")
    page.locator("#page-status", has_text="Live").wait_for()
    public_url = page.input_value("#public-url")
    published = LandingPage.objects.get()
    assert public_url.endswith(f"/p/acme/{published.slug}/")
    # The status shows once the page is parsed; the picture may still be on its way.
    qr = page.locator("img.qr-thumb")
    qr.evaluate("img => img.decode()")  # fails if it is not a picture
    assert qr.evaluate("img => img.naturalWidth") > 0
    public_path = public_url.split("/p/", 1)[1]

    # A visitor, not signed in, opens the page from a campaign link.
    visitor_context = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    visitor = visitor_context.new_page()
    visitor.on(
        "console",
        lambda m: problems.append(f"visitor {m.text} {m.location}") if m.type == "error" else None,
    )
    visitor.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    response = visitor.goto(f"/p/{public_path}?utm_source=newsletter&utm_campaign=spring")
    assert response.status == 200
    assert visitor.locator("h1").inner_text() == "Backups that keep Leeds working"
    assert visitor.title() == "Backups that keep Leeds working · Acme Resellers"
    assert visitor.locator("img.lp-logo").evaluate("img => img.naturalWidth") > 0
    assert visitor.locator("a[href='https://northwind.example/r/acme']").count() == 1
    _shot(visitor, "public-mobile.png")
    visitor.set_viewport_size({"width": 1280, "height": 900})
    _shot(visitor, "public-desktop.png")

    # The visitor leaves a lead (hostile text, shown back as text).
    visitor.fill("#lead-name", HOSTILE_NAME)
    visitor.fill("#lead-email", "jo@example.org")
    visitor.fill("#lead-company", "Jo's Backups Ltd")
    visitor.fill("#lead-message", "Please call me <b>tomorrow</b>.")
    visitor.check("#lead-consent")
    visitor.click("form.lp-form button[type=submit]")
    visitor.wait_for_url("**/thanks/")
    assert "Thank you" in visitor.locator("h1").inner_text()
    _shot(visitor, "thanks.png")
    visitor_context.close()

    lead = Lead.objects.get()
    assert lead.name == HOSTILE_NAME and lead.utm_source == "newsletter"
    assert lead.utm_campaign == "spring" and lead.page == published
    assert lead.asset_version == asset.current_version

    # The partner finds it in the lead list, escaped, and opens it.
    page.click("nav >> text=Leads")
    row = page.locator("#lead-table tbody tr").first
    assert HOSTILE_NAME in row.inner_text()
    row.locator("a").click()
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    assert "Please call me <b>tomorrow</b>." in page.locator("dd").nth(2).inner_text()
    _shot(page, "lead.png")
    assert problems == [], problems
