"""partners_in_audience is the reverse of kits_visible_to: the same rules,
read from the kit's side."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from assets.models import Kit
from assets.selectors import kits_visible_to, partners_in_audience
from portal.partners.models import PartnerOrganisation
from tests.factories import KitFactory, PartnerFactory, RegionFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners():
    """Every combination of three tiers, two regions and three types, and a
    suspended partner for some of them."""
    tiers = [TierFactory(name=n, rank=r) for n, r in (("Gold", 3), ("Silver", 2), ("Bronze", 1))]
    regions = [RegionFactory(name=n) for n in ("EMEA", "APAC")]
    types = ["reseller", "agency", "referral"]
    made = []
    for tier, region, kind in itertools.product(tiers, regions, types):
        made.append(PartnerFactory(tier=tier, region=region, partner_type=kind))
    made.append(
        PartnerFactory(
            tier=tiers[0], region=regions[0], partner_type="reseller", status="suspended"
        )
    )
    made.append(
        PartnerFactory(tier=tiers[1], region=regions[1], partner_type="agency", status="suspended")
    )
    return made


def _kits(partners):
    """Kits over every kind of audience, status and date."""
    now = timezone.now()
    gold, silver = partners[0].tier, partners[6].tier
    emea, apac = partners[0].region, partners[3].region
    suspended = partners[-2]
    kits = []

    def kit(title, *, tiers=(), regions=(), named=(), **fields):
        k = KitFactory(title=title, **fields)
        k.audience_tiers.add(*tiers)
        k.audience_regions.add(*regions)
        k.audience_partners.add(*named)
        kits.append(k)
        return k

    kit("everyone")
    kit("gold", tiers=[gold])
    kit("gold or silver", tiers=[gold, silver])
    kit("emea", regions=[emea])
    kit("agencies", audience_types=["agency"])
    kit("agencies and referrals", audience_types=["agency", "referral"])
    kit("gold emea resellers", tiers=[gold], regions=[emea], audience_types=["reseller"])
    kit("silver apac", tiers=[silver], regions=[apac])
    kit("named only", named=[partners[5], partners[10]])
    kit("named or gold", tiers=[gold], named=[partners[17]])
    kit("named suspended", named=[suspended])
    kit("named or agencies in apac", regions=[apac], audience_types=["agency"], named=[partners[0]])
    kit("draft", status=Kit.Status.DRAFT)
    kit("archived gold", tiers=[gold], status=Kit.Status.ARCHIVED)
    kit("later", status=Kit.Status.SCHEDULED, publish_at=now + timedelta(days=1))
    kit("due", status=Kit.Status.SCHEDULED, publish_at=now - timedelta(minutes=1))
    kit("expired", expires_at=now - timedelta(minutes=1))
    kit("expiring", tiers=[silver], expires_at=now + timedelta(hours=1))
    kit("no dates", publish_at=None)
    return kits


@pytest.mark.parametrize("hours", [0, 2, 48])
def test_agrees_with_kits_visible_to_for_every_partner_and_kit(partners, hours):
    kits = _kits(partners)
    now = timezone.now() + timedelta(hours=hours)
    sees = {p.pk: set(kits_visible_to(p, now=now).values_list("pk", flat=True)) for p in partners}
    for kit in kits:
        expected = {pk for pk, kit_pks in sees.items() if kit.pk in kit_pks}
        got = set(partners_in_audience(kit, now=now).values_list("pk", flat=True))
        assert got == expected, kit.title


def test_reads_the_audience_in_one_query(partners, django_assert_num_queries):
    kit = _kits(partners)[11]  # named or agencies in apac
    with django_assert_num_queries(1):
        names = {p.pk for p in partners_in_audience(kit)}
    apac_agencies = {
        p.pk
        for p in partners
        if p.region.name == "APAC" and p.partner_type == "agency" and p.is_active
    }
    assert names == apac_agencies | {partners[0].pk}


def test_who_is_in_the_audience(partners):
    by_title = {k.title: k for k in _kits(partners)}
    active = set(PartnerOrganisation.objects.filter(status="active").values_list("pk", flat=True))

    def audience(title):
        return set(partners_in_audience(by_title[title]).values_list("pk", flat=True))

    assert audience("everyone") == active == audience("due") == audience("no dates")
    assert audience("named only") == {partners[5].pk, partners[10].pk}
    assert audience("named suspended") == set()
    assert audience("gold emea resellers") == {partners[0].pk}
    assert audience("named or gold") == {p.pk for p in partners[:6]} | {partners[17].pk}
    for title in ("draft", "archived gold", "later", "expired"):
        assert audience(title) == set(), title
