"""The kit form in a real browser: the reach follows the audience through
htmx, under the site's CSP, and the kit pages pass axe-core's checks."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from tests.a11y import AxeAudit
from tests.factories import AssetFactory, KitFactory, PartnerFactory, TierFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, client, user, live_server):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_the_reach_follows_the_audience(browser_page, client, live_server, marketing_admin):
    gold, platinum = TierFactory(name="Gold", rank=3), TierFactory(name="Platinum", rank=4)
    silver = TierFactory(name="Silver", rank=2)
    for tier in (gold, platinum, silver, silver):
        PartnerFactory(tier=tier)
    from playwright.sync_api import expect

    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, client, marketing_admin, live_server)
    page.goto("/workspace/kits/new/")
    assert page.locator("#kit-reach").inner_text() == "Reaches 4 partners"
    page.get_by_label("Or this tier and above").select_option(label="Gold and above")
    expect(page.locator("#kit-reach")).to_have_text("Reaches 2 partners")
    page.get_by_label("Silver", exact=True).check()
    expect(page.locator("#kit-reach")).to_have_text("Reaches 4 partners")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_kit_pages_pass_axe(browser_page, client, live_server, marketing_admin):
    kit = KitFactory(title="Spring", audience_min_tier=TierFactory(name="Gold", rank=3))
    kit.cover_image.save("c.png", ContentFile(png_bytes(80, 50)), save=True)
    asset = AssetFactory(kit=kit, title="Flyer")
    asset.thumbnail.save("t.png", ContentFile(png_bytes(30, 30)), save=True)
    AssetFactory(kit=kit, title="No thumbnail")
    page = browser_page
    sign_in(page, client, marketing_admin, live_server)
    audit = AxeAudit(page)
    for path in (
        "/workspace/",
        "/workspace/kits/new/",
        f"/workspace/kits/{kit.pk}/",
        f"/workspace/kits/{kit.pk}/edit/",
    ):
        page.goto(path)
        audit.check(path)
    page.goto("/workspace/kits/new/")
    page.get_by_role("button", name="Create the kit").click()  # no title: errors shown
    page.locator(".invalid-feedback, .alert-danger").first.wait_for()
    audit.check("form with errors")
    audit.assert_clean()
