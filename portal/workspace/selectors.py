"""Reads for the workspace."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch
from django.utils import timezone

from assets.lifecycle import KitStatusNow, kit_status_now
from assets.models import Asset, Kit
from assets.selectors import partners_in_audience


@dataclass
class KitRow:
    """A kit as the workspace's list shows it."""

    kit: Kit
    status: KitStatusNow
    reach: int  # partner organisations that see it now, or would once live
    asset_count: int


def kit_rows(*, now: datetime | None = None) -> list[KitRow]:
    """Every kit, newest first, with its status as partners see it now and
    how many partners its audience reaches."""
    now = now or timezone.now()
    kits = (
        Kit.objects.annotate(asset_count=Count("assets", distinct=True))
        .prefetch_related(
            "tags",
            "audience_tiers",
            "audience_regions",
            "audience_partners",
            Prefetch("assets", queryset=Asset.objects.order_by("position", "id")),
        )
        .order_by("-updated_at", "-pk")
    )
    return [
        KitRow(
            kit=kit,
            status=kit_status_now(kit, now),
            reach=audience_reach(kit),
            asset_count=kit.asset_count,
        )
        for kit in kits
    ]


def audience_reach(kit: Kit) -> int:
    """How many partners the kit's audience names or matches, whatever its
    status and dates: what "reaches N partners" means while it is edited."""
    return partners_in_audience(kit, ignore_schedule=True).count()


def kit_assets(kit: Kit) -> list[Asset]:
    """A kit's assets in order, with what the asset pages' lists show."""
    return list(kit.assets.select_related("current_version").order_by("position", "id"))
