import html as htmllib
import re

import pytest
from django.urls import reverse

from assets.models import AssetKind, FieldValues
from portal.landing.models import LandingPage
from tests.factories import AssetFactory, KitFactory

pytestmark = pytest.mark.django_db


def _srcdoc(response) -> str:
    return htmllib.unescape(re.search(r'srcdoc="([^"]*)"', response.content.decode())[1])


def test_asset_page_links_to_the_editor(partner_client, landing_asset):
    html = partner_client.get(
        reverse("assets:asset_detail", args=[landing_asset.pk])
    ).content.decode()
    assert reverse("landing:editor", args=[landing_asset.pk]) in html


def test_editor_shows_a_branded_preview(partner_client, landing_asset):
    response = partner_client.get(reverse("landing:editor", args=[landing_asset.pk]))
    assert response.status_code == 200
    preview = _srcdoc(response)
    assert "<h1>See Northwind Backup live</h1>" in preview and "Acme Resellers" in preview
    assert reverse("partners:brand_logo", args=["logo"]) in preview
    # The frame's style block is allowed by this page's policy, and nothing else inline.
    style = re.search(r"<style>(.*?)</style>", preview, re.S)[1]
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "htmx-2.min.js" in response.content.decode()


def test_preview_follows_typed_values_without_saving(partner_client, landing_asset, partner):
    url = reverse("landing:preview", args=[landing_asset.pk])
    response = partner_client.post(
        url,
        {
            "headline": "Typed <em>live</em>",
            "call_to_action": "Book a demo",
            "event_date": "2026-12-03",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    preview = _srcdoc(response)
    assert "<h1>Typed &lt;em&gt;live&lt;/em&gt;</h1>" in preview
    assert "3 December 2026" in preview and "Book a demo" in preview
    assert not FieldValues.objects.exists()


def test_preview_shows_validation_errors_inline(partner_client, landing_asset):
    url = reverse("landing:preview", args=[landing_asset.pk])
    response = partner_client.post(url, {"headline": "x" * 81, "call_to_action": "Hack the planet"})
    html = response.content.decode()
    assert 'id="error-headline"' in html and 'hx-swap-oob="true"' in html
    assert "Ensure this value has at most 80 characters" in html
    assert "Select a valid choice. Hack the planet is not one of the available choices." in html
    # Invalid values keep the last saved ones in the preview.
    assert "<h1>See Northwind Backup live</h1>" in _srcdoc(response)


def test_publish_gives_a_stable_address(partner_client, landing_asset, partner):
    url = reverse("landing:editor", args=[landing_asset.pk])
    response = partner_client.post(
        url, {"headline": "Our own headline", "call_to_action": "Save my seat", "action": "publish"}
    )
    assert response.status_code == 302
    page = LandingPage.objects.get()
    assert (page.organisation, page.slug, page.is_published) == (
        partner,
        "live-demo-sign-up-page",
        True,
    )
    assert page.field_values["headline"] == "Our own headline"
    html = partner_client.get(url).content.decode()
    assert "http://127.0.0.1:8000/p/acme/live-demo-sign-up-page/" in html
    assert reverse("landing:page_qr", args=[page.pk]) in html
    # Unpublish, then publish again: same address.
    partner_client.post(reverse("landing:page_unpublish", args=[page.pk]))
    page.refresh_from_db()
    assert not page.is_published
    partner_client.post(
        url, {"headline": "Back again", "call_to_action": "Save my seat", "action": "publish"}
    )
    page.refresh_from_db()
    assert page.is_published and page.slug == "live-demo-sign-up-page"


def test_saving_a_draft_does_not_change_the_live_page(
    client, partner_client, published_page, landing_asset
):
    url = reverse("landing:editor", args=[landing_asset.pk])
    partner_client.post(
        url, {"headline": "Draft only", "call_to_action": "Save my seat", "action": "save"}
    )
    public = client.get(
        reverse("landing:public_page", args=["acme", published_page.slug])
    ).content.decode()
    assert "Backups for Leeds" in public and "Draft only" not in public
    assert "Draft only" in _srcdoc(partner_client.get(url))


def test_invalid_publish_shows_errors_and_publishes_nothing(partner_client, landing_asset):
    url = reverse("landing:editor", args=[landing_asset.pk])
    response = partner_client.post(
        url, {"headline": "", "call_to_action": "Save my seat", "action": "publish"}
    )
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not LandingPage.objects.exists()


def test_qr_code_of_the_public_address(partner_client, published_page):
    response = partner_client.get(reverse("landing:page_qr", args=[published_page.pk]))
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert response["Content-Disposition"] == 'attachment; filename="live-demo-sign-up-page-qr.png"'


def test_page_list_shows_views_and_leads(client, partner_client, published_page, landing_asset):
    from tests.portal.landing.conftest import lead_data

    public = reverse("landing:public_page", args=["acme", published_page.slug])
    client.get(public)
    client.get(public)
    client.post(public, lead_data())
    html = partner_client.get(reverse("landing:page_list")).content.decode()
    row = re.search(r"<tr>\s*<td>Live demo sign-up page.*?</tr>", html, re.S)[0]
    cells = re.findall(r'<td class="text-end">(?:<a [^>]*>)?(\d+)', row)
    assert cells == ["2", "1"]


def test_editor_shows_views_and_leads(client, partner_client, published_page, landing_asset):
    from tests.portal.landing.conftest import lead_data

    public = reverse("landing:public_page", args=["acme", published_page.slug])
    for _ in range(3):
        client.get(public)
    client.post(public, lead_data())
    editor = reverse("landing:editor", args=[landing_asset.pk])
    counts = '<strong>3</strong> views · <a href="{}?page={}"><strong>1</strong> lead</a>'
    html = partner_client.get(editor).content.decode()
    assert counts.format(reverse("landing:lead_list"), published_page.pk) in html
    partner_client.post(reverse("landing:page_unpublish", args=[published_page.pk]))
    html = partner_client.get(editor).content.decode()
    assert "<strong>3</strong> views · <strong>1</strong> lead</p>" in html


def test_only_landing_page_assets_meant_for_the_partner_open(partner_client, other_partner):
    other_kit = KitFactory()
    other_kit.audience_partners.add(other_partner)
    from tests.portal.landing.conftest import make_landing_asset

    theirs = make_landing_asset(other_kit)
    file_asset = AssetFactory(kind=AssetKind.FILE)
    for asset in (theirs, file_asset):
        assert partner_client.get(reverse("landing:editor", args=[asset.pk])).status_code == 404
        assert partner_client.post(reverse("landing:preview", args=[asset.pk])).status_code == 404


def test_nav_has_landing_pages_and_leads(partner_client):
    html = partner_client.get(reverse("home:dashboard")).content.decode()
    assert reverse("landing:page_list") in html and reverse("landing:lead_list") in html


def test_other_partners_cannot_unpublish(client, published_page, other_user):
    client.force_login(other_user)
    response = client.post(reverse("landing:page_unpublish", args=[published_page.pk]))
    assert response.status_code == 404
    published_page.refresh_from_db()
    assert published_page.is_published
