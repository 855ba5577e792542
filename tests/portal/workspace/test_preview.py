"""Preview as any partner: every page as a picture, e-mails with their
subject, landing pages as their public page, problems as messages."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from tests.factories import BrandProfileFactory, PartnerFactory
from tests.portal.landing.conftest import make_landing_asset
from tests.portal.workspace.helpers import NAME_ZONE, make_email, make_pdf_layout

pytestmark = pytest.mark.django_db


def preview_url(asset, **query):
    url = reverse("workspace:asset_preview", args=[asset.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_srcs(html: str) -> list[str]:
    return re.findall(r'<img[^>]+src="([^"]*/preview/page/[^"]*)"', html)


def test_a_3_page_pdf_shows_3_page_images_and_page_2_differs(ws_client, partner):
    asset = make_pdf_layout(pages=3)
    response = ws_client.get(preview_url(asset, partner=partner.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Now: <strong>Acme Resellers</strong>" in html
    strip = set(page_srcs(html))
    page_url = reverse("workspace:asset_preview_page", args=[asset.pk])
    expected = {f"{page_url}?partner={partner.pk}&amp;page={n}" for n in (1, 2, 3)}
    assert strip == expected
    pictures = []
    for number in (1, 2):
        page = ws_client.get(
            reverse("workspace:asset_preview_page", args=[asset.pk]),
            {"partner": partner.pk, "page": number},
        )
        assert page.status_code == 200 and page["Content-Type"] == "image/png"
        pictures.append(page.content)
        assert Image.open(io.BytesIO(page.content)).width == 900
    assert pictures[0] != pictures[1]
    # A page the output doesn't have is a 404, here and on the preview page.
    missing = ws_client.get(
        reverse("workspace:asset_preview_page", args=[asset.pk]), {"partner": partner.pk, "page": 4}
    )
    assert missing.status_code == 404
    assert ws_client.get(preview_url(asset, page=9)).status_code == 404


def test_page_pictures_are_cached(ws_client, settings):
    asset = make_pdf_layout(pages=2)
    url = reverse("workspace:asset_preview_page", args=[asset.pk])
    first = ws_client.get(url, {"page": 2}).content
    # Gone from storage: the picture still comes from the cache.
    from assets.models import Rendition

    for rendition in Rendition.objects.all():
        rendition.file.delete(save=False)
    assert ws_client.get(url, {"page": 2}).content == first


def test_the_chosen_partner_page_differs_from_the_sample(ws_client, partner):
    asset = make_pdf_layout(pages=1)
    url = reverse("workspace:asset_preview_page", args=[asset.pk])
    sample = ws_client.get(url, {"partner": "sample", "page": 1}).content
    acme = ws_client.get(url, {"partner": partner.pk, "page": 1}).content
    assert sample != acme


def test_a_render_problem_shows_its_message_and_no_picture(ws_client):
    logo_zone = {"type": "logo", "box": {"x": 20, "y": 150, "width": 40, "height": 20}}
    asset = make_pdf_layout(zones=[logo_zone])
    no_logo = PartnerFactory(name="Logoless Ltd")
    BrandProfileFactory(organisation=no_logo)
    html = ws_client.get(preview_url(asset, partner=no_logo.pk)).content.decode()
    assert "Add your logo to your brand profile." in html
    assert page_srcs(html) == []


def test_fit_warnings_are_shown(ws_client):
    long = PartnerFactory(name="x")
    BrandProfileFactory(organisation=long, display_name="Exceedingly Long Partner Name " * 3)
    zone = {**NAME_ZONE, "box": {"x": 20, "y": 150, "width": 30, "height": 6}}
    asset = make_pdf_layout(zones=[zone])
    html = ws_client.get(preview_url(asset, partner=long.pk)).content.decode()
    assert "Text that won" in html
    assert "is too long for this design" in html


def test_an_email_shows_its_subject_and_body(ws_client, partner):
    asset = make_email()
    html = ws_client.get(preview_url(asset, partner=partner.pk)).content.decode()
    assert 'id="email-subject">News from Acme Resellers</strong>' in html
    frame_src = re.search(r'<iframe[^>]+sandbox src="([^"]+)"', html).group(1).replace("&amp;", "&")
    body = ws_client.get(frame_src)
    assert body.status_code == 200
    assert "Hello from Acme Resellers, call +44 20 7946 0000." in body.content.decode()
    assert "frame-ancestors 'self'" in body["Content-Security-Policy"]
    assert body["X-Frame-Options"] == "SAMEORIGIN"


def test_a_landing_page_previews_as_the_partners_public_page(ws_client, partner):
    asset = make_landing_asset()
    html = ws_client.get(preview_url(asset, partner=partner.pk)).content.decode()
    frame_src = re.search(r'<iframe[^>]+sandbox src="([^"]+)"', html).group(1).replace("&amp;", "&")
    frame = ws_client.get(frame_src)
    page = frame.content.decode()
    assert frame.status_code == 200
    assert "Acme Resellers" in page
    assert 'src="data:image/png;base64,' in page  # the partner's logo, inline
    policy = frame["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "form-action 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    sample = ws_client.get(frame_src.replace(f"partner={partner.pk}", "partner=sample"))
    assert "Acme Partners Ltd" in sample.content.decode()


def test_partners_are_found_by_name(ws_client, partner, other_partner):
    asset = make_email()
    url = preview_url(asset)
    fragment = ws_client.get(url, {"q": "acme"}, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "Preview as Acme Resellers" in text and "Globex" not in text
    assert "<html" not in text  # a fragment for htmx
    assert f"?partner={partner.pk}" in text
    # Without htmx the whole page lists the matches.
    page = ws_client.get(url, {"q": "GLOB"}).content.decode()
    assert "Preview as Globex Agency" in page and "Preview with sample values" in page
    assert "No partner organisation matches" in ws_client.get(url, {"q": "zzz"}).content.decode()


def test_unknown_partners_and_plain_files_are_404(ws_client):
    from tests.factories import make_file_asset

    asset = make_pdf_layout(pages=1)
    assert ws_client.get(preview_url(asset, partner="999999")).status_code == 404
    assert ws_client.get(preview_url(asset, partner="../x")).status_code == 404
    assert ws_client.get(preview_url(make_file_asset())).status_code == 404
