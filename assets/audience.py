"""Who a kit's audience reaches, worked out in Python.

The rule (the same as `assets.selectors.kits_visible_to` and
`partners_in_audience` apply in SQL; tests/assets/test_audience.py checks
that the three agree for every kind of audience):

- A suspended partner is reached by nothing.
- An audience that sets nothing (no tiers, no minimum tier, no types, no
  regions, no named partners) reaches every active partner.
- Otherwise a partner is reached when it is named, or when the audience sets
  at least one criterion and the partner matches every criterion it sets:
  - tier: its tier is one of `tier_ids`, or ranks at least `min_tier_rank`
    ("this tier and above"; a higher rank is a better tier);
  - type: its type is one of `types`;
  - region: its region is one of `region_ids`.

Use it where SQL can't go (an audience not saved yet, as a kit form is
edited) or where one query per kit would be too many (the workspace's kit
list): one query for the partners, then `audience_reach` for each audience.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from portal.partners.models import PartnerOrganisation


@dataclass(frozen=True)
class Audience:
    tier_ids: frozenset[int] = frozenset()
    min_tier_rank: int | None = None
    types: frozenset[str] = frozenset()
    region_ids: frozenset[int] = frozenset()
    partner_ids: frozenset[int] = frozenset()

    @property
    def has_criteria(self) -> bool:
        tiers = bool(self.tier_ids) or self.min_tier_rank is not None
        return tiers or bool(self.types or self.region_ids)

    @property
    def is_everyone(self) -> bool:
        return not (self.has_criteria or self.partner_ids)


@dataclass(frozen=True)
class PartnerFacts:
    """What the rule reads of a partner."""

    pk: int
    active: bool
    tier_id: int
    tier_rank: int
    partner_type: str
    region_id: int


def audience_admits(audience: Audience, partner: PartnerFacts) -> bool:
    """Whether `audience` reaches `partner` (see the module's docstring)."""
    if not partner.active:
        return False
    if audience.is_everyone or partner.pk in audience.partner_ids:
        return True
    if not audience.has_criteria:
        return False
    tier_set = bool(audience.tier_ids) or audience.min_tier_rank is not None
    tier_ok = not tier_set or (
        partner.tier_id in audience.tier_ids
        or (audience.min_tier_rank is not None and partner.tier_rank >= audience.min_tier_rank)
    )
    type_ok = not audience.types or partner.partner_type in audience.types
    region_ok = not audience.region_ids or partner.region_id in audience.region_ids
    return tier_ok and type_ok and region_ok


def audience_of(kit) -> Audience:
    """A saved kit's audience. Reads `audience_tiers`, `audience_regions`
    and `audience_partners` through `.all()` (prefetch them for many kits)
    and `audience_min_tier` (select it with the kits)."""
    min_tier = kit.audience_min_tier
    return Audience(
        tier_ids=frozenset(t.pk for t in kit.audience_tiers.all()),
        min_tier_rank=min_tier.rank if min_tier is not None else None,
        types=frozenset(kit.audience_types or ()),
        region_ids=frozenset(r.pk for r in kit.audience_regions.all()),
        partner_ids=frozenset(p.pk for p in kit.audience_partners.all()),
    )


def partner_facts() -> list[PartnerFacts]:
    """Every active partner, in one query."""
    rows = PartnerOrganisation.objects.filter(status=PartnerOrganisation.Status.ACTIVE).values_list(
        "pk", "tier_id", "tier__rank", "partner_type", "region_id"
    )
    return [
        PartnerFacts(
            pk=pk,
            active=True,
            tier_id=tier_id,
            tier_rank=rank,
            partner_type=partner_type,
            region_id=region_id,
        )
        for pk, tier_id, rank, partner_type, region_id in rows
    ]


def audience_reach(audience: Audience, partners: Iterable[PartnerFacts]) -> int:
    """How many of `partners` the audience reaches, whatever a kit's status
    and dates (who a draft will reach once live)."""
    return sum(1 for partner in partners if audience_admits(audience, partner))
