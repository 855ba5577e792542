"""The worst-case check before publishing, and publishing that asks for
confirmation when it finds problems."""

import pytest
from django.urls import reverse

from assets.models import Kit
from portal.workspace.checks import extreme_partners, kit_worst_case_problems
from tests.conftest import give_logo
from tests.factories import BrandProfileFactory, KitFactory, PartnerFactory, make_file_asset
from tests.portal.workspace.helpers import NAME_ZONE, make_pdf_layout

pytestmark = pytest.mark.django_db

SMALL_NAME = {
    **NAME_ZONE,
    "label": "Small name",
    "box": {"x": 20, "y": 150, "width": 45, "height": 6},
}
SMALL_LOGO = {
    "type": "logo",
    "label": "Logo",
    "box": {"x": 20, "y": 200, "width": 10, "height": 10},
}
OVER_HEADING = {
    **NAME_ZONE,
    "label": "Over heading",
    "box": {"x": 20, "y": 25, "width": 100, "height": 25},
}
BRAND_TEXT = {
    **NAME_ZONE,
    "label": "Brand text",
    "color": "primary",
    "box": {"x": 20, "y": 230, "width": 150, "height": 20},
}


def draft_kit(**kwargs):
    return KitFactory(status=Kit.Status.DRAFT, publish_at=None, **kwargs)


def partner_with(name, **profile):
    org = PartnerFactory(name=name)
    give_logo(BrandProfileFactory(organisation=org, **profile))
    return org


def test_the_check_lists_every_kind_of_problem():
    kit = draft_kit()
    partner_with("Short Ltd")
    partner_with("A Considerably Longer Partner Name Limited")
    make_pdf_layout(kit, zones=[SMALL_NAME, SMALL_LOGO, OVER_HEADING, BRAND_TEXT])
    problems = kit_worst_case_problems(kit=kit)
    found = {(p.zone, p.case): p.message for p in problems}

    long_real = "A Considerably Longer Partner Name Limited (longest name"
    too_long = [case for zone, case in found if zone == "Zone 1 (text) “Small name”"]
    assert any(case.startswith(long_real) for case in too_long)
    assert "Synthetic: very long name" in too_long
    assert "Short Ltd" not in " ".join(too_long)

    logo = found[("Zone 2 (logo) “Logo”", "Synthetic: very wide logo (10:1)")]
    assert "smallest allowed is 15 mm" in logo
    assert "Covers text or drawings of page 1" in found[("Zone 3 (text) “Over heading”", "")]
    pale = found[("Zone 4 (text) “Brand text”", "Synthetic: pale brand colours")]
    assert "#f4f1e8 on #ffffff" in pale


def test_the_lightest_and_longest_real_partners_are_chosen():
    kit = draft_kit()
    partner_with("Dark", primary_color="#112233", address="1 A St")
    pale = partner_with("Pale", primary_color="#FAFAF0")
    long_address = partner_with(
        "Far", address="A very long first line of address\nand a second\nthird"
    )
    chosen = {e.partner.pk: e.reasons for e in extreme_partners(kit)}
    assert "lightest brand colour" in chosen[pale.pk]
    assert "longest address" in chosen[long_address.pk]
    problems = kit_worst_case_problems(kit=kit)
    assert problems == []  # no co-branded asset yet


def test_the_check_page_lists_problems(ws_client):
    kit = draft_kit(title="Autumn push")
    make_pdf_layout(kit, zones=[SMALL_LOGO], title="Flyer")
    html = ws_client.get(reverse("workspace:kit_check", args=[kit.pk])).content.decode()
    assert "Worst cases of “Autumn push”" in html
    assert "Flyer" in html and "smallest allowed is 15 mm" in html
    assert "Publish anyway" in html


def test_publishing_with_problems_asks_first_and_publishes_on_confirm(ws_client):
    kit = draft_kit(title="Autumn push")
    make_pdf_layout(kit, zones=[SMALL_LOGO])
    url = reverse("workspace:kit_publish", args=[kit.pk])
    response = ws_client.post(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Publish “Autumn push” with" in html and "smallest allowed is 15 mm" in html
    kit.refresh_from_db()
    assert kit.status == Kit.Status.DRAFT
    response = ws_client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED and kit.went_live_at is not None


def test_a_kit_without_problems_publishes_at_once(ws_client):
    kit = draft_kit()
    make_file_asset(kit)
    response = ws_client.post(reverse("workspace:kit_publish", args=[kit.pk]))
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.status == Kit.Status.PUBLISHED


def test_a_refused_publish_says_why_and_changes_nothing(ws_client):
    from django.utils import timezone

    kit = draft_kit(expires_at=timezone.now() - timezone.timedelta(days=1))
    response = ws_client.post(
        reverse("workspace:kit_publish", args=[kit.pk]), {"confirm": "1"}, follow=True
    )
    html = response.content.decode()
    assert "was not published: The kit expired on" in html
    kit.refresh_from_db()
    assert kit.status == Kit.Status.DRAFT


def test_publish_is_post_only(ws_client):
    kit = draft_kit()
    assert ws_client.get(reverse("workspace:kit_publish", args=[kit.pk])).status_code == 405
