"""Reads of the asset library, always scoped to what a partner may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Concat, RowNumber
from django.utils import timezone

from assets import search
from assets.kinds import keys_where
from assets.models import (
    Asset,
    Kit,
    Lesson,
    LessonCompletion,
    PrerenderFailure,
    PrerenderRun,
    Tag,
)
from portal.partners.models import PartnerOrganisation, Tier

# An asset shows once it has a version; guidelines and courses are their rows.
HAS_CONTENT = Q(current_version__isnull=False) | Q(kind__in=keys_where("content_from_rows"))


def _live_q(now: datetime) -> Q:
    return Kit.live_q(now)


def kits_visible_to(partner: PartnerOrganisation, *, now: datetime | None = None) -> QuerySet[Kit]:
    """Kits a partner may see: live, inside their dates, and aimed at it.

    Audience rules: a kit with no audience at all is for everyone. Otherwise a
    partner sees it when it is named, or when the kit sets at least one of
    tiers, types and regions and the partner matches every one that is set.
    The tier criterion is met by a ticked tier or by any tier ranking at
    least the kit's minimum tier ("Gold and above"). A suspended partner
    sees nothing. assets/audience.py states the same rule in Python.
    """
    if not partner.is_active:
        return Kit.objects.none()
    now = now or timezone.now()
    kit = OuterRef("pk")
    tiers = Kit.audience_tiers.through.objects.filter(kit=kit)
    regions = Kit.audience_regions.through.objects.filter(kit=kit)
    named = Kit.audience_partners.through.objects.filter(kit=kit)
    any_type = Q(audience_types=[])
    min_tier = Q(audience_min_tier__isnull=False)
    rank = Tier.objects.filter(pk=partner.tier_id).values("rank")[:1]
    tier_matches = Exists(tiers.filter(tier_id=partner.tier_id)) | Q(
        audience_min_tier__rank__lte=Subquery(rank)
    )
    has_criteria = Exists(tiers) | min_tier | Exists(regions) | ~any_type
    matches_criteria = (
        ((~Exists(tiers) & ~min_tier) | tier_matches)
        & (~Exists(regions) | Exists(regions.filter(region_id=partner.region_id)))
        & (any_type | Q(audience_types__icontains=f'"{partner.partner_type}"'))
    )
    everyone = ~Exists(tiers) & ~min_tier & ~Exists(regions) & any_type & ~Exists(named)
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
    min_tier = Exists(row.filter(audience_min_tier__isnull=False))
    tier_matches = Exists(tiers.filter(tier_id=OuterRef("tier_id"))) | Exists(
        row.filter(audience_min_tier__rank__lte=OuterRef("tier__rank"))
    )
    has_criteria = Exists(tiers) | min_tier | Exists(regions) | ~any_type
    matches_criteria = (
        ((~Exists(tiers) & ~min_tier) | tier_matches)
        & (~Exists(regions) | Exists(regions.filter(region_id=OuterRef("region_id"))))
        & (any_type | type_matches)
    )
    everyone = ~Exists(tiers) & ~min_tier & ~Exists(regions) & any_type & ~Exists(named)
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


@dataclass
class PrerenderProgress:
    """The latest pre-rendering run of a kit, as the workspace shows it."""

    run: PrerenderRun
    failures: list[PrerenderFailure]

    @property
    def total(self) -> int:
        return self.run.total

    @property
    def done(self) -> int:
        return self.run.done

    @property
    def failed(self) -> int:
        return self.run.failed

    @property
    def finished(self) -> bool:
        return self.run.finished

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


def prerender_progress(kit: Kit, *, failures_shown: int = 20) -> PrerenderProgress | None:
    """How far the kit's latest pre-rendering run got (None before any),
    with its first failures and their reasons."""
    run = PrerenderRun.objects.filter(kit=kit).select_related("partner").order_by("-pk").first()
    if run is None:
        return None
    failures = list(run.failures.select_related("asset", "partner").order_by("pk")[:failures_shown])
    return PrerenderProgress(run=run, failures=failures)


def prerender_progress_of_kits(
    kit_ids: list[int], *, failures_shown: int = 5
) -> dict[int, PrerenderProgress]:
    """prerender_progress for many kits at once (the workspace's kit list),
    in three queries however many kits: the latest run of each, and the
    first failures of each of those runs."""
    latest = (
        PrerenderRun.objects.filter(kit_id__in=kit_ids)
        .values("kit_id")
        .annotate(latest=Max("pk"))
        .values_list("latest", flat=True)
    )
    runs = list(PrerenderRun.objects.filter(pk__in=list(latest)).select_related("partner"))
    first = (
        PrerenderFailure.objects.filter(run__in=runs)
        .annotate(n=Window(RowNumber(), partition_by=[F("run_id")], order_by=F("pk").asc()))
        .filter(n__lte=failures_shown)
        .select_related("asset", "partner")
        .order_by("run_id", "pk")
    )
    failures: dict[int, list[PrerenderFailure]] = {}
    for failure in first:
        failures.setdefault(failure.run_id, []).append(failure)
    return {
        run.kit_id: PrerenderProgress(run=run, failures=failures.get(run.pk, [])) for run in runs
    }


def prerender_failures(kit: Kit) -> tuple[PrerenderRun | None, QuerySet[PrerenderFailure]]:
    """The kit's latest run and every failure of it."""
    run = PrerenderRun.objects.filter(kit=kit).select_related("partner").order_by("-pk").first()
    if run is None:
        return None, PrerenderFailure.objects.none()
    return run, run.failures.select_related("asset", "partner").order_by(
        "asset__position", "asset_id", "partner__name", "output_format"
    )
