from datetime import timedelta

import pytest
from django.utils import timezone

from assets.models import Kit
from assets.selectors import kits_visible_to, library_search
from tests.factories import (
    KitFactory,
    PartnerFactory,
    RegionFactory,
    TagFactory,
    TierFactory,
    make_file_asset,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gold_emea_reseller():
    return PartnerFactory(
        tier=TierFactory(name="Gold", rank=3),
        region=RegionFactory(name="EMEA"),
        partner_type="reseller",
    )


@pytest.fixture
def silver_na_agency():
    return PartnerFactory(
        tier=TierFactory(name="Silver", rank=2),
        region=RegionFactory(name="North America"),
        partner_type="agency",
    )


def visible(partner):
    return set(kits_visible_to(partner).values_list("title", flat=True))


def test_kit_without_audience_is_for_everyone(gold_emea_reseller, silver_na_agency):
    KitFactory(title="All")
    assert visible(gold_emea_reseller) == {"All"} == visible(silver_na_agency)


def test_each_audience_criterion_narrows(gold_emea_reseller, silver_na_agency):
    KitFactory(title="Gold").audience_tiers.add(gold_emea_reseller.tier)
    KitFactory(title="NA").audience_regions.add(silver_na_agency.region)
    KitFactory(title="Agencies", audience_types=["agency", "influencer"])
    both = KitFactory(title="Gold resellers", audience_types=["reseller"])
    both.audience_tiers.add(gold_emea_reseller.tier)
    mismatch = KitFactory(title="Gold agencies", audience_types=["agency"])
    mismatch.audience_tiers.add(gold_emea_reseller.tier)
    assert visible(gold_emea_reseller) == {"Gold", "Gold resellers"}
    assert visible(silver_na_agency) == {"NA", "Agencies"}


def test_named_partners_see_the_kit_whatever_the_criteria(gold_emea_reseller, silver_na_agency):
    kit = KitFactory(title="Named")
    kit.audience_partners.add(silver_na_agency)
    assert visible(silver_na_agency) == {"Named"}
    assert visible(gold_emea_reseller) == set()
    kit.audience_tiers.add(gold_emea_reseller.tier)
    assert visible(gold_emea_reseller) == {"Named"}
    assert visible(silver_na_agency) == {"Named"}


def test_status_and_dates_hide_kits(gold_emea_reseller):
    now = timezone.now()
    KitFactory(title="Draft", status=Kit.Status.DRAFT)
    KitFactory(title="Archived", status=Kit.Status.ARCHIVED)
    KitFactory(title="Later", status=Kit.Status.SCHEDULED, publish_at=now + timedelta(days=1))
    KitFactory(title="Due", status=Kit.Status.SCHEDULED, publish_at=now - timedelta(minutes=1))
    KitFactory(title="Expired", expires_at=now - timedelta(seconds=1))
    KitFactory(title="Expiring", expires_at=now + timedelta(days=1))
    assert visible(gold_emea_reseller) == {"Due", "Expiring"}


def test_suspended_partner_sees_nothing(gold_emea_reseller):
    KitFactory(title="All")
    gold_emea_reseller.status = "suspended"
    assert visible(gold_emea_reseller) == set()


def test_library_search_filters_by_text_kind_kit_and_tag(gold_emea_reseller):
    spring, autumn = KitFactory(title="Spring launch"), KitFactory(title="Autumn")
    spring.tags.add(TagFactory(name="Launch", slug="launch"))
    make_file_asset(spring, title="Price list", description="All prices for 2026")
    make_file_asset(autumn, title="Case study")
    titles = lambda **kw: [a.title for a in library_search(gold_emea_reseller, **kw)]  # noqa: E731
    assert titles(text="prices") == ["Price list"]
    assert titles(text="spring") == ["Price list"]
    assert titles(kit_id=autumn.pk) == ["Case study"]
    assert titles(tag="launch") == ["Price list"]
    assert titles(kind="guideline") == []
    assert sorted(titles()) == ["Case study", "Price list"]
