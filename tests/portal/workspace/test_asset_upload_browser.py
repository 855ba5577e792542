"""The bulk upload page's script, in a real browser: files chosen with the
ordinary file input are sent one by one, a refused one says why, the kept
ones are listed with their proposed kind, and "Create assets" makes them."""

import pytest
from django.conf import settings
from django.urls import reverse

from assets.models import Kit
from tests.factories import KitFactory, make_marketing_admin, png_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_files_chosen_in_the_browser_become_assets(browser_page, client, live_server):
    admin = make_marketing_admin(email="dana@northwind.example")
    client.force_login(admin)
    kit = KitFactory(status=Kit.Status.DRAFT, title="Autumn")
    page = browser_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(reverse("workspace:asset_upload", args=[kit.pk]))
    page.set_input_files(
        "input[type=file]",
        [
            {"name": "banner.png", "mimeType": "image/png", "buffer": png_bytes(320, 160)},
            {"name": "broken.png", "mimeType": "image/png", "buffer": png_bytes()[:50]},
        ],
    )
    page.wait_for_selector(".ws-upload-failed")
    assert "broken.png" in page.inner_text(".ws-upload-failed")
    row = page.wait_for_selector(".ws-review-rows tr")
    assert "banner.png" in row.inner_text()
    select = page.get_by_label("Kind for banner.png")
    assert select.input_value() == "image_layout"
    select.select_option("file")
    page.get_by_role("button", name="Create assets").click()
    page.wait_for_selector("text=1 asset created.")
    asset = kit.assets.get()
    assert (asset.title, asset.kind, asset.current_version.number) == ("banner", "file", 1)
