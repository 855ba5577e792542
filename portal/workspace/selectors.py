"""Reads for the workspace."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assets.audience import Audience, audience_of, audience_reach, partner_facts
from assets.lifecycle import KitStatusNow, kit_status_now
from assets.models import Asset, Kit
from portal.partners.models import PartnerOrganisation, PartnerType, Region, Tier

#: How many asset thumbnails a row of the kit list shows.
LIST_THUMBNAILS = 4


@dataclass
class AudienceSummary:
    """A kit's audience in words: "Everyone", or one line per criterion."""

    everyone: bool
    tiers: list[str] = field(default_factory=list)  # "Gold", "Platinum and above"
    types: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


@dataclass
class KitRow:
    """A kit as the workspace's list shows it."""

    kit: Kit
    status: KitStatusNow
    reach: int  # partner organisations that see it now, or would once live
    asset_count: int
    audience: AudienceSummary
    thumbnails: list[Asset]  # the first assets with a thumbnail, in order


def _kits_with_audience() -> QuerySet[Kit]:
    return Kit.objects.select_related("audience_min_tier").prefetch_related(
        "tags",
        Prefetch("audience_tiers", queryset=Tier.objects.order_by("-rank", "name")),
        Prefetch("audience_regions", queryset=Region.objects.order_by("name")),
        Prefetch(
            "audience_partners",
            queryset=PartnerOrganisation.objects.only("pk", "name").order_by("name"),
        ),
    )


def audience_summary(kit: Kit) -> AudienceSummary:
    """Reads the kit's audience as `_kits_with_audience` prefetches it."""
    type_labels = dict(PartnerType.choices)
    tiers = [t.name for t in kit.audience_tiers.all()]
    if kit.audience_min_tier is not None:
        tiers.append(f"{kit.audience_min_tier.name} and above")
    summary = AudienceSummary(
        everyone=audience_of(kit).is_everyone,
        tiers=tiers,
        types=[type_labels.get(t, t) for t in kit.audience_types or ()],
        regions=[r.name for r in kit.audience_regions.all()],
        partners=[p.name for p in kit.audience_partners.all()],
    )
    return summary


def kit_rows(*, now: datetime | None = None) -> list[KitRow]:
    """Every kit, newest first, with its status as partners see it now, its
    audience and how many partners it reaches. A fixed number of queries
    however many kits: the reach is counted in Python from one read of the
    partners, by the rule the selectors apply (assets/audience.py)."""
    now = now or timezone.now()
    thumbnails = Asset.objects.exclude(thumbnail="").only(
        "pk", "kit_id", "title", "thumbnail", "position"
    )
    kits = list(
        _kits_with_audience()
        .annotate(asset_count=Count("assets", distinct=True))
        .prefetch_related(
            Prefetch(
                "assets",
                queryset=thumbnails.order_by("position", "id"),
                to_attr="with_thumbnail",
            )
        )
        .order_by("-updated_at", "-pk")
    )
    partners = partner_facts()
    return [
        KitRow(
            kit=kit,
            status=kit_status_now(kit, now),
            reach=audience_reach(audience_of(kit), partners),
            asset_count=kit.asset_count,
            audience=audience_summary(kit),
            thumbnails=kit.with_thumbnail[:LIST_THUMBNAILS],
        )
        for kit in kits
    ]


def unsaved_audience_reach(audience: Audience) -> int:
    """How many partners an audience being edited would reach."""
    return audience_reach(audience, partner_facts())


@dataclass
class KitPage:
    """A kit as its workspace page shows it."""

    kit: Kit
    status: KitStatusNow
    reach: int
    audience: AudienceSummary
    assets: list[Asset]


def kit_for_workspace(pk: int) -> Kit:
    return get_object_or_404(_kits_with_audience(), pk=pk)


def kit_page(pk: int, *, now: datetime | None = None) -> KitPage:
    kit = kit_for_workspace(pk)
    assets = list(kit.assets.select_related("current_version").order_by("position", "id"))
    return KitPage(
        kit=kit,
        status=kit_status_now(kit, now or timezone.now()),
        reach=unsaved_audience_reach(audience_of(kit)),
        audience=audience_summary(kit),
        assets=assets,
    )


def asset_with_thumbnail(pk: int) -> Asset:
    return get_object_or_404(Asset.objects.exclude(thumbnail="").only("pk", "thumbnail"), pk=pk)


def kit_with_cover(pk: int) -> Kit:
    return get_object_or_404(Kit.objects.exclude(cover_image="").only("pk", "cover_image"), pk=pk)
