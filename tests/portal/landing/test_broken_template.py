"""A landing template that fails to render is never published, and a live
page whose template breaks later keeps showing its last good rendering, or
answers a neutral page when it has none: never an empty body, never a 500."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from assets.models import FieldValues
from assets.services import asset_version_create
from portal.landing.models import LandingPage, Lead, PageViewDay
from tests.portal.landing.conftest import LANDING_TEMPLATE, lead_data, make_landing_asset

pytestmark = pytest.mark.django_db

BROKEN = "<section><h1>{{ field.headline }}</h1>{% if %}</section>"
PROBLEM = "The template has an error"
#: Passes the syntax check; fails only when rendered.
FAILS_WHEN_RENDERED = "<section><h1>{{ field.headline }}</h1>{{ 1|divisibleby:0 }}</section>"


@pytest.fixture
def broken_asset(partner):
    return make_landing_asset(template=BROKEN)


def _public(page) -> str:
    return reverse("landing:public_page", args=[page.organisation.slug, page.slug])


def test_publishing_a_page_whose_template_fails_is_refused_with_its_error(
    partner_client, broken_asset
):
    response = partner_client.post(
        reverse("landing:editor", args=[broken_asset.pk]),
        {"headline": "Ours", "call_to_action": "Book a demo", "action": "publish"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert PROBLEM in html and "Your page is live" not in html
    assert not LandingPage.objects.exists() and not FieldValues.objects.exists()


def test_the_editor_and_its_live_preview_show_the_error(partner_client, broken_asset):
    editor = partner_client.get(reverse("landing:editor", args=[broken_asset.pk]))
    assert editor.status_code == 200
    assert 'id="preview-problem"' in editor.content.decode()
    assert PROBLEM in editor.content.decode() and "<iframe" not in editor.content.decode()
    preview = partner_client.post(
        reverse("landing:preview", args=[broken_asset.pk]),
        {"headline": "Typed", "call_to_action": "Book a demo"},
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200 and PROBLEM in preview.content.decode()


@pytest.mark.parametrize("broken", [BROKEN, FAILS_WHEN_RENDERED])
def test_a_live_page_whose_template_breaks_keeps_its_last_good_rendering(
    client, published_page, broken
):
    url = _public(published_page)
    first = client.get(url)
    assert first.status_code == 200 and "Backups for Leeds" in first.content.decode()
    asset_version_create(asset=published_page.asset, template=broken)

    again = client.get(url)
    html = again.content.decode()
    assert again.status_code == 200
    assert "Backups for Leeds" in html and "Book a demo" in html
    assert 'name="token"' in html and "<!--lead-token-->" not in html
    # A lead with a mistake gets the form back, its error shown, on the last good page.
    invalid = client.post(url, lead_data(email="not an address"))
    assert invalid.status_code == 400
    assert "Enter a valid email address." in invalid.content.decode()
    assert "Backups for Leeds" in invalid.content.decode()
    # A good lead is stored as ever.
    sent = client.post(url, lead_data())
    assert sent.status_code == 302 and Lead.objects.filter(email="jo@example.org").exists()

    asset_version_create(asset=published_page.asset, template=LANDING_TEMPLATE)
    fixed = client.get(url)
    assert fixed.status_code == 200 and "Backups for Leeds" in fixed.content.decode()


def test_a_live_page_that_breaks_with_no_good_rendering_kept_serves_a_neutral_page(
    client, published_page
):
    url = _public(published_page)
    assert "Backups for Leeds" in client.get(url).content.decode()
    views_before = PageViewDay.objects.get().count
    asset_version_create(asset=published_page.asset, template=FAILS_WHEN_RENDERED)
    cache.clear()  # the last good rendering is gone too (evicted, a new cache)
    for response in (client.get(url), client.post(url, lead_data(email="not an address"))):
        assert response.status_code == 503 and response["Retry-After"] == "300"
        html = response.content.decode()
        assert "This page is not available right now" in html
        assert "Acme" not in html and "Backups for Leeds" not in html
    assert PageViewDay.objects.get().count == views_before
    asset_version_create(asset=published_page.asset, template=LANDING_TEMPLATE)
    fixed = client.get(url)
    assert fixed.status_code == 200 and "Backups for Leeds" in fixed.content.decode()
