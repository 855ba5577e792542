"""The kit form in a real browser: the reach follows the audience through
htmx, under the site's CSP. With AXE_CORE_PATH naming axe-core's axe.min.js,
the kit pages are also checked for accessibility violations."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from tests.factories import AssetFactory, KitFactory, PartnerFactory, TierFactory, png_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, client, user, live_server):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def axe_violations(page) -> list:
    # Evaluated through the driver, not as a page script: the CSP stays on.
    page.evaluate(Path(os.environ["AXE_CORE_PATH"]).read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


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


@pytest.mark.skipif(not os.environ.get("AXE_CORE_PATH"), reason="AXE_CORE_PATH not set")
def test_kit_pages_pass_axe(browser_page, client, live_server, marketing_admin):
    assert Path(os.environ["AXE_CORE_PATH"]).exists()
    kit = KitFactory(title="Spring", audience_min_tier=TierFactory(name="Gold", rank=3))
    kit.cover_image.save("c.png", ContentFile(png_bytes(80, 50)), save=True)
    asset = AssetFactory(kit=kit, title="Flyer")
    asset.thumbnail.save("t.png", ContentFile(png_bytes(30, 30)), save=True)
    AssetFactory(kit=kit, title="No thumbnail")
    page = browser_page
    sign_in(page, client, marketing_admin, live_server)
    found = {}
    for path in (
        "/workspace/",
        "/workspace/kits/new/",
        f"/workspace/kits/{kit.pk}/",
        f"/workspace/kits/{kit.pk}/edit/",
    ):
        page.goto(path)
        found[path] = axe_violations(page)
    page.goto("/workspace/kits/new/")
    page.get_by_role("button", name="Create the kit").click()  # no title: errors shown
    found["form with errors"] = axe_violations(page)
    assert all(not v for v in found.values()), json.dumps(found, indent=1)
