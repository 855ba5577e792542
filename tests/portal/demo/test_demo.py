import pytest
from django.urls import reverse

from assets.models import AssetKind, AssetVersion, Kit
from assets.selectors import kits_visible_to
from portal.demo.seed import DEMO_PASSWORD
from portal.landing.models import LandingPage
from portal.partners.models import PartnerOrganisation
from tests.portal.demo.support import load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_every_kind_and_is_safe_to_run_twice(capsys):
    load_demo()
    out = capsys.readouterr().out
    assert "anna@acme.example" in out and DEMO_PASSWORD in out
    counts = (
        AssetVersion.objects.count(),
        Kit.objects.count(),
        PartnerOrganisation.objects.count(),
    )
    load_demo()
    assert (
        AssetVersion.objects.count(),
        Kit.objects.count(),
        PartnerOrganisation.objects.count(),
    ) == counts
    spring = Kit.objects.get(title="Spring launch 2026")
    assert set(spring.assets.values_list("kind", flat=True)) == set(AssetKind.values)
    assert len({p.brand.logo_sha256 for p in PartnerOrganisation.objects.all()}) == 4


def test_demo_audiences_differ_between_partners():
    load_demo()
    seen = {
        org.slug: set(kits_visible_to(org).values_list("title", flat=True))
        for org in PartnerOrganisation.objects.all()
    }
    assert seen["acme"] == {
        "Spring launch 2026",
        "Partner webinar series",
        "Security whitepaper pack",
    }
    assert seen["brightpath"] == {"Spring launch 2026", "Partner webinar series"}
    assert seen["codewave"] == {"Spring launch 2026", "Security whitepaper pack"}
    assert seen["dana-fit"] == {"Spring launch 2026"}


def test_a_demo_partner_signs_in_and_browses(client):
    load_demo()
    response = client.post(
        reverse("accounts:login"), {"username": "ben@acme.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    library = client.get(reverse("assets:library")).content.decode()
    assert "Technical data sheet" in library and "Webinar slide deck" in library


def test_demo_has_a_published_page_with_leads(client):
    from portal.landing.models import Lead

    load_demo()
    load_demo()
    page = LandingPage.objects.get(organisation__slug="acme")
    assert Lead.objects.filter(page=page).count() == 2
    response = client.get(reverse("landing:public_page", args=["acme", page.slug]))
    assert response.status_code == 200
    assert "See Northwind Backup live in Leeds" in response.content.decode()
    assert "3 December 2026" in response.content.decode()
