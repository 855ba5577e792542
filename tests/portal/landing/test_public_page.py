import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assets.models import Kit
from assets.roles import MARKETING_ADMINS
from assets.services import asset_version_create
from portal.landing import public, services
from portal.landing.models import PageViewDay
from tests.factories import UserFactory
from tests.portal.landing.conftest import LANDING_TEMPLATE

pytestmark = pytest.mark.django_db


def _url(page):
    return reverse("landing:public_page", args=[page.organisation.slug, page.slug])


def test_public_page_carries_the_partner_brand_and_values(client, published_page):
    response = client.get(_url(published_page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Backups for Leeds</h1>" in html
    assert "<title>Backups for Leeds · Acme Resellers</title>" in html
    assert '<meta name="description" content="Join a live demo of cloud backup.">' in html
    assert (
        'property="og:image" content="http://127.0.0.1:8000/p/acme/live-demo-sign-up-page/logo.png?v='
        in html
    )
    assert 'name="viewport"' in html
    # Logo, contact details and referral link.
    assert 'class="lp-logo" src="/p/acme/live-demo-sign-up-page/logo.png?v=' in html
    assert "+44 20 7946 0000" in html and "hello@partner.example" in html
    assert 'href="https://vendor.example/r/partner"' in html
    assert "Book a demo" in html


def test_public_page_has_a_strict_policy_and_no_inline_script(client, published_page):
    response = client.get(_url(published_page))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for body in scripts)
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)  # no event-handler attributes
    assert response["Cache-Control"] == "private, no-cache"


def test_each_answer_carries_a_fresh_token(client, published_page):
    tokens = [
        re.search(
            r'name="token" value="([^"]+)"', client.get(_url(published_page)).content.decode()
        )[1]
        for _ in range(2)
    ]
    assert tokens[0] != tokens[1]
    assert all(public.TOKEN_PATTERN.match(t) for t in tokens)


def test_the_page_is_rendered_once_then_served_from_the_cache(client, published_page, monkeypatch):
    client.get(_url(published_page))
    calls = []
    original = public.render_page
    monkeypatch.setattr(public, "render_page", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert client.get(_url(published_page)).status_code == 200
    assert calls == []


def test_a_profile_change_shows_at_once(client, published_page, partner):
    client.get(_url(published_page))
    partner.brand.phone = "+44 113 496 0999"
    partner.brand.save()
    html = client.get(_url(published_page)).content.decode()
    assert "+44 113 496 0999" in html and "+44 20 7946 0000" not in html


def test_a_template_change_shows_at_once(client, published_page, landing_asset):
    client.get(_url(published_page))
    asset_version_create(
        asset=landing_asset, template=LANDING_TEMPLATE.replace("live demo", "guided tour")
    )
    assert "guided tour" in client.get(_url(published_page)).content.decode()


def test_republishing_with_new_values_shows_at_once(client, published_page, partner, landing_asset):
    client.get(_url(published_page))
    page = services.landing_page_publish(
        organisation=partner, asset=landing_asset, values={"headline": "New headline"}
    )
    assert page.slug == published_page.slug
    assert "<h1>New headline</h1>" in client.get(_url(page)).content.decode()


@pytest.fixture
def site_copy(settings, tmp_path):
    """Edit a copy of a site template or static file, found before the original,
    and start afresh as a deploy would: the page layout is derived again."""

    def edit(kind, name, old, new):
        root = tmp_path / kind
        copy = root / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text((Path(settings.BASE_DIR) / kind / name).read_text().replace(old, new, 1))
        # Changing these settings also empties the template and static file caches.
        if kind == "templates":
            engine = settings.TEMPLATES[0]
            settings.TEMPLATES = [{**engine, "DIRS": [root, *engine["DIRS"]]}]
        else:
            settings.STATICFILES_DIRS = [root, *settings.STATICFILES_DIRS]
        public.page_layout_version.cache_clear()

    yield edit
    public.page_layout_version.cache_clear()


def test_a_new_page_template_retires_cached_pages(client, published_page, site_copy):
    assert 'class="lp-new"' not in client.get(_url(published_page)).content.decode()
    site_copy("templates", public.PAGE_TEMPLATE, "<main>", '<main class="lp-new">')
    public.GENERATION.bump()  # as when the address's state entry has expired
    assert 'class="lp-new"' in client.get(_url(published_page)).content.decode()


@pytest.mark.parametrize("name", public.PAGE_STATIC_FILES)
def test_a_new_page_stylesheet_or_script_retires_cached_pages(published_page, site_copy, name):
    before = public.page_inputs(published_page).html_key
    assert public.page_inputs(published_page).html_key == before
    site_copy("static", name, "", "/* changed */\n")
    assert public.page_inputs(published_page).html_key != before


def test_views_are_counted_per_day_without_personal_data(client, published_page):
    for _ in range(3):
        client.get(_url(published_page), HTTP_USER_AGENT="Browser/1.0", REMOTE_ADDR="203.0.113.9")
    client.head(_url(published_page))
    row = PageViewDay.objects.get(page=published_page)
    assert row.count == 3 and row.day == timezone.localdate()
    stored = {f.name for f in PageViewDay._meta.get_fields()}
    assert stored == {"id", "page", "day", "count"}


def test_unknown_pages_answer_404(client, published_page):
    assert client.get("/p/acme/no-such-page/").status_code == 404
    assert client.get(f"/p/nobody/{published_page.slug}/").status_code == 404


def _gone_checks(client, page):
    response = client.get(_url(page))
    assert response.status_code == 410
    html = response.content.decode()
    assert "Acme" not in html and "Backups for Leeds" not in html and "<img" not in html
    assert client.post(_url(page), {}).status_code == 410
    assert client.get(reverse("landing:public_logo", args=["acme", page.slug])).status_code == 410
    assert client.get(reverse("landing:public_thanks", args=["acme", page.slug])).status_code == 410


def test_unpublished_pages_are_gone(client, published_page):
    client.get(_url(published_page))  # cached while live
    services.landing_page_unpublish(page=published_page)
    _gone_checks(client, published_page)


@pytest.mark.parametrize("change", ["expired", "archived", "draft", "not_for_partner"])
def test_pages_of_kits_no_longer_shown_are_gone(
    client, published_page, landing_asset, other_partner, change
):
    client.get(_url(published_page))
    kit = landing_asset.kit
    if change == "expired":
        kit.expires_at = timezone.now() - timedelta(minutes=1)
    elif change == "archived":
        kit.status = Kit.Status.ARCHIVED
    elif change == "draft":
        kit.status = Kit.Status.DRAFT
    kit.save()
    if change == "not_for_partner":
        kit.audience_partners.add(other_partner)
    _gone_checks(client, published_page)


def test_suspended_partners_pages_are_gone(client, published_page, partner):
    client.get(_url(published_page))
    partner.status = partner.Status.SUSPENDED
    partner.save()
    _gone_checks(client, published_page)


def test_suspending_through_the_admin_action_takes_pages_down_at_once(
    client, published_page, partner
):
    client.get(_url(published_page))  # the page's state is cached now
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    admin = Client()
    admin.force_login(staff)
    admin.post(
        reverse("admin:partners_partnerorganisation_changelist"),
        {"action": "suspend", "_selected_action": [partner.pk]},
    )
    _gone_checks(client, published_page)


def test_a_page_never_shows_another_partners_content(
    client, published_page, other_partner, landing_asset
):
    other = services.landing_page_publish(
        organisation=other_partner, asset=landing_asset, values={"headline": "Globex headline"}
    )
    assert other.slug == published_page.slug
    mine = client.get(_url(published_page)).content.decode()
    theirs = client.get(_url(other)).content.decode()
    assert "Globex" not in mine and "Backups for Leeds" in mine
    assert "Acme" not in theirs and "Globex headline" in theirs


def test_logo_is_served_publicly_for_link_previews(client, published_page, partner):
    html = client.get(_url(published_page)).content.decode()
    src = re.search(r'class="lp-logo" src="([^"]+)"', html)[1].replace("&amp;", "&")
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == partner.brand.logo.open("rb").read()
    assert "max-age=86400" in response["Cache-Control"]


def test_hostile_field_values_are_escaped_on_the_page(client, partner, landing_asset):
    page = services.landing_page_publish(
        organisation=partner,
        asset=landing_asset,
        values={"headline": "<script>alert(1)</script><!--lead-token-->"},
    )
    html = client.get(_url(page)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--lead-token--&gt;" in html


def test_page_without_logo_still_renders(client, other_partner, landing_asset):
    page = services.landing_page_publish(organisation=other_partner, asset=landing_asset, values={})
    html = client.get(_url(page)).content.decode()
    assert "og:image" not in html and '<span class="lp-name">Globex Agency</span>' in html
    assert 'class="lp-logo"' not in html and '<link rel="icon" href="data:,">' in html


def test_a_kit_expiring_by_the_clock_ends_the_cached_page(
    client, published_page, landing_asset, monkeypatch
):
    import time

    kit = landing_asset.kit
    kit.expires_at = timezone.now() + timedelta(hours=1)
    kit.save()
    assert client.get(_url(published_page)).status_code == 200
    later = time.time() + 2 * 3600
    monkeypatch.setattr(public.time, "time", lambda: later)
    monkeypatch.setattr(public.timezone, "now", lambda: datetime.fromtimestamp(later, tz=UTC))
    assert client.get(_url(published_page)).status_code == 410


def test_a_warm_page_is_served_without_reading_the_database(
    client, published_page, django_assert_max_num_queries
):
    client.get(_url(published_page))
    with django_assert_max_num_queries(1):  # the view counter's UPDATE
        assert client.get(_url(published_page)).status_code == 200


def test_the_kits_social_card_is_the_link_preview_image(client, published_page, landing_asset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assets.models import AssetKind
    from tests.factories import AssetFactory, png_bytes

    card = AssetFactory(kit=landing_asset.kit, kind=AssetKind.IMAGE_LAYOUT, title="Social card")
    layout = [
        {"type": "logo", "label": "Logo", "box": {"x": 20, "y": 20, "width": 300, "height": 100}},
        {
            "type": "qr",
            "label": "QR",
            "box": {"x": 450, "y": 150, "width": 120, "height": 120},
            "target": "partner.qr",
        },
    ]
    asset_version_create(
        asset=card,
        source_file=SimpleUploadedFile("card.png", png_bytes(600, 315)),
        layout=layout,
        output_format="png",
    )
    html = client.get(_url(published_page)).content.decode()
    og = re.search(r'property="og:image" content="([^"]+)"', html)[1]
    assert "/social.png?v=" in og
    response = client.get(og.replace("http://127.0.0.1:8000", "").replace("&amp;", "&"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and len(response.content) > 1000
