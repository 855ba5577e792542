"""partners_in_audience is the reverse of kits_visible_to: the same rules,
read from the kit's side; assets/audience.py states them in Python and
agrees with both."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from assets.audience import audience_admits, audience_of, audience_reach, partner_facts
from assets.models import Kit
from assets.selectors import kits_visible_to, partners_in_audience
from portal.partners.models import PartnerOrganisation
from tests.factories import KitFactory, PartnerFactory, RegionFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners():
    """Every combination of four tiers, two regions and three types, and a
    suspended partner for some of them. Platinum (rank 4) comes last so the
    others keep their places."""
    tiers = [
        TierFactory(name=n, rank=r)
        for n, r in (("Gold", 3), ("Silver", 2), ("Bronze", 1), ("Platinum", 4))
    ]
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

    bronze = partners[12].tier

    def kit(title, *, tiers=(), regions=(), named=(), min_tier=None, **fields):
        k = KitFactory(title=title, audience_min_tier=min_tier, **fields)
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
    kit("gold and above", min_tier=gold)
    kit("silver and above in apac", min_tier=silver, regions=[apac])
    kit("bronze, or gold and above", tiers=[bronze], min_tier=gold)
    kit(
        "gold and above agencies, or named",
        min_tier=gold,
        audience_types=["agency"],
        named=[partners[13]],
    )
    kit("archived silver and above", min_tier=silver, status=Kit.Status.ARCHIVED)
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


def test_the_python_rule_agrees_with_the_queries_for_every_partner_and_kit(partners):
    kits = _kits(partners)
    facts = {f.pk: f for f in partner_facts()}
    for kit in Kit.objects.filter(pk__in=[k.pk for k in kits]):
        audience = audience_of(kit)
        admitted = {pk for pk, f in facts.items() if audience_admits(audience, f)}
        reached = set(partners_in_audience(kit, ignore_schedule=True).values_list("pk", flat=True))
        assert admitted == reached, kit.title
        assert audience_reach(audience, facts.values()) == len(reached), kit.title
        if kit.is_live():
            seen_by = {p.pk for p in partners if kits_visible_to(p).filter(pk=kit.pk).exists()}
            assert admitted == seen_by, kit.title


def test_a_tier_and_above_reaches_the_higher_ranked_tiers(partners):
    by_title = {k.title: k for k in _kits(partners)}

    def tiers_reached(title):
        reached = partners_in_audience(by_title[title]).select_related("tier")
        return {p.tier.name for p in reached}

    assert tiers_reached("gold and above") == {"Gold", "Platinum"}
    assert tiers_reached("bronze, or gold and above") == {"Bronze", "Gold", "Platinum"}
    assert tiers_reached("silver and above in apac") == {"Silver", "Gold", "Platinum"}
    assert tiers_reached("archived silver and above") == set()
    platinum = next(p for p in partners if p.tier.name == "Platinum")
    silver = next(p for p in partners if p.tier.name == "Silver")
    assert by_title["gold and above"] in kits_visible_to(platinum)
    assert by_title["gold and above"] not in kits_visible_to(silver)


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
