"""Reads of the asset library, always scoped to what a partner may see."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from assets import search
from assets.kinds import keys_where
from assets.models import Asset, Kit, Lesson, LessonCompletion, Tag
from portal.partners.models import PartnerOrganisation

# An asset shows once it has a version; guidelines and courses are their rows.
HAS_CONTENT = Q(current_version__isnull=False) | Q(kind__in=keys_where("content_from_rows"))


def _live_q(now: datetime) -> Q:
    return Kit.live_q(now)


def kits_visible_to(partner: PartnerOrganisation, *, now: datetime | None = None) -> QuerySet[Kit]:
    """Kits a partner may see: live, inside their dates, and aimed at it.

    Audience rules: a kit with no audience at all is for everyone. Otherwise a
    partner sees it when it is named, or when the kit sets at least one of
    tiers, types and regions and the partner matches every one that is set.
    A suspended partner sees nothing.
    """
    if not partner.is_active:
        return Kit.objects.none()
    now = now or timezone.now()
    kit = OuterRef("pk")
    tiers = Kit.audience_tiers.through.objects.filter(kit=kit)
    regions = Kit.audience_regions.through.objects.filter(kit=kit)
    named = Kit.audience_partners.through.objects.filter(kit=kit)
    any_type = Q(audience_types=[])
    has_criteria = Exists(tiers) | Exists(regions) | ~any_type
    matches_criteria = (
        (~Exists(tiers) | Exists(tiers.filter(tier_id=partner.tier_id)))
        & (~Exists(regions) | Exists(regions.filter(region_id=partner.region_id)))
        & (any_type | Q(audience_types__icontains=f'"{partner.partner_type}"'))
    )
    everyone = ~Exists(tiers) & ~Exists(regions) & any_type & ~Exists(named)
    is_named = Exists(named.filter(partnerorganisation_id=partner.pk))
    return Kit.objects.filter(_live_q(now)).filter(
        everyone | is_named | (has_criteria & matches_criteria)
    )


def partners_in_audience(
    kit: Kit, *, now: datetime | None = None, ignore_schedule: bool = False
) -> QuerySet[PartnerOrganisation]:
    """The partner organisations that see `kit` now: the reverse of
    `kits_visible_to`, by the same rules, in one query. The kit is read from
    the database (its status, dates and audience), not from the instance.
    With `ignore_schedule`, those its audience reaches whatever its status
    and dates (who a draft will reach once live)."""
    now = now or timezone.now()
    partner = OuterRef("pk")
    row = Kit.objects.filter(pk=kit.pk)
    tiers = Kit.audience_tiers.through.objects.filter(kit_id=kit.pk)
    regions = Kit.audience_regions.through.objects.filter(kit_id=kit.pk)
    named = Kit.audience_partners.through.objects.filter(kit_id=kit.pk)
    any_type = Exists(row.filter(audience_types=[]))
    type_matches = Exists(
        row.filter(
            audience_types__icontains=Concat(Value('"'), OuterRef("partner_type"), Value('"'))
        )
    )
    has_criteria = Exists(tiers) | Exists(regions) | ~any_type
    matches_criteria = (
        (~Exists(tiers) | Exists(tiers.filter(tier_id=OuterRef("tier_id"))))
        & (~Exists(regions) | Exists(regions.filter(region_id=OuterRef("region_id"))))
        & (any_type | type_matches)
    )
    everyone = ~Exists(tiers) & ~Exists(regions) & any_type & ~Exists(named)
    is_named = Exists(named.filter(partnerorganisation_id=partner))
    partners = PartnerOrganisation.objects.filter(status=PartnerOrganisation.Status.ACTIVE)
    if not ignore_schedule:
        partners = partners.filter(Exists(row.filter(_live_q(now))))
    return partners.filter(everyone | is_named | (has_criteria & matches_criteria))


def assets_visible_to(
    partner: PartnerOrganisation, *, now: datetime | None = None
) -> QuerySet[Asset]:
    """Assets of the kits a partner may see that have a current version."""
    return (
        Asset.objects.filter(kit__in=kits_visible_to(partner, now=now))
        .filter(HAS_CONTENT)
        .select_related("kit", "current_version")
    )


def library_search(
    partner: PartnerOrganisation,
    *,
    text: str = "",
    kind: str = "",
    kit_id: int | None = None,
    tag: str = "",
) -> QuerySet[Asset]:
    """The library listing: visible assets filtered by text (assets/search.py:
    full-text on PostgreSQL, best matches first; a plain match elsewhere),
    kind, kit and tag."""
    assets = assets_visible_to(partner)
    if kind:
        assets = assets.filter(kind=kind)
    if kit_id:
        assets = assets.filter(kit_id=kit_id)
    if tag:
        tagged = Kit.tags.through.objects.filter(kit_id=OuterRef("kit_id"), tag__slug=tag)
        assets = assets.filter(Exists(tagged))
    order = ["-kit__publish_at", "kit_id", "position", "id"]
    if text:
        assets = search.search_filter(assets, text)
        if "search_rank" in assets.query.annotations:
            order.insert(0, "-search_rank")
    # The index columns are only for matching: leave them out of the rows.
    return assets.defer("search_terms", "search_text", "search_vector").order_by(*order)


def library_filter_options(partner: PartnerOrganisation) -> dict:
    kits = kits_visible_to(partner).order_by("title")
    return {
        "kits": list(kits.only("id", "title")),
        "tags": list(Tag.objects.filter(kits__in=kits).distinct().order_by("name")),
    }


def kit_assets(kit: Kit) -> QuerySet[Asset]:
    return kit.assets.filter(HAS_CONTENT).select_related("current_version")


def new_kits_for(partner: PartnerOrganisation, *, limit: int = 6) -> list[Kit]:
    return list(
        kits_visible_to(partner)
        .annotate(asset_count=Count("assets"))
        .order_by("-publish_at", "-created_at")[:limit]
    )


def course_lessons_with_progress(asset: Asset, user) -> tuple[list[Lesson], int]:
    """The course's lessons in order, each with `.done` for this user, and the
    percentage completed."""
    done = LessonCompletion.objects.filter(lesson=OuterRef("pk"), user=user)
    lessons = list(asset.lessons.annotate(done=Exists(done)).order_by("position", "id"))
    if not lessons:
        return lessons, 0
    return lessons, round(100 * sum(1 for lesson in lessons if lesson.done) / len(lessons))


def lessons_visible_to(partner: PartnerOrganisation) -> QuerySet[Lesson]:
    courses = assets_visible_to(partner).filter(kind__in=keys_where("content_rows", "lessons"))
    return Lesson.objects.filter(asset__in=courses)
